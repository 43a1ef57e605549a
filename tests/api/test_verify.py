"""POST /api/v1/verify and signed receipts."""

import json

import pytest

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from registry.verification.receipts import check_receipt
from tests.conftest import issue


def test_mixed_inputs_one_result_each_in_order(client, session, body, minter):
    a = issue(session, body, minter)
    b = issue(session, body, minter)
    Register(session, Actor("t"), body=body, minter=minter).apply(b.number, EventIn(type="suspend", reason="投诉"))
    commit(session)
    altered = a.token[:-10] + ("B" if a.token[-10] != "B" else "C") + a.token[-9:]  # a changed signature byte
    items = [a.number, f" https://REGISTRY.EXAMPLE.CN/V/{b.token} ", "NOPE-0000", altered, a.number.lower()]
    r = client.post("/api/v1/verify", json={"items": items})
    assert r.status_code == 200
    results = r.json["results"]
    assert [x["input"] for x in results] == items
    assert [x["verdict"] for x in results] == ["valid", "suspended", "not_found", "forged", "valid"]
    assert results[0]["signature"] == "none" and results[1]["signature"] == "valid"
    assert results[1]["mark_current"] is True and results[0]["mark_current"] is None
    assert "投诉" in results[1]["reason"]


def test_receipt_is_a_jws_verifiable_offline_and_online(client, runner, session, body, minter, tmp_path):
    cert = issue(session, body, minter)
    doc = client.post("/api/v1/verify", json={"items": [cert.number], "as_of": today().isoformat()}).json
    header = json.loads(__import__("base64").urlsafe_b64decode(doc["receipt"].split(".")[0] + "=="))
    assert header["alg"] == "Ed25519" and header["kid"] == minter.signer.kid
    jwks = client.get("/.well-known/jwks.json").json
    offline = check_receipt(doc["receipt"], jwks)
    assert offline.valid and offline.payload["results"] == doc["results"]
    assert offline.payload["checked_at"] == doc["checked_at"] and offline.payload["as_of"] == today().isoformat()
    online = client.post("/api/v1/receipts/verify", json={"receipt": doc["receipt"]}).json
    assert online["valid"] is True
    head, payload, sig = doc["receipt"].split(".")
    tampered = payload[:-4] + ("AAAA" if not payload.endswith("AAAA") else "BBBB")
    assert client.post("/api/v1/receipts/verify", json={"receipt": f"{head}.{tampered}.{sig}"}).json["valid"] is False
    receipt_file = tmp_path / "receipt.jws"
    receipt_file.write_text(doc["receipt"])
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps(jwks))
    out = runner.invoke(args=["verify-receipt", str(receipt_file), "--keys", str(jwks_file)])
    assert out.exit_code == 0 and "genuine" in out.output and cert.number in out.output


def test_as_of_on_a_bid_deadline(client, session, body, minter):
    import datetime as dt

    cert = issue(session, body, minter, issued=today() - dt.timedelta(days=200))
    Register(session, Actor("t"), body=body, minter=minter).apply(
        cert.number, EventIn(type="revoke", effective=today() - dt.timedelta(days=10))
    )
    commit(session)
    deadline = (today() - dt.timedelta(days=30)).isoformat()
    then = client.post("/api/v1/verify", json={"items": [cert.number], "as_of": deadline}).json
    now = client.post("/api/v1/verify", json={"items": [cert.number]}).json
    assert then["results"][0]["verdict"] == "valid" and now["results"][0]["verdict"] == "revoked"


@pytest.mark.parametrize(
    "doc",
    [
        {},
        {"items": []},
        {"items": "x"},
        {"items": [1]},
        {"items": ["a"] * 1001},
        {"items": ["a"], "as_of": "2024-13-01"},
        {"items": ["a"], "extra": 1},
    ],
)
def test_bad_requests_are_422(client, minter, doc):
    r = client.post("/api/v1/verify", json=doc)
    assert r.status_code == 422 and r.mimetype == "application/problem+json" and r.json["errors"]


def test_a_thousand_items(client, session, body, minter):
    cert = issue(session, body, minter)
    r = client.post("/api/v1/verify", json={"items": [cert.token] * 1000})
    assert r.status_code == 200 and len(r.json["results"]) == 1000
    assert {x["verdict"] for x in r.json["results"]} == {"valid"}
