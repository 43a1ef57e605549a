"""Signed verification receipts: a compact JWS (EdDSA, `kid` in the header) over the results.

See docs/token-format.md, "Verification receipts".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature

from registry.signing.keyring import Signer, b64url_decode, b64url_encode, public_key_from_b64
from registry.signing.token import normalise_origin

RECEIPT_TYPE = "scr-receipt+jws"


def _b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8"))


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
    """The compact JWS (EdDSA, `kid` in the header) over a receipt payload."""
    header = {"alg": "EdDSA", "kid": signer.kid, "typ": RECEIPT_TYPE}
    signing_input = f"{_b64json(header)}.{_b64json(payload)}"
    return f"{signing_input}.{b64url_encode(signer.sign(signing_input.encode('ascii')))}"


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
    parts = receipt.strip().split(".")
    if len(parts) != 3:
        return ReceiptCheck(False, "not a compact JWS (three dot-separated parts)")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError:
        return ReceiptCheck(False, "malformed receipt encoding")
    if not isinstance(header, dict) or header.get("alg") != "EdDSA" or header.get("typ") != RECEIPT_TYPE:
        return ReceiptCheck(False, "not a registry receipt (alg must be EdDSA, typ scr-receipt+jws)")
    kid = header.get("kid")
    keys = jwks.get("keys", []) if isinstance(jwks, dict) else []
    revoked = {k.get("kid") for k in jwks.get("revoked", [])} if isinstance(jwks, dict) else set()
    if kid in revoked:
        return ReceiptCheck(False, "the signing key has been revoked", kid)
    jwk = next((k for k in keys if isinstance(k, dict) and k.get("kid") == kid), None)
    if jwk is None:
        return ReceiptCheck(False, "signed by a key not in the key set", kid if isinstance(kid, str) else None)
    try:
        public_key = public_key_from_b64(str(jwk["x"]))
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (KeyError, ValueError, InvalidSignature):
        return ReceiptCheck(False, "the signature does not verify: the receipt was altered", kid)
    if origin is not None and isinstance(payload, dict) and payload.get("iss") != normalise_origin(origin):
        return ReceiptCheck(False, f"issued by {payload.get('iss')!r}, not by this registry", kid, payload)
    return ReceiptCheck(True, "genuine receipt from this registry", kid, payload if isinstance(payload, dict) else None)
