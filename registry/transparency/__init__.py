"""The transparency log: every register event a leaf of an RFC 6962 tree, served as C2SP tlog-tiles.

See docs/transparency-log.md.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, has_app_context
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Attach the log service and serve /log/ (no key, disk or database is touched here)."""
    from registry.transparency.service import LogService
    from registry.transparency.views import bp

    app.extensions["registry.transparency"] = LogService(app)
    app.register_blueprint(bp)


def log_service(app: Flask | None = None):  # type: ignore[no-untyped-def]
    """The app's LogService."""
    return (app or current_app).extensions["registry.transparency"]


def schedule_publish(session: Session) -> None:
    """Publish the events this unit of work appends once it commits (the ledger calls this once per unit)."""
    if not has_app_context() or "registry.transparency" not in current_app.extensions:
        return
    from registry.db import after_commit

    service = log_service()
    if service.notify not in session.info.get("after_commit", []):
        after_commit(session, service.notify)


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
