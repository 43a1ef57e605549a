"""Friendly HTML error pages in the reader's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext, lazy_gettext

from registry.web.i18n import current_lang

TITLES = {
    400: lazy_gettext("Bad request"),
    401: lazy_gettext("Unauthorized"),
    403: lazy_gettext("Forbidden"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Method not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Too large"),
    422: lazy_gettext("Invalid input"),
    429: lazy_gettext("Too many requests"),
    500: lazy_gettext("Server error"),
    503: lazy_gettext("Busy: try again shortly"),
}


def html_error_page(status: int, detail: str, detail_zh: str) -> tuple[str, int]:
    """Render the error page for `status`."""
    title = TITLES.get(status)
    return (
        render_template(
            "error.html",
            status=status,
            title=str(title) if title is not None else gettext("Error"),
            # The detail comes with the exception in both languages, like any stored bilingual text.
            detail=detail if current_lang() == "en" or not detail_zh else detail_zh,
        ),
        status,
    )
