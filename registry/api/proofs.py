"""GET /api/v1/certificates/<number>/proof: a c2sp.org/tlog-proof@v1 for one of its events."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from registry.db import get_session
from registry.errors import FieldError, RegistryError, ValidationError
from registry.transparency import log_service
from registry.transparency.proofs import certificate_proof
from registry.transparency.service import LogUnavailable

bp = Blueprint("api_proofs", __name__, url_prefix="/api/v1")


class LogNotReady(RegistryError):
    status = 503
    title = "Service Unavailable"


@bp.get("/certificates/<path:number>/proof")
def proof(number: str) -> ResponseReturnValue:
    raw = request.args.get("index")
    index = None
    if raw is not None:
        if not raw.isdigit() or len(raw) > 18:
            raise ValidationError(
                [FieldError("index", "must be a log index (0 or more)", "必须是日志序号（≥0）")], status=400
            )
        index = int(raw)
    try:
        proof = certificate_proof(get_session(), log_service(), number, index)
    except LogUnavailable:
        raise LogNotReady("the transparency log is not available yet", "透明日志暂不可用") from None
    response = Response(proof.text(), content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["X-Log-Index"] = str(proof.index)
    return response
