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

# What an HTTP error means, for errors raised by the framework with an English-only description.
DETAILS = {
    400: lazy_gettext("The request could not be understood. Go back, check what you entered and try again."),
    404: lazy_gettext("There is no page at this address. Check the link, or search the register."),
    405: lazy_gettext("This page cannot be used that way. Go back and use the page's own buttons."),
    413: lazy_gettext("What you sent is larger than the registry accepts."),
    429: lazy_gettext("Too many requests from your address. Wait a minute and try again."),
    500: lazy_gettext("Something went wrong on our side; it has been logged."),
}


def html_error_page(status: int, detail: str, detail_zh: str) -> tuple[str, int]:
    """Render the error page for `status`."""
    title = TITLES.get(status)
    return (
        render_template(
            "error.html",
            status=status,
            title=str(title) if title is not None else gettext("Error"),
            detail=_detail(status, detail, detail_zh),
        ),
        status,
    )


def _detail(status: int, detail: str, detail_zh: str) -> str:
    if detail_zh:
        # Our own errors carry their detail in both languages, like any stored bilingual text.
        return detail if current_lang() == "en" else detail_zh
    generic = DETAILS.get(status)
    return str(generic) if generic is not None else detail
