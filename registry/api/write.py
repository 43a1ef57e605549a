"""Certification bodies publish: issuances (one or a batch) and status events."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from registry.api.auth import Caller, body_required, request_id
from registry.api.representations import certificate_json
from registry.certificates.models import Certificate
from registry.certificates.schemas import CertificateIn, parse_certificate, parse_event
from registry.certificates.service import Register
from registry.certificates.validation import today
from registry.db import commit, get_session
from registry.errors import FieldError, RegistryError, ValidationError
from registry.idempotency.service import fingerprint, remember, replay
from registry.search import schedule_sync
from registry.signing.service import current_minter

bp = Blueprint("api_write", __name__, url_prefix="/api/v1")

MAX_BATCH = 1000


class BadRequest(RegistryError):
    status = 400
    title = "Bad request"


def json_body() -> Any:
    """The request's JSON document, or a 400/415 problem saying what is wrong with it."""
    if not request.is_json:
        raise ValidationError(
            [FieldError("body", "send JSON with Content-Type: application/json", "请以 JSON 提交")],
            status=415,
            title="Unsupported Media Type",
        )
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("the request body is not valid JSON", "请求体不是有效的 JSON")
    return data


def _after_write() -> None:
    """Schedule what follows a committed write: the search index catches up at once."""
    schedule_sync(get_session())


def _parse_items(data: Any) -> tuple[list[CertificateIn], bool]:
    """One certificate or {"items": [...]}; every bad item reported by index and field."""
    if isinstance(data, dict) and set(data) == {"items"}:
        items = data["items"]
        if not isinstance(items, list) or not items:
            raise ValidationError([FieldError("items", "must be a non-empty list", "应为非空列表")])
        if len(items) > MAX_BATCH:
            raise ValidationError(
                [FieldError("items", f"at most {MAX_BATCH} certificates per request", f"每次最多 {MAX_BATCH} 张证书")]
            )
        parsed, errors = [], []
        for i, item in enumerate(items):
            try:
                parsed.append(parse_certificate(item, prefix=f"items[{i}]."))
            except ValidationError as exc:
                errors.extend(exc.errors)
        if errors:
            raise ValidationError(errors)
        return parsed, True
    return [parse_certificate(data)], False


@bp.post("/certificates")
@body_required
def issue(caller: Caller) -> ResponseReturnValue:
    items, batch = _parse_items(json_body())
    session = get_session()
    register = Register(session, caller.actor, body=caller.body, minter=current_minter())
    # The bulk path: set-based inserts instead of an ORM object per row (a 1,000-item batch in
    # well under a second); the stored certificates are read back in one query below.
    result = register.issue_many(enumerate(items), caller.body, keep=False)
    if result.errors:
        prefix = (lambda i: f"items[{i}].") if batch else (lambda i: "")
        errors = [FieldError(prefix(i) + e.field, e.message, e.message_zh) for i, e in result.errors]
        if result.conflict:
            raise ValidationError(errors, status=409, title="Conflict")
        raise ValidationError(errors)
    _after_write()
    commit(session)
    base_url, day = current_app.config["BASE_URL"], today()
    stored = {
        c.number: c
        for c in session.scalars(select(Certificate).where(Certificate.number.in_([i.number for i in items])))
    }
    docs = [certificate_json(stored[i.number], base_url, day) for i in items]
    status = 201 if result.created else 200
    response = jsonify({"items": docs, "created": result.created, "unchanged": result.unchanged} if batch else docs[0])
    response.status_code = status
    if not batch:
        response.headers["Location"] = docs[0]["page_url"]
    response.headers["X-Request-ID"] = request_id()
    return response


@bp.post("/certificates/<path:number>/events")
@body_required
def post_event(number: str, caller: Caller) -> ResponseReturnValue:
    data = json_body()
    session = get_session()
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 128:
        raise ValidationError([FieldError("Idempotency-Key", "at most 128 characters", "最多 128 个字符")])
    print_ = fingerprint("POST", request.path, data)
    if key:
        stored = replay(session, caller.key.id, key, print_)
        if stored is not None:
            response = jsonify(stored.body)
            response.status_code = stored.status
            response.headers["Idempotent-Replayed"] = "true"
            return response
    event = parse_event(data)
    register = Register(session, caller.actor, body=caller.body, minter=current_minter())
    cert = register.apply(number, event)
    doc = certificate_json(cert, current_app.config["BASE_URL"], today())
    if key:
        remember(session, caller.key.id, key, print_, 200, doc)
    _after_write()
    commit(session)
    response = jsonify(doc)
    response.headers["X-Request-ID"] = request_id()
    return response
