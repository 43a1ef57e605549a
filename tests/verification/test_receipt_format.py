"""A receipt checked with nothing but the JWKS and docs/token-format.md (no registry code)."""

import base64
import json
import warnings

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from joserfc import jws
from joserfc.jwk import KeySet

from registry.db import commit
from registry.signing import service as keys
from tests.conftest import issue


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def independent_check(receipt, jwks):
    """Per the document: header alg/typ/kid, then Ed25519 over the first two parts as sent."""
    head, payload, signature = receipt.split(".")
    header = json.loads(b64(head))
    assert header["alg"] == "Ed25519" and header["typ"] == "scr-receipt+jws"
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    Ed25519PublicKey.from_public_bytes(b64(jwk["x"])).verify(b64(signature), f"{head}.{payload}".encode())
    return json.loads(b64(payload))


@pytest.fixture
def answer(app, client, session, body):
    keys.generate_key(session, app.config["SETTINGS"])
    commit(session)
    cert = issue(session, body, keys.current_minter())
    return client.post("/api/v1/verify", json={"items": [cert.number, "NOPE-0001"]}).json


def test_a_receipt_verifies_with_the_jwks_alone(client, answer):
    payload = independent_check(answer["receipt"], client.get("/.well-known/jwks.json").json)
    assert payload["iss"] == "https://registry.example.cn"
    assert payload["results"] == answer["results"] and payload["checked_at"] == answer["checked_at"]


def test_a_jose_library_accepts_a_receipt_with_the_published_key_set_and_no_warning(client, answer):
    """What a third party does: import the whole key set as published, allow only Ed25519 (RFC 9864)."""
    key_set = KeySet.import_key_set(client.get("/.well-known/jwks.json").json)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        signed = jws.deserialize_compact(answer["receipt"], key_set, algorithms=["Ed25519"])
    assert signed.headers()["typ"] == "scr-receipt+jws"
    assert json.loads(signed.payload)["results"] == answer["results"]


@pytest.mark.parametrize("field", ["iss", "checked_at", "as_of", "verdict", "star_level", "reason"])
def test_any_change_to_the_payload_fails(client, answer, field):
    jwks = client.get("/.well-known/jwks.json").json
    head, payload, signature = answer["receipt"].split(".")
    doc = json.loads(b64(payload))
    if field in doc:
        doc[field] = "2000-01-01" if field != "iss" else "https://evil.example"
    else:
        doc["results"][0][field] = {"verdict": "revoked", "star_level": 5, "reason": "x"}[field]
    changed = base64.urlsafe_b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode().rstrip("=")
    with pytest.raises(InvalidSignature):
        independent_check(f"{head}.{changed}.{signature}", jwks)
    assert (
        client.post("/api/v1/receipts/verify", json={"receipt": f"{head}.{changed}.{signature}"}).json["valid"] is False
    )


def old_style_receipt(signer, payload):
    """A receipt as the registry signed them before RFC 9864: header alg `EdDSA`, built by hand."""

    def part(value):
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    signing_input = f"{part({'alg': 'EdDSA', 'kid': signer.kid, 'typ': 'scr-receipt+jws'})}.{part(payload)}"
    signature = base64.urlsafe_b64encode(signer.sign(signing_input.encode())).decode().rstrip("=")
    return f"{signing_input}.{signature}"


def test_a_receipt_signed_with_alg_eddsa_still_verifies(app, client, session, runner, tmp_path):
    keys.generate_key(session, app.config["SETTINGS"])
    commit(session)
    signer = keys.current_minter().signer
    payload = {
        "iss": "https://registry.example.cn",
        "checked_at": "2025-06-01T08:00:00Z",
        "as_of": None,
        "results": [{"input": "CQC-2024-0001", "verdict": "valid", "star_level": 5, "reason": "有效"}],
        "log": None,
    }
    receipt = old_style_receipt(signer, payload)
    online = client.post("/api/v1/receipts/verify", json={"receipt": receipt}).json
    assert online["valid"] is True and online["kid"] == signer.kid
    jwks_file, receipt_file = tmp_path / "jwks.json", tmp_path / "receipt.jws"
    jwks_file.write_text(json.dumps(client.get("/.well-known/jwks.json").json))
    receipt_file.write_text(receipt)
    offline = runner.invoke(args=["verify-receipt", str(receipt_file), "--keys", str(jwks_file)])
    assert offline.exit_code == 0 and "genuine" in offline.output and "CQC-2024-0001" in offline.output

    head, _, signature = receipt.split(".")
    forged = dict(payload, results=[dict(payload["results"][0], star_level=1)])
    tampered = f"{head}.{old_style_receipt(signer, forged).split('.')[1]}.{signature}"
    assert client.post("/api/v1/receipts/verify", json={"receipt": tampered}).json["valid"] is False
    receipt_file.write_text(tampered)
    offline = runner.invoke(args=["verify-receipt", str(receipt_file), "--keys", str(jwks_file)])
    assert offline.exit_code == 1 and "NOT VALID" in offline.output
