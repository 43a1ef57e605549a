"""The JSON API: public reads, verification and certification bodies' writes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API blueprints and response caching."""
    from registry.api.public import bp as public_bp

    app.register_blueprint(public_bp)
    from registry.api.keys import bp as keys_bp
    from registry.api.openapi import bp as openapi_bp
    from registry.api.openapi import init_app as init_openapi
    from registry.api.verify import bp as verify_bp
    from registry.api.write import bp as write_bp

    app.register_blueprint(verify_bp)
    app.register_blueprint(openapi_bp)
    init_openapi(app)

    app.register_blueprint(write_bp)
    from registry.api.watches import bp as watches_bp

    app.register_blueprint(watches_bp)

    app.register_blueprint(keys_bp)
    from registry.api.proofs import bp as proofs_bp

    app.register_blueprint(proofs_bp)
    from registry.api.search import bp as search_bp

    app.register_blueprint(search_bp)
    from registry.api.reports import bp as reports_bp

    app.register_blueprint(reports_bp)

    from registry.api.caching import init_app as init_caching

    init_caching(app)
