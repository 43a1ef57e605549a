"""Certification bodies publish: issuances (one or a batch) and status events."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from registry.api.auth import Caller, body_required, request_id
from registry.api.docs import BODY_KEY, answers, described
from registry.api.representations import answer, body_of, certificate_out
from registry.certificates.models import Certificate
from registry.certificates.schemas import (
    MAX_BATCH,
    CertificateBatchOut,
    CertificateIn,
    CertificateOrBatchIn,
    CertificateOrBatchOut,
    CertificateOut,
    EventIn,
    parse_certificate,
    parse_event,
)
from registry.certificates.service import Register
from registry.certificates.validation import today
from registry.db import get_session, rollback
from registry.errors import FieldError, RegistryError, ValidationError
from registry.idempotency.schemas import IdempotencyHeaders
from registry.idempotency.service import fingerprint, remember, replay
from registry.signing.service import current_minter

bp = Blueprint("api_write", __name__, url_prefix="/api/v1")

WRITE_PROBLEMS = (
    (400, "Malformed JSON"),
    (401, "Missing, unknown or revoked API key"),
    (403, "The key's body may not act on this certificate, or the body is suspended"),
    (409, "Conflicts with the register (illegal transition, number taken)"),
    (413, "Request body too large"),
    (415, "Not JSON"),
    (422, "Validation failed; errors[] names each field"),
)


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
@described(
    "issueCertificates",
    answers(
        {
            201: (CertificateOrBatchOut, "Stored"),
            200: (CertificateOrBatchOut, "Identical re-issue: nothing written"),
        },
        *WRITE_PROBLEMS,
    ),
    json=CertificateOrBatchIn,
    security=BODY_KEY,
)
@body_required
def issue(caller: Caller) -> ResponseReturnValue:
    """Publish one certificate, or {items: [...]} (up to 1,000, all or nothing)."""
    items, batch = _parse_items(json_body())
    session = get_session()
    register = Register(session, caller.actor, body=caller.body, minter=current_minter())
    # The bulk path: set-based inserts instead of an ORM object per row (a 1,000-item batch in
    # well under a second); the stored certificates are read back in one query below.
    result = register.issue_many(enumerate(items), caller.body)
    if result.errors:
        prefix = (lambda i: f"items[{i}].") if batch else (lambda i: "")
        errors = [FieldError(prefix(i) + e.field, e.message, e.message_zh) for i, e in result.errors]
        if result.conflict:
            raise ValidationError(errors, status=409, title="Conflict")
        raise ValidationError(errors)
    base_url, day = current_app.config["BASE_URL"], today()
    stored = {
        c.number: c
        for c in session.scalars(select(Certificate).where(Certificate.number.in_([i.number for i in items])))
    }
    docs = [certificate_out(stored[i.number], base_url, day) for i in items]
    status = 201 if result.created else 200
    out = CertificateBatchOut(items=docs, created=result.created, unchanged=result.unchanged) if batch else docs[0]
    response = answer(out, status)
    if not batch:
        response.headers["Location"] = docs[0].page_url
    response.headers["X-Request-ID"] = request_id()
    return response


@bp.post("/certificates/<path:number>/events")
@described(
    "postEvent",
    answers({200: (CertificateOut, "The certificate after the event")}, *WRITE_PROBLEMS, (404, "No such certificate")),
    json=EventIn,
    headers=IdempotencyHeaders,
    security=BODY_KEY,
    path_parameter_descriptions={"number": "The certificate number"},
)
@body_required
def post_event(number: str, caller: Caller) -> ResponseReturnValue:
    """Record a status change or amendment; send Idempotency-Key to make retries safe."""
    data = json_body()
    session = get_session()
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 128:
        raise ValidationError([FieldError("Idempotency-Key", "at most 128 characters", "最多 128 个字符")])
    print_ = fingerprint("POST", request.path, data)
    if key:
        stored = replay(session, caller.key.id, key, print_)
        if stored is not None:
            # A replay changes nothing, not even the key's last use (a backup taken after it is the same).
            rollback(session)
            response = answer(CertificateOut.model_validate(stored.body), stored.status)
            response.headers["Idempotent-Replayed"] = "true"
            return response
    event = parse_event(data)
    register = Register(session, caller.actor, body=caller.body, minter=current_minter())
    cert = register.apply(number, event)
    doc = certificate_out(cert, current_app.config["BASE_URL"], today())
    if key:
        remember(session, caller.key.id, key, print_, 200, body_of(doc))
    response = answer(doc)
    response.headers["X-Request-ID"] = request_id()
    return response
