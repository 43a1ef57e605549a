"""The page language: `?lang=`, then Accept-Language, then Chinese."""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")


def current_lang() -> str:
    """`zh` or `en` for the current request."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
    return "en" if best.startswith("en") else "zh"


def pick(zh: str, en: str) -> str:
    """The text in the current language (falling back to Chinese when no English exists)."""
    return en if current_lang() == "en" and en else zh


def lang_url(lang: str) -> str:
    """The current page in another language, keeping its query (search terms, filters, page)."""
    from flask import url_for

    args = {k: v for k, v in request.args.items() if k != "lang"}
    endpoint = request.endpoint or "web.home"
    try:
        return url_for(endpoint, **(request.view_args or {}), **args, lang=lang)
    except Exception:  # an error page for a URL that matched no route
        return url_for("web.home", lang=lang)


VERDICT_NAMES = {
    "valid": ("有效", "Valid"),
    "suspended": ("暂停", "Suspended"),
    "revoked": ("撤销", "Revoked"),
    "withdrawn": ("注销", "Withdrawn"),
    "expired": ("过期", "Expired"),
}
