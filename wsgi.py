"""The WSGI entry point: `gunicorn --preload wsgi:app`."""

from registry import create_app
from registry.search import preload

app = create_app()
# With --preload this runs once in the master: the search index is caught up before workers fork.
preload(app)
