"""The transparency log: every register event a leaf of an RFC 6962 tree, served as C2SP tlog-tiles.

See docs/transparency-log.md.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Attach the log service and serve /log/ (no key, disk or database is touched here)."""
    from registry.db import subscribers
    from registry.transparency.service import LogService
    from registry.transparency.views import bp

    service = app.extensions["registry.transparency"] = LogService(app)
    app.register_blueprint(bp)

    def publish_after_write() -> None:
        # Writes made outside the app (a bare session in a script) are published by the next poll.
        if has_app_context():
            service.notify()

    subscribers(app).after["transparency-log"] = publish_after_write


def log_service(app: Flask | None = None):  # type: ignore[no-untyped-def]
    """The app's LogService."""
    return (app or current_app).extensions["registry.transparency"]


def preload(app: Flask) -> None:
    """Start-up work before workers fork: bring the log up to date with the register."""
    try:
        with app.app_context():
            result = log_service(app).publish()
        if result is None:
            log.warning("transparency log: no log key; run `flask --app registry log init-key`")
        else:
            log.info("transparency log at size %s", result.size)
    except Exception:
        log.exception("transparency log not caught up at start-up; the first write or poll retries")
