"""The compact signed mark token (format version 1); see docs/token-format.md."""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.signing.keyring import Signer, short_key_id

FORMAT_VERSION = 1
DOMAIN = b"SCR-MARK-1"
EPOCH = datetime.date(2000, 1, 1)
MAX_EXPIRY_DAYS = 0xFFFF
SIGNATURE_SIZE = 64
HEADER_SIZE = 5
NUMBER_MIN_CHARS = 4
NUMBER_MAX_CHARS = 40
# Index 0 is padding, so the alphabet string starts with a placeholder that never matches.
NUMBER_ALPHABET = "\x000123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/."
_CHAR_INDEX = {c: i for i, c in enumerate(NUMBER_ALPHABET) if i}
_MIN_TOKEN_BYTES = HEADER_SIZE + 2 * -(-NUMBER_MIN_CHARS // 3) + SIGNATURE_SIZE
_MAX_TOKEN_BYTES = HEADER_SIZE + 2 * -(-NUMBER_MAX_CHARS // 3) + SIGNATURE_SIZE
# Base32 characters for the longest token; anything longer is rejected before decoding.
_MAX_TOKEN_CHARS = -(-_MAX_TOKEN_BYTES * 8 // 5)
_BASE32_RE = re.compile(r"[A-Z2-7]+")
_WHITESPACE_RE = re.compile(r"\s+")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TokenFormatError(ValueError):
    """The text is not a well-formed version 1 mark token."""


@dataclass(frozen=True)
class MarkClaims:
    """What a mark asserts: certificate number, star level and expiry date."""

    number: str
    star_level: int
    expires: datetime.date


@dataclass(frozen=True)
class DecodedToken:
    """A parsed token: its claims plus what a verifier needs (body, signature, short id)."""

    version: int
    key_short_id: bytes
    claims: MarkClaims
    body: bytes
    signature: bytes


@functools.lru_cache(maxsize=64)
def normalise_origin(base_url: str) -> str:
    """The registry origin as signed: lower-case scheme://host[:port], no default port."""
    parts = urlsplit(base_url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"base URL must be http or https: {base_url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError(f"base URL must be a bare origin: {base_url!r}")
    if parts.path not in ("", "/"):
        raise ValueError(f"base URL must not have a path: {base_url!r}")
    host = parts.hostname
    if not host:
        raise ValueError(f"base URL has no host: {base_url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"base URL has a bad port: {base_url!r}") from exc
    # IDNA keeps the host ASCII, which the QR payload and signed message both need.
    host = host.encode("idna").decode("ascii").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def signed_message(origin: str, body: bytes) -> bytes:
    """The bytes the signature covers: domain tag, NUL, origin, NUL, token body."""
    return DOMAIN + b"\x00" + normalise_origin(origin).encode("utf-8") + b"\x00" + body


def pack_number(number: str) -> bytes:
    """Pack a certificate number into base-40 triplets (uint16 big-endian each)."""
    if not NUMBER_MIN_CHARS <= len(number) <= NUMBER_MAX_CHARS:
        raise ValueError(f"certificate number must be {NUMBER_MIN_CHARS}-{NUMBER_MAX_CHARS} characters")
    try:
        indexes = [_CHAR_INDEX[c] for c in number]
    except KeyError as exc:
        raise ValueError(f"certificate number has a character outside 0-9 A-Z - / .: {exc.args[0]!r}") from None
    indexes += [0] * (-len(indexes) % 3)
    out = bytearray()
    for i in range(0, len(indexes), 3):
        value = indexes[i] * 1600 + indexes[i + 1] * 40 + indexes[i + 2]
        out += value.to_bytes(2, "big")
    return bytes(out)


def unpack_number(packed: bytes) -> str:
    """Inverse of pack_number; raises TokenFormatError for anything pack_number can't make."""
    if len(packed) % 2:
        raise TokenFormatError("number field has an odd length")
    chars: list[str] = []
    padded = False
    for i in range(0, len(packed), 2):
        value = int.from_bytes(packed[i : i + 2], "big")
        if value >= 40 * 40 * 40:
            raise TokenFormatError("number field has a triplet out of range")
        for index in (value // 1600, value // 40 % 40, value % 40):
            if index == 0:
                padded = True
            elif padded:
                raise TokenFormatError("number field has padding before its end")
            else:
                chars.append(NUMBER_ALPHABET[index])
    number = "".join(chars)
    # A whole triplet of padding would make a second encoding of the same number.
    if not NUMBER_MIN_CHARS <= len(number) <= NUMBER_MAX_CHARS or len(packed) != 2 * -(-len(number) // 3):
        raise TokenFormatError("number field has the wrong length")
    return number


def encode_body(claims: MarkClaims, key_short_id: bytes) -> bytes:
    """The token bytes before the signature."""
    if not isinstance(claims.star_level, int) or not 1 <= claims.star_level <= 5:
        raise ValueError(f"star level must be 1-5, got {claims.star_level!r}")
    days = (claims.expires - EPOCH).days
    if not 0 <= days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"expiry {claims.expires} is outside 2000-01-01 + 0..65535 days")
    if len(key_short_id) != 2:
        raise ValueError("short key id must be 2 bytes")
    header = bytes([FORMAT_VERSION << 4 | claims.star_level]) + key_short_id
    return header + days.to_bytes(2, "big") + pack_number(claims.number)


def encode_token(claims: MarkClaims, signer: Signer, origin: str) -> str:
    """Sign claims for origin and return the token as upper-case unpadded base32."""
    body = encode_body(claims, short_key_id(signer.kid))
    signature = signer.sign(signed_message(origin, body))
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError("signer did not return a 64-byte Ed25519 signature")
    return base64.b32encode(body + signature).decode("ascii").rstrip("=")


def decode_token(text: str) -> DecodedToken:
    """Parse a token (any case, whitespace ignored); raise TokenFormatError if malformed."""
    if not isinstance(text, str):
        raise TokenFormatError("token must be text")
    if len(text) > 4 * _MAX_TOKEN_CHARS:
        raise TokenFormatError("token is too long")
    compact = _WHITESPACE_RE.sub("", text).upper()
    if not compact:
        raise TokenFormatError("token is empty")
    if len(compact) > _MAX_TOKEN_CHARS:
        raise TokenFormatError("token is too long")
    if not _BASE32_RE.fullmatch(compact):
        raise TokenFormatError("token has characters outside base32 (A-Z, 2-7)")
    try:
        raw = base64.b32decode(compact + "=" * (-len(compact) % 8))
    except (binascii.Error, ValueError) as exc:
        raise TokenFormatError("token is not valid base32") from exc
    # Only one text per token: stray low bits in the last character would make a second.
    if base64.b32encode(raw).decode("ascii").rstrip("=") != compact:
        raise TokenFormatError("token is not canonical base32")
    if not _MIN_TOKEN_BYTES <= len(raw) <= _MAX_TOKEN_BYTES:
        raise TokenFormatError(f"token is {len(raw)} bytes; a version 1 token is 73-97 bytes")
    version, star_level = raw[0] >> 4, raw[0] & 0x0F
    if version != FORMAT_VERSION:
        raise TokenFormatError(f"unsupported token format version {version}")
    if not 1 <= star_level <= 5:
        raise TokenFormatError(f"star level {star_level} is outside 1-5")
    body, signature = raw[:-SIGNATURE_SIZE], raw[-SIGNATURE_SIZE:]
    days = int.from_bytes(body[3:5], "big")
    claims = MarkClaims(
        number=unpack_number(body[HEADER_SIZE:]),
        star_level=star_level,
        expires=EPOCH + datetime.timedelta(days=days),
    )
    return DecodedToken(
        version=version,
        key_short_id=body[1:3],
        claims=claims,
        body=body,
        signature=signature,
    )


def verify_signature(decoded: DecodedToken, origin: str, public_key: Ed25519PublicKey) -> bool:
    """Whether the token's signature is valid for origin under public_key.

    A bad signature gives False, never an exception; only a malformed origin raises.
    """
    message = signed_message(origin, decoded.body)
    try:
        public_key.verify(decoded.signature, message)
    except InvalidSignature:
        return False
    return True
