"""Batch verification with signed receipts, and receipt checks."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError

from registry.api.docs import answers, described
from registry.api.representations import answer
from registry.api.write import json_body
from registry.certificates.schemas import field_errors
from registry.db import get_session
from registry.errors import ValidationError
from registry.signing.jwks import jwks_document
from registry.verification.receipts import check_receipt
from registry.verification.schemas import ReceiptCheckIn, ReceiptCheckOut, VerifyIn, VerifyOut
from registry.verification.service import verify_items

bp = Blueprint("api_verify", __name__, url_prefix="/api/v1")


def parse(model: type[VerifyIn] | type[ReceiptCheckIn]):  # type: ignore[no-untyped-def]
    try:
        return model.model_validate(json_body())
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None


@bp.post("/verify")
@described(
    "verify",
    answers(
        {200: (VerifyOut, "One result per input, in order")},
        (400, "Malformed JSON"),
        (413, "Too large"),
        (415, "Not JSON"),
        (422, "Validation failed"),
        (503, "No signing key"),
    ),
    json=VerifyIn,
)
def verify() -> ResponseReturnValue:
    """Check up to 1,000 numbers, tokens, scanned URLs, credit codes or organisation names; answers
    with a signed receipt, stored and readable at receipt_url."""
    data = parse(VerifyIn)
    session = get_session()
    result = verify_items(session, data.items, data.as_of)
    response = answer(VerifyOut.model_validate(result))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/receipts/verify")
@described(
    "verifyReceipt",
    answers(
        {200: (ReceiptCheckOut, "Whether the receipt is genuine")},
        (400, "Malformed JSON"),
        (415, "Not JSON"),
        (422, "Validation failed"),
    ),
    json=ReceiptCheckIn,
)
def receipts_verify() -> ResponseReturnValue:
    """Whether a receipt (compact JWS) is genuine, checked against the published keys."""
    data = parse(ReceiptCheckIn)
    result = check_receipt(data.receipt, jwks_document(get_session()), current_app.config["BASE_URL"])
    return answer(ReceiptCheckOut(valid=result.valid, kid=result.kid, reason=result.reason, payload=result.payload))
