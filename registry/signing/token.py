"""The compact signed mark token (format version 1); see docs/token-format.md."""

from __future__ import annotations

import datetime
import functools
import re
import struct
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
# bytes.translate tables between number characters and their indexes (0xFF: not allowed).
_CHAR_TO_INDEX = bytes(NUMBER_ALPHABET.find(chr(b)) if chr(b) in NUMBER_ALPHABET[1:] else 0xFF for b in range(256))
_INDEX_TO_CHAR = NUMBER_ALPHABET.encode("ascii").ljust(256, b"\xff")
_MIN_TOKEN_BYTES = HEADER_SIZE + 2 * -(-NUMBER_MIN_CHARS // 3) + SIGNATURE_SIZE
_MAX_TOKEN_BYTES = HEADER_SIZE + 2 * -(-NUMBER_MAX_CHARS // 3) + SIGNATURE_SIZE
# Base32 characters for the longest token; anything longer is rejected before decoding.
_MAX_TOKEN_CHARS = -(-_MAX_TOKEN_BYTES * 8 // 5)
_HEADER = struct.Struct(">B2sH")
_TRIPLETS = {count: struct.Struct(f">{count}H") for count in range(1, -(-NUMBER_MAX_CHARS // 3) + 1)}
_BASE32_RE = re.compile(r"[A-Z2-7]+")
_BASE32_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
# The standard library's base32 is pure Python and costs more than the 20% of an Ed25519
# operation that token handling may add; these tables let int() and bytes.translate do it.
_BASE32_TO_INT_DIGITS = str.maketrans(_BASE32_ALPHABET.decode(), "0123456789abcdefghijklmnopqrstuv")
_FIELD_TO_BASE32 = bytes.maketrans(bytes(range(32)), _BASE32_ALPHABET)
_BASE32_FIELDS = 256  # a power of two, and room for the longest token (160 bytes)
_DEFAULT_PORTS = {"http": 80, "https": 443}


class TokenFormatError(ValueError):
    """The text is not a well-formed version 1 mark token."""


@dataclass(frozen=True, slots=True)
class MarkClaims:
    """What a mark asserts: certificate number, star level and expiry date."""

    number: str
    star_level: int
    expires: datetime.date


@dataclass(frozen=True, slots=True)
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
    return _message_prefix(origin) + body


@functools.lru_cache(maxsize=64)
def _message_prefix(origin: str) -> bytes:
    return DOMAIN + b"\x00" + normalise_origin(origin).encode("utf-8") + b"\x00"


def pack_number(number: str) -> bytes:
    """Pack a certificate number into base-40 triplets (uint16 big-endian each)."""
    if not NUMBER_MIN_CHARS <= len(number) <= NUMBER_MAX_CHARS:
        raise ValueError(f"certificate number must be {NUMBER_MIN_CHARS}-{NUMBER_MAX_CHARS} characters")
    codes = number.encode().translate(_CHAR_TO_INDEX)
    if len(codes) != len(number) or 0xFF in codes:
        bad = next(c for c in number if c not in NUMBER_ALPHABET[1:])
        raise ValueError(f"certificate number has a character outside 0-9 A-Z - / .: {bad!r}")
    count = -(-len(codes) // 3)
    codes = codes.ljust(count * 3, b"\x00")
    values = [a * 1600 + b * 40 + c for a, b, c in zip(codes[0::3], codes[1::3], codes[2::3], strict=True)]
    return _TRIPLETS[count].pack(*values)


def unpack_number(packed: bytes) -> str:
    """Inverse of pack_number; raises TokenFormatError for anything pack_number can't make."""
    count, odd = divmod(len(packed), 2)
    if odd or count not in _TRIPLETS:
        raise TokenFormatError("number field has the wrong length")
    values = _TRIPLETS[count].unpack(packed)
    if max(values) >= 40 * 40 * 40:
        raise TokenFormatError("number field has a triplet out of range")
    codes = bytes([index for v in values for index in (v // 1600, v // 40 % 40, v % 40)])
    stripped = codes.rstrip(b"\x00")
    if b"\x00" in stripped:
        raise TokenFormatError("number field has padding before its end")
    # A whole triplet of padding would make a second encoding of the same number.
    if not NUMBER_MIN_CHARS <= len(stripped) <= NUMBER_MAX_CHARS or len(codes) - len(stripped) > 2:
        raise TokenFormatError("number field has the wrong length")
    return stripped.translate(_INDEX_TO_CHAR).decode("ascii")


@functools.cache
def _spread_masks() -> tuple[tuple[int, int, int], ...]:
    """Masks that move 5-bit fields, packed end to end, one to a byte (see b32encode)."""
    steps = []
    block = _BASE32_FIELDS
    while block > 1:
        half = block // 2
        low = high = 0
        for start in range(0, _BASE32_FIELDS * 8, block * 8):
            low |= ((1 << (half * 5)) - 1) << start
            high |= ((1 << (half * 5)) - 1) << (start + half * 5)
        steps.append((low, high, half * 3))
        block = half
    return tuple(steps)


def b32encode(raw: bytes) -> str:
    """RFC 4648 base32 without padding, as base64.b32encode(raw).rstrip(b"=")."""
    chars = -(-len(raw) * 8 // 5)
    fields = int.from_bytes(raw, "big") << (_BASE32_FIELDS * 5 - len(raw) * 8)
    # Each step halves every block of fields and lifts the upper half 3 bits per field,
    # so after log2(256) steps each 5-bit field sits alone in its own byte.
    for low, high, shift in _spread_masks():
        fields = (fields & low) | ((fields & high) << shift)
    return fields.to_bytes(_BASE32_FIELDS, "big")[:chars].translate(_FIELD_TO_BASE32).decode("ascii")


def b32decode(text: str) -> bytes:
    """Strict inverse of b32encode for text already known to be in the base32 alphabet."""
    size, spare = divmod(len(text) * 5, 8)
    if spare >= 5:
        raise TokenFormatError("token has an impossible base32 length")
    value = int(text.translate(_BASE32_TO_INT_DIGITS), 32)
    # Only one text per token: stray low bits in the last character would make a second.
    if value & ((1 << spare) - 1):
        raise TokenFormatError("token is not canonical base32")
    return (value >> spare).to_bytes(size, "big")


@functools.lru_cache(maxsize=64)
def _short_key_id(kid: str) -> bytes:
    return short_key_id(kid)


def encode_body(claims: MarkClaims, key_short_id: bytes) -> bytes:
    """The token bytes before the signature."""
    if not isinstance(claims.star_level, int) or not 1 <= claims.star_level <= 5:
        raise ValueError(f"star level must be 1-5, got {claims.star_level!r}")
    days = (claims.expires - EPOCH).days
    if not 0 <= days <= MAX_EXPIRY_DAYS:
        raise ValueError(f"expiry {claims.expires} is outside 2000-01-01 + 0..65535 days")
    if len(key_short_id) != 2:
        raise ValueError("short key id must be 2 bytes")
    return _HEADER.pack(FORMAT_VERSION << 4 | claims.star_level, key_short_id, days) + pack_number(claims.number)


def encode_token(claims: MarkClaims, signer: Signer, origin: str) -> str:
    """Sign claims for origin and return the token as upper-case unpadded base32."""
    body = encode_body(claims, _short_key_id(signer.kid))
    signature = signer.sign(signed_message(origin, body))
    if len(signature) != SIGNATURE_SIZE:
        raise ValueError("signer did not return a 64-byte Ed25519 signature")
    return b32encode(body + signature)


def decode_token(text: str) -> DecodedToken:
    """Parse a token (any case, whitespace ignored); raise TokenFormatError if malformed."""
    if not isinstance(text, str):
        raise TokenFormatError("token must be text")
    if len(text) > 4 * _MAX_TOKEN_CHARS:
        raise TokenFormatError("token is too long")
    compact = "".join(text.split()).upper()
    if not compact:
        raise TokenFormatError("token is empty")
    if len(compact) > _MAX_TOKEN_CHARS:
        raise TokenFormatError("token is too long")
    if not _BASE32_RE.fullmatch(compact):
        raise TokenFormatError("token has characters outside base32 (A-Z, 2-7)")
    raw = b32decode(compact)
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
