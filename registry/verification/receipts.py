"""Signed verification receipts: a compact JWS (`Ed25519`, `kid` in the header) over the results.

JWS goes through joserfc: it implements RFC 9864's fully specified `Ed25519` (and warns on the
deprecated `EdDSA`), is typed, depends only on cryptography, and signed a receipt in about 50 us
against jwcrypto's 110 us when the two were measured side by side (every verify call signs one).
See docs/token-format.md, "Verification receipts".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, ClassVar

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwa import JWSAlgModel
from joserfc.jwk import OKPKey
from joserfc.util import urlsafe_b64decode

from registry.signing.keyring import Signer
from registry.signing.token import normalise_origin

RECEIPT_TYPE = "scr-receipt+jws"
RECEIPT_ALG = "Ed25519"
# What receipts said before the registry adopted RFC 9864; they still verify.
LEGACY_RECEIPT_ALG = "EdDSA"
HEADER_MEMBERS = frozenset({"alg", "kid", "typ"})
_ED25519 = jws.JWSRegistry.algorithms[RECEIPT_ALG]


class ReceiptAlgorithms(jws.JWSRegistry):
    """The JOSE registry for receipts: Ed25519 only, and large enough for any receipt the registry signs.

    RFC 9864 deprecates the polymorphic `EdDSA`; over an Ed25519 key (the only kind the registry
    has) it names the same signature as `Ed25519`, so receipts signed before the registry adopted
    RFC 9864 are checked by the same algorithm, without the library's deprecation warning on each.
    """

    algorithms: ClassVar[dict[str, JWSAlgModel]] = {RECEIPT_ALG: _ED25519, LEGACY_RECEIPT_ALG: _ED25519}
    # The library's default (128,000 bytes) is below a 1,000-result receipt. The API and the
    # receipts page cap what they accept at 4,000,000 characters; an offline check reads a file.
    max_payload_length = 64 * 1024 * 1024


_SIGNING = ReceiptAlgorithms(algorithms=[RECEIPT_ALG])
_VERIFYING = ReceiptAlgorithms(algorithms=[RECEIPT_ALG, LEGACY_RECEIPT_ALG])


def receipt_payload(
    origin: str,
    checked_at: str,
    as_of: str | None,
    results: list[dict[str, Any]],
    log: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """What a receipt says: the one place its fields are chosen (add new fields here).

    `log` is the transparency-log checkpoint the results were checked against (null without a log key).
    """
    return {"iss": normalise_origin(origin), "checked_at": checked_at, "as_of": as_of, "results": results, "log": log}


def sign_receipt(
    signer: Signer,
    origin: str,
    checked_at: str,
    as_of: str | None,
    results: list[dict[str, Any]],
    log: dict[str, Any] | None = None,
) -> str:
    """A compact JWS over the registry origin, the time of the check, as_of, every result and the log checkpoint."""
    return sign_payload(signer, receipt_payload(origin, checked_at, as_of, results, log))


def sign_payload(signer: Signer, payload: dict[str, Any]) -> str:
    """The compact JWS (`Ed25519`, `kid` in the header) over a receipt payload."""
    header = {"alg": RECEIPT_ALG, "kid": signer.kid, "typ": RECEIPT_TYPE}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return jws.serialize_compact(header, body, signer.jose_key, registry=_SIGNING)


def receipt_id(receipt: str) -> str:
    """The id a receipt is stored and shown under: the SHA-256 of its compact text, in hex."""
    return hashlib.sha256(receipt.strip().encode("ascii", errors="replace")).hexdigest()


@dataclass
class ReceiptCheck:
    valid: bool
    reason: str
    kid: str | None = None
    payload: dict[str, Any] | None = None


def check_receipt(receipt: str, jwks: dict[str, Any], origin: str | None = None) -> ReceiptCheck:
    """Verify a receipt against a JWK set (offline or online); never raises for bad input."""
    text = receipt.strip()
    if text.count(".") != 2:
        return ReceiptCheck(False, "not a compact JWS (three dot-separated parts)")
    try:
        signed = jws.extract_compact(text.encode("utf-8"), registry=_VERIFYING)
        urlsafe_b64decode(signed.segments["signature"])
        header = signed.headers()
        payload = json.loads(signed.payload)
    except (JoseError, ValueError):
        return ReceiptCheck(False, "malformed receipt encoding")
    ours = set(header) == HEADER_MEMBERS and header["typ"] == RECEIPT_TYPE and isinstance(header["kid"], str)
    if not ours or header["alg"] not in (RECEIPT_ALG, LEGACY_RECEIPT_ALG):
        return ReceiptCheck(False, "not a registry receipt (alg must be Ed25519 or EdDSA, typ scr-receipt+jws)")
    kid = header["kid"]
    keys = jwks.get("keys", []) if isinstance(jwks, dict) else []
    revoked = {k.get("kid") for k in jwks.get("revoked", [])} if isinstance(jwks, dict) else set()
    if kid in revoked:
        return ReceiptCheck(False, "the signing key has been revoked", kid)
    jwk = next((k for k in keys if isinstance(k, dict) and k.get("kid") == kid), None)
    if jwk is None:
        return ReceiptCheck(False, "signed by a key not in the key set", kid)
    try:
        # Only the key itself: the key set's `alg` is advice to other verifiers, and a key set
        # saved before receipts moved to Ed25519 says EdDSA.
        key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": str(jwk["x"])})
        genuine = jws.validate_compact(signed, key, registry=_VERIFYING)
    except (KeyError, ValueError, JoseError):
        genuine = False
    if not genuine:
        return ReceiptCheck(False, "the signature does not verify: the receipt was altered", kid)
    if origin is not None and isinstance(payload, dict) and payload.get("iss") != normalise_origin(origin):
        return ReceiptCheck(False, f"issued by {payload.get('iss')!r}, not by this registry", kid, payload)
    return ReceiptCheck(True, "genuine receipt from this registry", kid, payload if isinstance(payload, dict) else None)
