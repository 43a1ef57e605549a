"""The worked example in docs/token-format.md must be what the code produces."""

import base64
import datetime
import hashlib
import json
import re
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.signing.keyring import InMemorySigner, jwk_thumbprint, public_key_to_b64, short_key_id
from registry.signing.marks import qr_code, qr_payload
from registry.signing.token import NUMBER_ALPHABET, MarkClaims, decode_token, encode_token, signed_message

DOC = Path(__file__).resolve().parents[2] / "docs" / "token-format.md"


def _example() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Worked example", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    return dict(line.split(": ", 1) for line in block.strip().splitlines())


def test_worked_example_matches_the_code():
    doc = _example()
    private_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(doc["seed"]))
    signer = InMemorySigner(private_key)
    claims = MarkClaims(doc["number"], int(doc["star_level"]), datetime.date.fromisoformat(doc["expires"]))
    token = encode_token(claims, signer, doc["origin"])
    decoded = decode_token(token)
    body = decoded.body

    assert public_key_to_b64(signer.public_key) == doc["x"]
    assert json.loads(doc["thumbprint_input"]) == {"crv": "Ed25519", "kty": "OKP", "x": doc["x"]}
    assert hashlib.sha256(doc["thumbprint_input"].encode()).hexdigest() == doc["thumbprint_digest"]
    assert jwk_thumbprint(signer.public_key) == doc["kid"] == signer.kid
    assert base64.urlsafe_b64decode(doc["kid"] + "=").hex() == doc["thumbprint_digest"]
    assert short_key_id(doc["kid"]).hex() == doc["short_key_id"] == doc["thumbprint_digest"][:4]
    assert body[:1].hex() == doc["byte0"]
    assert body[1:3].hex() == doc["short_key_id"]
    assert body[3:5].hex() == doc["expiry"]
    assert int(doc["expiry"], 16) == int(doc["expiry_days"])
    assert datetime.date(2000, 1, 1) + datetime.timedelta(days=int(doc["expiry_days"])) == claims.expires
    assert body[5:].hex() == doc["number_packed"]
    assert body.hex() == doc["body"]
    assert signed_message(doc["origin"], body).hex() == doc["signed_message"]
    assert decoded.signature.hex() == doc["signature"]
    assert token == doc["token"]
    assert qr_payload(doc["origin"], token) == doc["qr_payload"]
    assert str(qr_code(doc["qr_payload"])[0]) == doc["qr_version"]


def test_worked_example_triplets():
    doc = _example()
    groups = [item.split("=") for item in doc["number_triplets"].split()]
    assert "".join(chars for chars, _ in groups) == doc["number"]
    packed = b""
    for chars, indexes in groups:
        values = [int(v) for v in indexes.split(",")]
        assert values == [NUMBER_ALPHABET.index(c) for c in chars]
        packed += (values[0] * 1600 + values[1] * 40 + values[2]).to_bytes(2, "big")
    assert packed.hex() == doc["number_packed"]


def test_receipts_heading_is_kept():
    text = DOC.read_text(encoding="utf-8")
    assert "## Verification receipts" in text
