"""The printable star-level mark: `/certificates/<number>/mark.svg` and `mark.png`."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue

from registry.certificates.service import get_certificate
from registry.db import get_session
from registry.errors import Conflict, FieldError, ValidationError
from registry.signing.marks import (
    PNG_DEFAULT_SIZE,
    PNG_MAX_SIZE,
    PNG_MIN_SIZE,
    mark_version,
    qr_payload,
    render_png,
    render_svg,
    scheme_label,
)

bp = Blueprint("marks", __name__)

YEAR = 365 * 24 * 3600


@lru_cache(maxsize=512)
def _render(kind: str, payload: str, star_level: int, scheme: str, number: str, size: int) -> bytes:
    if kind == "svg":
        return render_svg(payload, star_level, scheme, number).encode("utf-8")
    return render_png(payload, star_level, scheme, number, size)


def _mark(number: str, kind: str, size: int) -> Response:
    asked = request.args.get("v", "")
    if asked and request.if_none_match.contains(f"{asked}-{kind}-{size}"):
        # A versioned mark URL never changes: the client's copy is good without a database read.
        response = Response(status=304)
        response.set_etag(f"{asked}-{kind}-{size}")
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        return response
    cert = get_certificate(get_session(), number)
    if not cert.token:
        raise Conflict(f"certificate {cert.number} has no signed mark yet", f"证书 {cert.number} 尚无签名标志")
    version = mark_version(cert.token)
    etag = f"{version}-{kind}-{size}"
    cache = f"public, max-age={YEAR}, immutable" if request.args.get("v") == version else "public, max-age=300"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        payload = qr_payload(current_app.config["BASE_URL"], cert.token)
        label = scheme_label(cert.scheme.short_name_zh, cert.scheme.short_name)
        body = _render(kind, payload, cert.star_level, label, cert.number, size)
        response = Response(body, mimetype="image/svg+xml" if kind == "svg" else "image/png")
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    return response


@bp.get("/certificates/<path:number>/mark.svg")
def mark_svg(number: str) -> ResponseReturnValue:
    return _mark(number, "svg", 0)


@bp.get("/certificates/<path:number>/mark.png")
def mark_png(number: str) -> ResponseReturnValue:
    raw = request.args.get("size", str(PNG_DEFAULT_SIZE))
    if not raw.isdigit() or not PNG_MIN_SIZE <= int(raw) <= PNG_MAX_SIZE:
        raise ValidationError(
            [
                FieldError(
                    "size",
                    f"must be a whole number of pixels from {PNG_MIN_SIZE} to {PNG_MAX_SIZE}",
                    f"尺寸应为 {PNG_MIN_SIZE} 到 {PNG_MAX_SIZE} 之间的整数像素",
                )
            ],
            status=400,
        )
    return _mark(number, "png", int(raw))
