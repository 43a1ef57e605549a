"""The published key set: `/.well-known/jwks.json`."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from registry.db import get_session
from registry.signing.jwks import jwks_document

bp = Blueprint("api_keys", __name__)


@bp.get("/.well-known/jwks.json")
def jwks() -> ResponseReturnValue:
    body = json.dumps(jwks_document(get_session()), ensure_ascii=False, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    # Short enough that a rotation or revocation reaches verifiers within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
