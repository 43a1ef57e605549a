"""The published key set: `/.well-known/jwks.json`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from flask import Blueprint, Response, request
from flask.typing import ResponseReturnValue

from registry.api.docs import answers, described
from registry.api.representations import body_of
from registry.certificates.chain import format_time
from registry.db import get_session, utcnow
from registry.signing.keyring import public_jwk, public_key_from_b64
from registry.signing.schemas import JwksOut
from registry.signing.service import list_keys

bp = Blueprint("api_keys", __name__)

# A retired key stays published while marks it signed can still be in circulation: the
# longest validity (3 years) plus a year of slack for late renewals and receipts kept on file.
RETIRED_KEY_LIFETIME = dt.timedelta(days=4 * 366)


def jwks_document() -> dict[str, object]:
    """Every key whose marks or receipts may still be presented, and the revoked ones' ids."""
    now = utcnow()
    keys, revoked = [], []
    for key in list_keys(get_session()):
        if key.revoked_at is not None:
            revoked.append({"kid": key.kid, "revoked_at": format_time(key.revoked_at)})
            continue
        not_after = key.retired_at + RETIRED_KEY_LIFETIME if key.retired_at else None
        if not_after is not None and not_after < now:
            continue
        jwk = public_jwk(public_key_from_b64(key.public_key))
        jwk.update(
            {
                "kid": key.kid,
                "use": "sig",
                "alg": "EdDSA",
                "status": key.status,
                "created_at": format_time(key.created_at),
                "retired_at": format_time(key.retired_at) if key.retired_at else None,
                "not_after": format_time(not_after) if not_after else None,
            }
        )
        keys.append(jwk)
    return {"keys": keys, "revoked": revoked}


@bp.get("/.well-known/jwks.json")
@described("jwks", answers({200: (JwksOut, "JWK set"), 304: (None, "Not modified")}))
def jwks() -> ResponseReturnValue:
    """Published signing keys; revoked key ids listed under `revoked`."""
    document = body_of(JwksOut.model_validate(jwks_document()))
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    response = Response(body, mimetype="application/json")
    response.set_etag(etag)
    # Short enough that a rotation or revocation reaches verifiers within minutes.
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(request)
