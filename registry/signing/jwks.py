"""The published key set (`/.well-known/jwks.json`): every key whose marks or receipts may still be shown."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from registry.db import utcnow
from registry.formats import format_time
from registry.signing.keyring import public_jwk, public_key_from_b64
from registry.signing.service import list_keys

# A retired key stays published while marks it signed can still be in circulation: the
# longest validity (3 years) plus a year of slack for late renewals and receipts kept on file.
RETIRED_KEY_LIFETIME = dt.timedelta(days=4 * 366)

# RFC 9864's fully specified name for what every key here signs: pure Ed25519 (marks) and JWS
# `Ed25519` (receipts). A JOSE library that honours a key's `alg` then accepts new receipts;
# receipts signed before the registry adopted RFC 9864 say `EdDSA`; its own verifiers check them.
KEY_ALG = "Ed25519"


def jwks_document(session: Session) -> dict[str, object]:
    """Every key whose marks or receipts may still be presented, and the revoked ones' ids."""
    now = utcnow()
    keys, revoked = [], []
    for key in list_keys(session):
        if key.revoked_at is not None:
            revoked.append({"kid": key.kid, "revoked_at": format_time(key.revoked_at)})
            continue
        not_after = key.retired_at + RETIRED_KEY_LIFETIME if key.retired_at else None
        if not_after is not None and not_after < now:
            continue
        jwk: dict[str, str | None] = dict(public_jwk(public_key_from_b64(key.public_key)))
        jwk.update(
            {
                "kid": key.kid,
                "use": "sig",
                "alg": KEY_ALG,
                "status": key.status,
                "created_at": format_time(key.created_at),
                "retired_at": format_time(key.retired_at) if key.retired_at else None,
                "not_after": format_time(not_after) if not_after else None,
            }
        )
        keys.append(jwk)
    return {"keys": keys, "revoked": revoked}
