"""The published key set: `/.well-known/jwks.json`."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from registry.api.docs import answers, described
from registry.api.representations import body_of
from registry.db import get_session
from registry.signing.jwks import jwks_document
from registry.signing.schemas import JwksOut

bp = Blueprint("api_keys", __name__)


@bp.get("/.well-known/jwks.json")
@described("jwks", answers({200: (JwksOut, "JWK set"), 304: (None, "Not modified")}))
def jwks() -> ResponseReturnValue:
    """Published signing keys; revoked key ids listed under `revoked`."""
    document = body_of(JwksOut.model_validate(jwks_document(get_session())))
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    # Short enough that a rotation or revocation reaches verifiers within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
