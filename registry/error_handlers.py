"""One handler per exception type for the whole app: a problem document for API calls, an error page otherwise."""

from __future__ import annotations

from flask import Flask, Response, current_app
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from registry import problems
from registry.db import is_lock_timeout
from registry.errors import RegistryError
from registry.web.errors import html_error_page

RETRY_AFTER_BUSY = 2


class Busy(RegistryError):
    """The register's write lock stayed taken (a long import, another server's batch): try again."""

    status = 503
    title = "Service Unavailable"


def on_registry_error(exc: RegistryError) -> Response | tuple[str, int]:
    if problems.wants_problem_json():
        return problems.registry_error(exc)
    return html_error_page(exc.status, exc.detail, exc.detail_zh)


def on_http_error(exc: HTTPException) -> Response | tuple[str, int] | HTTPException:
    if exc.code is None or exc.code < 400:
        return exc
    if problems.wants_problem_json():
        return problems.http_error(exc)
    if isinstance(exc, CSRFError):
        # Flask-WTF's reasons are English sentences about tokens; say what happened, in both languages.
        return html_error_page(
            400,
            "This form has expired or was opened in another browser session. Reload the page and submit it again.",
            "此表单已过期或在另一个浏览器会话中打开。请刷新页面后重新提交。",
        )
    return html_error_page(exc.code, exc.description or exc.name, "")


def on_database_error(exc: OperationalError) -> Response | tuple[str, int]:
    if not is_lock_timeout(exc):
        if problems.wants_problem_json():
            return problems.unexpected_error(exc)
        problems.log.exception("database error")
        return html_error_page(500, "Something went wrong on our side; it has been logged.", "服务器内部错误，已记录。")
    busy = Busy(
        "the register is busy with another write; try again in a few seconds", "登记簿正在处理其他写入，请稍后重试"
    )
    if problems.wants_problem_json():
        response = problems.registry_error(busy)
    else:
        response = current_app.make_response(html_error_page(503, busy.detail, busy.detail_zh))
    response.headers["Retry-After"] = str(RETRY_AFTER_BUSY)
    return response


def on_unexpected(exc: Exception) -> Response | tuple[str, int]:
    if problems.wants_problem_json():
        return problems.unexpected_error(exc)
    problems.log.exception("unhandled error")
    return html_error_page(500, "Something went wrong on our side; it has been logged.", "服务器内部错误，已记录。")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(RegistryError, on_registry_error)
    app.register_error_handler(HTTPException, on_http_error)
    app.register_error_handler(OperationalError, on_database_error)
    app.register_error_handler(Exception, on_unexpected)
