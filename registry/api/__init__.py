"""The JSON API: public reads, verification and certification bodies' writes."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from registry.api import errors
from registry.errors import RegistryError


def init_app(app: Flask) -> None:
    """Register the API blueprints and one error handler per exception type."""
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

    from flask_wtf.csrf import CSRFError

    from registry.web.errors import html_error_page

    def on_registry_error(exc: RegistryError) -> Response | tuple[str, int]:
        if errors.wants_problem_json():
            return errors.registry_error(exc)
        return html_error_page(exc.status, exc.detail, exc.detail_zh)

    def on_http_error(exc: HTTPException) -> Response | tuple[str, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        if errors.wants_problem_json():
            return errors.http_error(exc)
        if isinstance(exc, CSRFError):
            # Flask-WTF's reasons are English sentences about tokens; say what happened, in both languages.
            return html_error_page(
                400,
                "This form has expired or was opened in another browser session. Reload the page and submit it again.",
                "此表单已过期或在另一个浏览器会话中打开。请刷新页面后重新提交。",
            )
        return html_error_page(exc.code, exc.description or exc.name, "")

    def on_unexpected(exc: Exception) -> Response | tuple[str, int]:
        if errors.wants_problem_json():
            return errors.unexpected_error(exc)
        errors.log.exception("unhandled error")
        return html_error_page(500, "Something went wrong on our side; it has been logged.", "服务器内部错误，已记录。")

    from registry.api.caching import init_app as init_caching

    init_caching(app)

    app.register_error_handler(RegistryError, on_registry_error)
    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(Exception, on_unexpected)
