"""Full-text search: a Whoosh index on local disk that follows the register's events, behind one backend interface."""

from __future__ import annotations

import logging

from flask import Flask, current_app

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Attach the search service (no disk, database or dictionary is touched here)."""
    from registry.db import subscribers
    from registry.search.index import IndexStore
    from registry.search.service import SearchService

    store = IndexStore(app.config["SETTINGS"].data_dir / "search")
    svc = app.extensions["registry.search"] = SearchService(app, store)
    subscribers(app).after["search-index"] = svc.after_write


def search_service(app: Flask | None = None):  # type: ignore[no-untyped-def]
    """The app's SearchService."""
    return (app or current_app).extensions["registry.search"]


def preload(app: Flask) -> None:
    """Start-up work, once per server before workers fork: catch the index up."""
    from registry.certificates.validation import today
    from registry.search import follower

    svc = search_service(app)
    with app.app_context():
        session = app.extensions["registry.sessionmaker"]()
        try:
            result = follower.sync(session, svc.store, today(), timeout=30)
            if result is not None:
                log.info("search index at event %s (%s)", result.seq, "rebuilt" if result.rebuilt else "caught up")
                # Workers forked after this share what the first searches would otherwise each read.
                svc.index.warm()
        except Exception:
            log.exception("search index not ready at start-up; the database answers searches meanwhile")
        finally:
            session.close()
