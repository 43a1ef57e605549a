"""Service Certificate Registry: the public register of service certificates and star levels."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from registry.config import Settings, load_settings


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """Build the app: settings, database, extensions, blueprints, CLI."""
    settings = config if isinstance(config, Settings) else load_settings(**dict(config or {}))
    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        DATABASE_URL=settings.database_url,
        BASE_URL=settings.base_url,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
    )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    from registry import db, security

    db.init_app(app)
    security.init_app(app)

    from registry.signing import init_app as init_signing

    init_signing(app)

    from registry.search import init_app as init_search

    init_search(app)

    from registry.web.assets import init_app as init_assets

    # First of the response hooks, so that compression runs after all the others.
    init_assets(app)
    from registry.transparency import init_app as init_transparency

    init_transparency(app)
    from registry.watches import init_app as init_watches

    init_watches(app)

    from registry.api import init_app as init_api
    from registry.web import init_app as init_web

    init_api(app)
    init_web(app)

    from registry import error_handlers

    error_handlers.init_app(app)

    from registry.api.limits import init_app as init_limits

    init_limits(app)

    from registry.cli import init_app as init_cli

    init_cli(app)
    # Last: every view registered above runs as one unit of work (one commit, in one place).
    db.commit_views(app)
    return app
