"""The WSGI entry point: `gunicorn --preload wsgi:app`."""

from registry import create_app
from registry.search import preload
from registry.transparency import preload as preload_log

app = create_app()
# With --preload this runs once in the master: the search index is caught up before workers fork.
preload(app)
# Bring the transparency log up to date (a register from before the log is appended here).
preload_log(app)
