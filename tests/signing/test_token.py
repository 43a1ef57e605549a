import base64
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.signing import token as token_module
from registry.signing.keyring import InMemorySigner, short_key_id
from registry.signing.token import (
    DecodedToken,
    MarkClaims,
    TokenFormatError,
    decode_token,
    encode_token,
    normalise_origin,
    signed_message,
    verify_signature,
)

ORIGIN = "https://registry.example.cn"
CLAIMS = MarkClaims("CQC-2026-SV-00012345", 4, datetime.date(2029, 6, 30))
NUMBER_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-/."

SIGNER = InMemorySigner()
TOKEN = encode_token(CLAIMS, SIGNER, ORIGIN)


def _raw(token: str) -> bytes:
    return base64.b32decode(token + "=" * (-len(token) % 8))


def _text(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def test_round_trip_and_claims():
    decoded = decode_token(TOKEN)
    assert isinstance(decoded, DecodedToken)
    assert decoded.version == 1
    assert decoded.claims == CLAIMS
    assert decoded.key_short_id == short_key_id(SIGNER.kid)
    assert len(decoded.signature) == 64
    assert verify_signature(decoded, ORIGIN, SIGNER.public_key)


def test_twenty_character_number_is_83_bytes_133_chars():
    assert len(CLAIMS.number) == 20
    assert len(TOKEN) == 133
    assert len(_raw(TOKEN)) == 83
    assert TOKEN.upper() == TOKEN
    assert "=" not in TOKEN


def test_layout_header_bytes():
    raw = _raw(TOKEN)
    assert raw[0] == 0x14
    assert raw[1:3] == short_key_id(SIGNER.kid)
    assert int.from_bytes(raw[3:5], "big") == (CLAIMS.expires - datetime.date(2000, 1, 1)).days


def test_decode_accepts_lower_case_and_whitespace():
    spaced = " ".join(TOKEN[i : i + 8] for i in range(0, len(TOKEN), 8)).lower()
    assert decode_token(f"\n {spaced}\t").claims == CLAIMS


def test_token_for_another_origin_fails():
    decoded = decode_token(TOKEN)
    assert not verify_signature(decoded, "https://registry.example.com", SIGNER.public_key)
    assert not verify_signature(decoded, "http://registry.example.cn", SIGNER.public_key)
    assert verify_signature(decoded, "HTTPS://Registry.Example.CN:443/", SIGNER.public_key)


def test_other_key_fails():
    assert not verify_signature(decode_token(TOKEN), ORIGIN, InMemorySigner().public_key)


def test_every_single_bit_flip_is_rejected():
    raw = _raw(TOKEN)
    for bit in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[bit // 8] ^= 1 << (bit % 8)
        try:
            decoded = decode_token(_text(bytes(flipped)))
        except TokenFormatError:
            continue
        assert not verify_signature(decoded, ORIGIN, SIGNER.public_key), f"bit {bit} flip verified"


def _rejected(text: str) -> bool:
    try:
        decoded = decode_token(text)
    except TokenFormatError:
        return True
    return not verify_signature(decoded, ORIGIN, SIGNER.public_key)


def test_every_truncation_and_extension_is_rejected():
    raw = _raw(TOKEN)
    for length in range(len(raw)):
        assert _rejected(_text(raw[:length])), f"{length}-byte prefix accepted"
    for cut in range(len(TOKEN)):
        assert _rejected(TOKEN[:cut]), f"{cut}-character prefix accepted"
    for extra in (b"\x00", b"\x00\x00", b"\xff" * 8):
        assert _rejected(_text(raw + extra))
    assert _rejected(TOKEN + "A")


def test_non_canonical_base32_is_rejected():
    # 133 characters carry 665 bits for 664: the last character's lowest bit is unused.
    last = TOKEN[-1]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    twin = alphabet[alphabet.index(last) ^ 1]
    with pytest.raises(TokenFormatError):
        decode_token(TOKEN[:-1] + twin)


@pytest.mark.parametrize(
    "text",
    ["", " ", "0", "1" * 133, "A" * 10_000, "https://registry.example.cn/V/ABC", "ÄÖÜ", "A=======", "\x00"],
)
def test_malformed_text_is_a_token_format_error(text):
    with pytest.raises(TokenFormatError):
        decode_token(text)


def test_token_format_error_is_a_value_error():
    assert issubclass(TokenFormatError, ValueError)


def _with_body_byte(index: int, value: int) -> str:
    raw = bytearray(_raw(TOKEN))
    raw[index] = value
    return _text(bytes(raw))


@pytest.mark.parametrize("byte0", [0x04, 0x24, 0x10, 0x16, 0x1F])
def test_bad_version_or_star_is_rejected(byte0):
    with pytest.raises(TokenFormatError):
        decode_token(_with_body_byte(0, byte0))


def test_bad_number_triplets_are_rejected():
    raw = bytearray(_raw(TOKEN))
    # 64000 is past the largest triplet (39, 39, 39) = 63999.
    raw[5:7] = (64000).to_bytes(2, "big")
    with pytest.raises(TokenFormatError):
        decode_token(_text(bytes(raw)))
    raw = bytearray(_raw(TOKEN))
    # Padding in the first triplet, before more characters.
    raw[5:7] = (13 * 1600).to_bytes(2, "big")
    with pytest.raises(TokenFormatError):
        decode_token(_text(bytes(raw)))


def test_all_padding_triplet_is_rejected():
    short = encode_token(MarkClaims("ABCDEF", 3, CLAIMS.expires), SIGNER, ORIGIN)
    raw = _raw(short)
    padded = raw[:-64] + b"\x00\x00" + raw[-64:]
    with pytest.raises(TokenFormatError):
        decode_token(_text(padded))


@pytest.mark.parametrize(
    "claims",
    [
        MarkClaims("abc-1234", 3, CLAIMS.expires),
        MarkClaims("ABC", 3, CLAIMS.expires),
        MarkClaims("A" * 41, 3, CLAIMS.expires),
        MarkClaims("ABC_1234", 3, CLAIMS.expires),
        MarkClaims("ABC 1234", 3, CLAIMS.expires),
        MarkClaims("ABCD1234", 0, CLAIMS.expires),
        MarkClaims("ABCD1234", 6, CLAIMS.expires),
        MarkClaims("ABCD1234", 3, datetime.date(1999, 12, 31)),
        MarkClaims("ABCD1234", 3, datetime.date(2000, 1, 1) + datetime.timedelta(days=65536)),
    ],
)
def test_encode_rejects_claims_outside_the_format(claims):
    with pytest.raises(ValueError):
        encode_token(claims, SIGNER, ORIGIN)


def test_expiry_range_edges_round_trip():
    for expires in (datetime.date(2000, 1, 1), datetime.date(2000, 1, 1) + datetime.timedelta(days=65535)):
        token = encode_token(MarkClaims("ABCD", 1, expires), SIGNER, ORIGIN)
        assert decode_token(token).claims.expires == expires


def test_signed_message_layout():
    body = bytes(range(17))
    assert signed_message("https://Registry.example.cn/", body) == (
        b"SCR-MARK-1\x00https://registry.example.cn\x00" + body
    )


@pytest.mark.parametrize(
    ("base_url", "origin"),
    [
        ("https://registry.example.cn", "https://registry.example.cn"),
        ("HTTPS://REGISTRY.Example.CN/", "https://registry.example.cn"),
        ("https://registry.example.cn:443", "https://registry.example.cn"),
        ("http://localhost:80", "http://localhost"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("https://registry.example.cn:8443/", "https://registry.example.cn:8443"),
        ("https://例子.中国", "https://xn--fsqu00a.xn--fiqs8s"),
    ],
)
def test_normalise_origin(base_url, origin):
    assert normalise_origin(base_url) == origin
    assert normalise_origin(origin) == origin


@pytest.mark.parametrize(
    "base_url",
    ["ftp://example.cn", "registry.example.cn", "https://", "https://example.cn/app", "https://u@example.cn"],
)
def test_normalise_origin_rejects_non_origins(base_url):
    with pytest.raises(ValueError):
        normalise_origin(base_url)


numbers = st.text(alphabet=NUMBER_CHARS, min_size=4, max_size=40)
dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2179, 6, 6))


@settings(max_examples=200, deadline=None)
@given(number=numbers, star_level=st.integers(1, 5), expires=dates)
def test_any_valid_claims_round_trip(number, star_level, expires):
    claims = MarkClaims(number, star_level, expires)
    token = encode_token(claims, SIGNER, ORIGIN)
    decoded = decode_token(token)
    assert decoded.claims == claims
    assert verify_signature(decoded, ORIGIN, SIGNER.public_key)
    assert 117 <= len(token) <= 156


def _decode_or_format_error(text: str) -> None:
    try:
        decode_token(text)
    except TokenFormatError:
        pass


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_arbitrary_text_only_raises_token_format_error(text):
    _decode_or_format_error(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abcxyz= \n", min_size=100, max_size=170))
def test_base32_like_text_only_raises_token_format_error(text):
    _decode_or_format_error(text)


@settings(max_examples=500, deadline=None)
@given(st.binary(min_size=0, max_size=120))
def test_arbitrary_bytes_as_base32_only_raise_token_format_error(raw):
    try:
        decoded = decode_token(_text(raw))
    except TokenFormatError:
        return
    assert not verify_signature(decoded, ORIGIN, SIGNER.public_key)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=120))
def test_bytes_decoded_as_latin1_text_only_raise_token_format_error(raw):
    _decode_or_format_error(raw.decode("latin-1"))


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=0, max_size=160))
def test_fast_base32_matches_the_standard_library(raw):
    text = base64.b32encode(raw).decode().rstrip("=")
    assert token_module.b32encode(raw) == text
    if text:
        assert token_module.b32decode(text) == raw


@settings(max_examples=300, deadline=None)
@given(numbers)
def test_number_packing_round_trips(number):
    packed = token_module.pack_number(number)
    assert len(packed) == 2 * -(-len(number) // 3)
    assert token_module.unpack_number(packed) == number
