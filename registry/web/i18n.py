"""The page language (`?lang=`, then Accept-Language, then Chinese) and its message catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import Babel, get_translations, lazy_gettext, lazy_pgettext, refresh
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

LANGUAGES = ("zh", "en")
TRANSLATIONS = Path(__file__).parent / "translations"


def init_app(app: Flask) -> None:
    """Serve UI strings from the message catalogs in `translations/`, in the page language."""
    # Messages are English; the `zh` catalog holds the Chinese, and English needs no catalog.
    Babel(app, default_locale="zh", default_translation_directories=str(TRANSLATIONS), locale_selector=current_lang)
    # Flask-Babel caches the locale on `g`, which requests share when an app context is already
    # pushed around them (as in tests): choose it afresh for every request.
    app.before_request(refresh)
    app.context_processor(template_translations)


def template_translations() -> dict[str, Any]:
    """The page language's catalog, looked up once per template rendered, not once per string.

    Flask-Babel's template functions find the catalog afresh for every string (about 20 µs each,
    60-odd strings on a search page); these behave the same (Jinja's "newstyle" gettext: the
    values are %-formatted into the message and escaped) with one lookup per render.
    """
    t = get_translations()

    def finish(context: Context, text: str, variables: dict[str, Any]) -> str:
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_context
    def gettext(context: Context, message: str, **variables: Any) -> str:
        return finish(context, t.gettext(message), variables)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        return finish(context, t.ngettext(singular, plural, num), variables)

    @pass_context
    def pgettext(context: Context, message_context: str, message: str, **variables: Any) -> str:
        variables.setdefault("context", message_context)
        return finish(context, t.pgettext(message_context, message), variables)

    @pass_context
    def npgettext(
        context: Context, message_context: str, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        variables.setdefault("context", message_context)
        variables.setdefault("num", num)
        return finish(context, t.npgettext(message_context, singular, plural, num), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "npgettext": npgettext}


def current_lang() -> str:
    """`zh` or `en` for the current request."""
    # Asked a dozen times per page: remember the answer on the request.
    lang = request.environ.get("registry.lang")
    if lang is None:
        asked = request.args.get("lang", "")
        if asked in LANGUAGES:
            lang = asked
        else:
            best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
            lang = "en" if best.startswith("en") else "zh"
        request.environ["registry.lang"] = lang
    return lang


_IN_LANG: dict[tuple[int, str], dict[Any, str]] = {}


def in_page_lang(table: dict[Any, Any]) -> dict[Any, str]:
    """A module-level table of lazy UI strings, translated into the page language.

    Translated once per process and language (the catalogs never change while serving): a lazy
    string looks its catalog up afresh every time it is shown, about 20 µs each.
    """
    key = (id(table), current_lang())
    out = _IN_LANG.get(key)
    if out is None:
        out = _IN_LANG[key] = {k: str(v) for k, v in table.items()}
    return out


def pick(zh: str, en: str) -> str:
    """A stored bilingual value in the current language (Chinese when no English exists).

    For data kept in two fields (names, scopes, reasons); UI text goes through the catalogs.
    """
    return en if current_lang() == "en" and en else zh


def nav_here() -> str:
    """The navigation entry of the page being shown (its view, or the view its form posts from)."""
    here = request.endpoint or ""
    return "verify_page.form" if here == "verify_page.check" else here


def nav_current(here: str, endpoint: str) -> Markup:
    """` aria-current="page"` on the navigation link to `here`."""
    return Markup(' aria-current="page"') if here == endpoint else Markup("")


def lang_url(lang: str) -> str:
    """The current page in another language, keeping its query (search terms, filters, page)."""
    from flask import url_for

    args = {k: v for k, v in request.args.items() if k != "lang"}
    endpoint = request.endpoint or "web.home"
    try:
        return url_for(endpoint, **(request.view_args or {}), **args, lang=lang)
    except Exception:  # an error page for a URL that matched no route
        return url_for("web.home", lang=lang)


# A status as a search filter or chart category ("撤销").
VERDICT_NAMES = {
    "valid": lazy_gettext("Valid"),
    "suspended": lazy_gettext("Suspended"),
    "revoked": lazy_gettext("Revoked"),
    "withdrawn": lazy_gettext("Withdrawn"),
    "expired": lazy_gettext("Expired"),
}

# The verdict on one certificate, as its page, scan page and bulk check state it ("已撤销").
VERDICT_WORDS = {
    "valid": lazy_pgettext("verdict", "Valid"),
    "suspended": lazy_pgettext("verdict", "Suspended"),
    "revoked": lazy_pgettext("verdict", "Revoked"),
    "withdrawn": lazy_pgettext("verdict", "Withdrawn"),
    "expired": lazy_pgettext("verdict", "Expired"),
    "not_found": lazy_pgettext("verdict", "Not found"),
    "forged": lazy_pgettext("verdict", "Forged"),
}

EVENT_NAMES = {
    "issue": lazy_pgettext("event", "Issued"),
    "suspend": lazy_pgettext("event", "Suspended"),
    "reinstate": lazy_pgettext("event", "Reinstated"),
    "revoke": lazy_pgettext("event", "Revoked"),
    "withdraw": lazy_pgettext("event", "Withdrawn"),
    "renew": lazy_pgettext("event", "Renewed"),
    "amend": lazy_pgettext("event", "Amended"),
    "surveillance": lazy_pgettext("event", "Surveillance"),
    "remark": lazy_pgettext("event", "Mark re-signed"),
    "holder": lazy_pgettext("event", "Holder details changed"),
}
