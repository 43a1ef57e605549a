"""Public read endpoints: no key needed."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from registry.api.representations import (
    certificate_as_of_json,
    certificate_json,
    event_json,
)
from registry.certificates.service import get_certificate, history, state_as_of
from registry.certificates.validation import today
from registry.db import get_session
from registry.errors import FieldError, NotFound, ValidationError
from registry.schemes.service import list_schemes

bp = Blueprint("api_public", __name__)


def parse_day(name: str, raw: str) -> dt.date:
    """A YYYY-MM-DD query parameter, or a 400 naming it."""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            [FieldError(name, f"{raw!r} is not a date in the form YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")], status=400
        ) from None


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")


@bp.get("/api/v1/schemes")
def schemes() -> ResponseReturnValue:
    items = [s.to_dict() for s in list_schemes(get_session())]
    return jsonify(items=items, total=len(items))


@bp.get("/api/v1/certificates/<path:number>/history")
def certificate_history(number: str) -> ResponseReturnValue:
    session = get_session()
    cert = get_certificate(session, number)
    return jsonify(number=cert.number, events=[event_json(e) for e in history(session, cert)])


@bp.get("/api/v1/certificates/<path:number>")
def certificate(number: str) -> ResponseReturnValue:
    session = get_session()
    base_url = current_app.config["BASE_URL"]
    raw = request.args.get("as_of")
    day = parse_day("as_of", raw) if raw is not None else None
    cert = get_certificate(session, number)
    if day is None:
        return jsonify(certificate_json(cert, base_url, today()))
    state = state_as_of(session, cert, day)
    if state is None:
        raise NotFound(
            f"certificate {cert.number} was not yet issued on {day.isoformat()} (issued {cert.issued.isoformat()})",
            f"证书 {cert.number} 在 {day.isoformat()} 尚未颁发（颁证日期 {cert.issued.isoformat()}）",
        )
    return jsonify(certificate_as_of_json(cert, state, base_url, day))
