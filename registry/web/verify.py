"""The scan landing page `/v/<token>` (and `/V/<token>`, as printed in QR codes)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.validation import region_name
from registry.verification import current_verifier

bp = Blueprint("scan", __name__)


@bp.get("/v/<path:token>")
@bp.get("/V/<path:token>")
def landing(token: str) -> ResponseReturnValue:
    result = current_verifier(detail=True).verify_token(token, "".join(token.split()).upper(), None)
    response = render_template(
        "scan.html", r=result, cert=result.certificate, region_name=region_name, business_types=BUSINESS_TYPES
    )
    # The answer follows the register: never cache a verdict.
    return response, 200, {"Cache-Control": "no-store"}
