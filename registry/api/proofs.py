"""GET /api/v1/certificates/<number>/proof: a c2sp.org/tlog-proof@v1 for one of its events."""

from __future__ import annotations

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field

from registry.api.docs import answers, described
from registry.db import get_session
from registry.errors import FieldError, RegistryError, ValidationError
from registry.transparency import log_service
from registry.transparency.proofs import certificate_proof
from registry.transparency.service import LogUnavailable

bp = Blueprint("api_proofs", __name__, url_prefix="/api/v1")


class LogNotReady(RegistryError):
    status = 503
    title = "Service Unavailable"


class ProofQuery(BaseModel):
    """`index`, read by the view: a bad one is a 400 naming it."""

    index: int | None = Field(default=None, ge=0, le=10**17, description="The event's log index (default: its latest)")


@bp.get("/certificates/<path:number>/proof")
@described(
    "getProof",
    answers(
        {200: (None, "The proof: entry (extra), index, inclusion hashes, signed checkpoint")},
        (400, "Bad index"),
        (404, "No such certificate, or the index is not one of its events"),
        (503, "The log has no key yet"),
        media={"200": {"text/plain": {"schema": {"type": "string"}}}},
    ),
    query=ProofQuery,
    path_parameter_descriptions={"number": "The certificate number"},
)
def proof(number: str) -> ResponseReturnValue:
    """A c2sp.org/tlog-proof@v1 that the certificate's latest (or given) event is in the log."""
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
