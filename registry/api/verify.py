"""Batch verification with signed receipts, and receipt checks."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError

from registry.api.write import json_body
from registry.certificates.schemas import field_errors
from registry.db import get_session
from registry.errors import ValidationError
from registry.signing.jwks import jwks_document
from registry.verification.receipts import check_receipt
from registry.verification.schemas import ReceiptCheckIn, VerifyIn
from registry.verification.service import verify_items

bp = Blueprint("api_verify", __name__, url_prefix="/api/v1")


def parse(model: type[VerifyIn] | type[ReceiptCheckIn]):  # type: ignore[no-untyped-def]
    try:
        return model.model_validate(json_body())
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    data = parse(VerifyIn)
    session = get_session()
    answer = verify_items(session, data.items, data.as_of)
    response = jsonify(answer)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/receipts/verify")
def receipts_verify() -> ResponseReturnValue:
    data = parse(ReceiptCheckIn)
    result = check_receipt(data.receipt, jwks_document(get_session()), current_app.config["BASE_URL"])
    return jsonify(valid=result.valid, kid=result.kid, reason=result.reason, payload=result.payload)
