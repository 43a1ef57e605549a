"""Verifying a mark with nothing but the published key set (no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from registry.signing.keyring import b64url_decode, public_key_from_b64, short_key_id
from registry.signing.token import (
    DecodedToken,
    TokenFormatError,
    decode_token,
    normalise_origin,
    verify_signature,
)

_MARK_PATH = re.compile(r"^/v/([^/?#]+)/?$", re.IGNORECASE)


@dataclass(frozen=True)
class MarkInput:
    """What a user typed or scanned: a token (with the origin of its URL, if any) or a number."""

    raw: str
    token: str | None = None
    origin: str | None = None
    number: str | None = None


def parse_mark_input(text: str) -> MarkInput:
    """Split a scanned URL (any case, stray spaces), a bare token or a certificate number."""
    cleaned = "".join(text.split())
    lowered = cleaned.lower()
    if lowered.startswith(("http://", "https://")):
        parts = urlsplit(cleaned)
        match = _MARK_PATH.match(parts.path)
        if match:
            try:
                origin = normalise_origin(f"{parts.scheme}://{parts.netloc}")
            except (ValueError, TokenFormatError):
                origin = None
            return MarkInput(text, token=match.group(1).upper(), origin=origin)
        cert_path = re.match(r"^/certificates/(.+?)/?$", parts.path)
        if cert_path:
            return MarkInput(text, number=cert_path.group(1).upper())
        return MarkInput(text, token=cleaned.upper())
    candidate = cleaned.upper()
    # Certificate numbers are short and may hold '-' or '/'; tokens are long base32.
    if re.fullmatch(r"[A-Z2-7]{60,}", candidate):
        return MarkInput(text, token=candidate)
    return MarkInput(text, number=candidate)


@dataclass
class OfflineResult:
    valid: bool
    decoded: DecodedToken | None = None
    kid: str | None = None
    problem: str | None = None
    origin: str | None = None
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.decoded is not None:
            c = self.decoded.claims
            out += [
                f"number: {c.number}",
                f"star_level: {c.star_level}",
                f"expires: {c.expires.isoformat()}",
                f"key: {self.kid or self.decoded.key_short_id.hex() + ' (no matching key)'}",
                f"origin: {self.origin}",
            ]
        if self.problem:
            out.append(f"problem: {self.problem}")
        out += self.notes
        out.append(f"signature: {'valid' if self.valid else 'invalid'}")
        return out


def verify_offline(text: str, jwks: dict[str, Any], origin: str | None, default_origin: str) -> OfflineResult:
    """Check a token or scanned URL against a JWKS document."""
    parsed = parse_mark_input(text)
    if parsed.token is None:
        return OfflineResult(False, problem="this is not a mark token or scanned mark URL")
    try:
        decoded = decode_token(parsed.token)
    except TokenFormatError as exc:
        return OfflineResult(False, problem=f"malformed token: {exc}")
    try:
        use_origin = normalise_origin(origin or parsed.origin or default_origin)
    except (ValueError, TokenFormatError) as exc:
        return OfflineResult(False, decoded, problem=f"bad origin: {exc}")
    result = OfflineResult(False, decoded, origin=use_origin)
    for jwk in jwks.get("keys", []) if isinstance(jwks, dict) else []:
        kid = str(jwk.get("kid", ""))
        try:
            if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or short_key_id(kid) != decoded.key_short_id:
                continue
            b64url_decode(str(jwk["x"]))
            public_key = public_key_from_b64(str(jwk["x"]))
        except (KeyError, ValueError):
            continue
        if verify_signature(decoded, use_origin, public_key):
            result.kid = kid
            if jwk.get("status") == "revoked":
                result.problem = "the signing key has been revoked: treat this mark as forged"
                return result
            result.valid = True
            result.notes.append("the signature proves the registry issued this mark; check the live status online")
            return result
    result.problem = "no published key verifies this signature for this origin"
    return result
