"""Friendly HTML error pages in the reader's language."""

from __future__ import annotations

from flask import render_template

from registry.web.i18n import current_lang

TITLES = {
    400: ("请求有误", "Bad request"),
    401: ("需要登录", "Unauthorized"),
    403: ("无权访问", "Forbidden"),
    404: ("未找到", "Not found"),
    405: ("不支持的操作", "Method not allowed"),
    409: ("状态冲突", "Conflict"),
    413: ("内容过大", "Too large"),
    422: ("输入有误", "Invalid input"),
    429: ("请求过于频繁", "Too many requests"),
    500: ("服务器错误", "Server error"),
}


def html_error_page(status: int, detail: str, detail_zh: str) -> tuple[str, int]:
    """Render the error page for `status`."""
    zh, en = TITLES.get(status, ("出错了", "Error"))
    lang = current_lang()
    return (
        render_template(
            "error.html",
            status=status,
            title=en if lang == "en" else zh,
            detail=detail if lang == "en" or not detail_zh else detail_zh,
        ),
        status,
    )
