"""Safe on the public internet: hostile input refused at the edge, browser security headers,
cookies, redirects built from the base URL, and the client address behind trusted proxies.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from registry.errors import RegistryError

# Deeper documents are refused before any view sees them; ours nest three levels at most.
MAX_JSON_DEPTH = 64
# A NUL breaks PostgreSQL text columns; a lone surrogate cannot be encoded as UTF-8 anywhere.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

CSP = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
# The printable mark is a standalone SVG with its own <style> and an embedded font subset.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'none'"
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=()"


class HostileInput(RegistryError):
    """Input no honest client sends: too deep, or text that cannot be stored."""

    status = 400
    title = "Bad request"


class _RefusedJSON(ValueError):
    def __init__(self, detail: str, detail_zh: str) -> None:
        super().__init__(detail)
        self.detail, self.detail_zh = detail, detail_zh


def check_document(value: Any) -> None:
    """Raise _RefusedJSON when a parsed document nests deeper than MAX_JSON_DEPTH or holds NUL/surrogates."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                raise _RefusedJSON(
                    "text must not contain NUL characters or unpaired surrogates (\\u0000, \\ud800-\\udfff)",
                    "文本不能包含 NUL 字符或不成对的代理码位",
                )
        elif isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise _RefusedJSON(
                    f"the JSON document nests deeper than {MAX_JSON_DEPTH} levels", f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层"
                )
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested too deeply or holding text no database can store."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = json.loads(s, **kwargs)
        except RecursionError:
            # CPython's parser recurses per level: about 1,000 levels answered 500 before this.
            raise _RefusedJSON(
                f"the JSON document nests deeper than {MAX_JSON_DEPTH} levels", f"JSON 嵌套超过 {MAX_JSON_DEPTH} 层"
            ) from None
        check_document(value)
        return value


def _refuse_oversized_stream() -> None:
    # Werkzeug stops reading a chunked body at the limit without saying so: the view then saw a
    # truncated document (400 "not valid JSON") instead of a body that is too large.
    limit = request.max_content_length
    if limit is None or request.content_length is not None:
        return
    if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    if len(request.get_data(cache=True)) >= limit:
        raise RequestEntityTooLarge()


def _refuse_hostile_input() -> None:
    _refuse_oversized_stream()
    if "\x00" in request.path:
        raise HostileInput("the address must not contain NUL characters", "地址不能包含 NUL 字符")
    if request.is_json and request.method in ("POST", "PUT", "PATCH"):
        try:
            # Parsed once here and cached for the view; the size limit applies however the body is sent.
            request.get_json()
        except BadRequest as exc:
            refused = _refusal_in(exc)
            if refused is not None:
                raise HostileInput(refused.detail, refused.detail_zh) from None
            # Malformed JSON: the view answers it in its own words.
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if any("\x00" in v for v in request.form.values()):
            raise HostileInput("form fields must not contain NUL characters", "表单字段不能包含 NUL 字符")
        if _is_site_form() and not _same_origin(request.headers.get("Origin")):
            raise HostileInput("this form may only be sent from this registry's pages", "此表单只能从本站页面提交")


def _refusal_in(exc: BaseException) -> _RefusedJSON | None:
    """The refusal behind Flask's and Werkzeug's BadRequest wrappers, if that is what failed."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None or isinstance(seen, _RefusedJSON):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _same_origin(origin: str | None) -> bool:
    """A form post from this registry's pages: no Origin (old browsers), or one naming this host."""
    if not origin or origin == "null":
        return True
    host = urlsplit(origin).netloc.lower()
    return host in (urlsplit(current_app.config["BASE_URL"]).netloc, request.host.lower())


def _is_site_form() -> bool:
    return not request.path.startswith("/api/")


def _security_headers(response: Response) -> Response:
    headers = response.headers
    if response.mimetype == "image/svg+xml":
        headers.setdefault("Content-Security-Policy", SVG_CSP)
    else:
        headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    base = current_app.config["BASE_URL"]
    if base.startswith("https://"):
        headers.setdefault("Strict-Transport-Security", "max-age=63072000")
    if response.location:
        response.location = _from_base_url(response.location, base)
    if response.status_code not in (429, 503):
        # Flask-Limiter announces Retry-After on every answer; it means "wait" only on these two.
        headers.pop("Retry-After", None)
    return response


def _from_base_url(location: str, base: str) -> str:
    """An absolute redirect to this server is rebuilt on REGISTRY_BASE_URL, never on the Host header."""
    parts = urlsplit(location)
    if not parts.netloc or parts.netloc.lower() != request.host.lower():
        return location
    origin = urlsplit(base)
    return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, parts.fragment))


def init_app(app: Flask) -> None:
    """Install the edge checks, the headers hook, cookie settings and the proxy fix."""
    settings = app.config["SETTINGS"]
    app.json = StrictJSONProvider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    https = settings.base_url.startswith("https://")
    app.config.update(
        SESSION_COOKIE_SECURE=https,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        # The /verify form stays usable when a page was opened in the morning and sent after lunch;
        # the token stays bound to the session cookie, which SameSite=Lax keeps on this site.
        WTF_CSRF_TIME_LIMIT=None,
        # Behind an https proxy a browser may send no Referer; the token and the Origin check remain.
        WTF_CSRF_SSL_STRICT=False,
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    app.before_request(_refuse_hostile_input)
    app.after_request(_security_headers)
