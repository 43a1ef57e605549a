"""The public site: HTML pages and their local static assets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from flask_wtf import CSRFProtect

from registry.config import contact_href
from registry.web import i18n
from registry.web.fragments import fragment


def init_app(app: Flask) -> None:
    """Register the site's blueprints, message catalogs and template helpers."""
    i18n.init_app(app)
    from registry.web.views import bp

    app.register_blueprint(bp)
    from registry.web.marks import bp as marks_bp

    app.register_blueprint(marks_bp)
    from registry.web.verify import bp as scan_bp

    app.register_blueprint(scan_bp)
    from registry.web.verify_page import bp as verify_page_bp

    app.register_blueprint(verify_page_bp)
    from registry.web import portal
    from registry.web.for_bodies import bp as for_bodies_bp

    app.register_blueprint(for_bodies_bp)
    portal.init_app(app)
    from registry.web.receipts import bp as receipts_bp

    app.register_blueprint(receipts_bp)
    from registry.web.watch_page import bp as watch_page_bp
    from registry.web.watch_page import watch_targets

    app.register_blueprint(watch_page_bp)
    app.jinja_env.globals["watch_targets"] = watch_targets
    from registry.web.results_csv import beijing_time

    app.jinja_env.filters["beijing_time"] = beijing_time
    from registry.web.feeds import bp as feeds_bp

    app.register_blueprint(feeds_bp)
    csrf = CSRFProtect(app)
    # The JSON API authenticates with bearer keys or needs none; cookies play no part there.
    for name in ("api_write", "api_verify", "api_reports", "api_watches"):
        blueprint = app.blueprints.get(name)
        if blueprint is not None:
            csrf.exempt(blueprint)
    from registry.web.search import bp as search_bp
    from registry.web.search import highlight

    app.register_blueprint(search_bp)
    app.jinja_env.globals.update(
        current_lang=i18n.current_lang,
        pick=i18n.pick,
        lang_url=i18n.lang_url,
        nav_current=i18n.nav_current,
        nav_here=i18n.nav_here,
        fragment=fragment,
        verdict_names=i18n.VERDICT_NAMES,
        verdict_words=i18n.VERDICT_WORDS,
        event_names=i18n.EVENT_NAMES,
    )
    app.jinja_env.filters["highlight"] = highlight
    settings = app.config["SETTINGS"]
    app.jinja_env.globals.update(
        operator={
            "name_zh": settings.operator_name_zh,
            "name_en": settings.operator_name_en,
            "contact": settings.operator_contact,
            "contact_href": contact_href(settings.operator_contact),
            "icp": settings.icp,
        },
        registry_host=urlsplit(settings.base_url).netloc,
    )
    # The scan page's report form needs no session: it acts for no signed-in user, so a forged
    # cross-site post could do nothing an attacker cannot do directly (rate limits cover both).
    csrf.exempt(app.view_functions["scan.report"])

    @app.after_request
    def _vary_on_language(response):  # type: ignore[no-untyped-def]
        # Pages change with Accept-Language: a shared cache must keep one copy per language.
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
        return response
