"""Batch verification with signed receipts, and receipt checks."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError

from registry.api.keys import jwks_document
from registry.api.write import json_body
from registry.certificates.chain import format_time
from registry.certificates.schemas import field_errors
from registry.db import get_session, utcnow
from registry.errors import RegistryError, ValidationError
from registry.signing.service import cached_active_kid, load_signer
from registry.transparency.proofs import log_positions
from registry.verification import current_verifier
from registry.verification.receipts import check_receipt, sign_receipt
from registry.verification.schemas import ReceiptCheckIn, VerifyIn

bp = Blueprint("api_verify", __name__, url_prefix="/api/v1")


class NoSigningKey(RegistryError):
    status = 503
    title = "Service Unavailable"


def parse(model: type[VerifyIn] | type[ReceiptCheckIn]):  # type: ignore[no-untyped-def]
    try:
        return model.model_validate(json_body())
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None


def verify_items(items: list[str], as_of: dt.date | None) -> dict[str, object]:
    """Verify every input and sign a receipt over the results (shared by the API and the /verify page)."""
    kid = cached_active_kid(get_session())
    if kid is None:
        raise NoSigningKey("the registry has no signing key for receipts", "登记簿没有可用于签发回执的密钥")
    signer = load_signer(current_app.config["SETTINGS"], kid)
    results = [r.to_dict() for r in current_verifier().verify_many(items, as_of)]
    log = log_positions(get_session(), results, as_of)
    checked_at = format_time(utcnow().replace(microsecond=0)).replace(".000000Z", "Z")
    as_of_text = as_of.isoformat() if as_of else None
    receipt = sign_receipt(signer, current_app.config["BASE_URL"], checked_at, as_of_text, results, log)
    return {"checked_at": checked_at, "as_of": as_of_text, "results": results, "log": log, "receipt": receipt}


@bp.post("/verify")
def verify() -> ResponseReturnValue:
    data = parse(VerifyIn)
    response = jsonify(verify_items(data.items, data.as_of))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/receipts/verify")
def receipts_verify() -> ResponseReturnValue:
    data = parse(ReceiptCheckIn)
    result = check_receipt(data.receipt, jwks_document(), current_app.config["BASE_URL"])
    return jsonify(valid=result.valid, kid=result.kid, reason=result.reason, payload=result.payload)
