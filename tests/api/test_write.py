"""Certification bodies publish through the API."""

import json

import pytest

from registry.bodies.service import create_body, issue_key, revoke_key, set_body_status
from registry.db import commit
from registry.signing import service as keys
from tests.conftest import certificate_input


@pytest.fixture
def signing(app, session):
    keys.generate_key(session, app.config["SETTINGS"])
    commit(session)


@pytest.fixture
def own_key(session, body, signing):
    _row, full = issue_key(session, body.code)
    commit(session)
    return full


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def payload(**overrides):
    return json.loads(certificate_input(**overrides).model_dump_json(exclude_none=True))


def post(client, key, doc, path="/api/v1/certificates", headers=None):
    return client.post(path, json=doc, headers={**auth(key), **(headers or {})})


def test_issue_then_read_back_at_once(client, own_key):
    doc = payload()
    r = post(client, own_key, doc)
    assert r.status_code == 201, r.json
    assert r.json["token"] and r.json["verify_url"].startswith("https://registry.example.cn/v/")
    assert r.json["mark_url"].endswith(f"?v={r.json['mark_url'].split('=')[-1]}")
    got = client.get(f"/api/v1/certificates/{doc['number']}")
    assert got.status_code == 200 and got.json["verdict"] == "valid"
    events = client.get(f"/api/v1/certificates/{doc['number']}/history").json["events"]
    assert events[0]["actor"].startswith("body:CNCA-R-2099-001 key:scr_") and events[0]["request_id"]


def test_identical_reissue_is_200_and_a_different_one_409(client, own_key):
    doc = payload()
    assert post(client, own_key, doc).status_code == 201
    again = post(client, own_key, doc)
    assert again.status_code == 200 and again.json["number"] == doc["number"]
    assert len(client.get(f"/api/v1/certificates/{doc['number']}/history").json["events"]) == 1
    changed = post(client, own_key, {**doc, "scope_zh": "别的范围"})
    assert changed.status_code == 409 and "scope_zh" in changed.json["detail"]


def test_a_batch_with_one_bad_item_writes_nothing_and_names_it(client, own_key):
    items = [payload() for _ in range(5)]
    items[3]["holder"]["credit_code"] = items[3]["holder"]["credit_code"][:17] + "0"
    items[3]["star_level"] = 5
    r = post(client, own_key, {"items": items})
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    fields = {e["field"] for e in r.json["errors"]}
    assert {"items[3].holder.credit_code", "items[3].star_level"} <= fields
    assert all(f.startswith("items[3].") for f in fields)
    for item in items:
        assert client.get(f"/api/v1/certificates/{item['number']}").status_code == 404
    ok = post(client, own_key, {"items": items[:3]})
    assert ok.status_code == 201 and ok.json["created"] == 3 and len(ok.json["items"]) == 3


def test_suspend_reinstate_revoke_then_reinstate_is_409(client, own_key):
    doc = payload()
    post(client, own_key, doc)
    url = f"/api/v1/certificates/{doc['number']}/events"
    verdicts = []
    for kind in ["suspend", "reinstate", "revoke"]:
        r = post(client, own_key, {"type": kind, "reason": "test"}, url)
        assert r.status_code == 200, r.json
        verdicts.append(r.json["verdict"])
    assert verdicts == ["suspended", "valid", "revoked"]
    last = post(client, own_key, {"type": "reinstate"}, url)
    assert last.status_code == 409 and "only a suspended certificate" in last.json["detail"]


def test_idempotency_key_replays_instead_of_acting_twice(client, own_key):
    doc = payload()
    post(client, own_key, doc)
    url = f"/api/v1/certificates/{doc['number']}/events"
    first = post(client, own_key, {"type": "suspend", "reason": "x"}, url, {"Idempotency-Key": "abc-1"})
    retry = post(client, own_key, {"type": "suspend", "reason": "x"}, url, {"Idempotency-Key": "abc-1"})
    assert first.status_code == retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert first.json == retry.json
    assert len(client.get(f"/api/v1/certificates/{doc['number']}/history").json["events"]) == 2
    misuse = post(client, own_key, {"type": "revoke"}, url, {"Idempotency-Key": "abc-1"})
    assert misuse.status_code == 409


def test_authorisation_matrix(client, session, body, own_key, signing):
    other = create_body(session, "CNCA-R-2099-002", "另一个机构")
    _r, other_key = issue_key(session, other.code)
    revoked_row, revoked_key = issue_key(session, body.code)
    revoke_key(session, revoked_row.prefix)
    commit(session)
    doc = payload()
    assert post(client, own_key, doc).status_code == 201
    event_url = f"/api/v1/certificates/{doc['number']}/events"
    cases = {
        "no key": None,
        "malformed": "not-a-key",
        "revoked": revoked_key,
        "other body": other_key,
        "own": own_key,
    }
    expected_issue = {"no key": 401, "malformed": 401, "revoked": 401, "other body": 201, "own": 201}
    expected_event = {"no key": 401, "malformed": 401, "revoked": 401, "other body": 403, "own": 200}
    for name, key in cases.items():
        headers = auth(key) if key else {}
        r = client.post("/api/v1/certificates", json=payload(), headers=headers)
        assert r.status_code == expected_issue[name], (name, r.json)
        r = client.post(event_url, json={"type": "surveillance", "result": "passed"}, headers=headers)
        assert r.status_code == expected_event[name], (name, r.json)
        assert r.mimetype == ("application/json" if r.status_code == 200 else "application/problem+json")
    # Another body cannot take over a number either.
    assert post(client, other_key, doc).status_code == 409
    set_body_status(session, other.code, "suspended")
    commit(session)
    assert post(client, other_key, payload()).status_code == 403


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ('"just a string"', "application/json", 422),
        ("[]", "application/json", 422),
        ("number=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_malformed_requests(client, own_key, raw, content_type, status):
    r = client.post("/api/v1/certificates", data=raw, headers={**auth(own_key), "Content-Type": content_type})
    assert r.status_code == status and r.mimetype == "application/problem+json"


def test_wrong_types_and_unknown_fields_are_named(client, own_key):
    doc = payload()
    doc["star_level"] = "four"
    doc["colour"] = "red"
    doc["holder"]["region"] = "999999"
    doc["scheme"] = "NO-SUCH-SCHEME"
    r = post(client, own_key, doc)
    assert r.status_code == 422
    fields = {e["field"] for e in r.json["errors"]}
    assert {"star_level", "colour"} <= fields
    doc = payload(scheme="NO-SUCH-SCHEME")
    r = post(client, own_key, doc)
    assert r.status_code == 422 and r.json["errors"][0]["field"] == "scheme"


def test_oversized_bodies_are_413(client, own_key):
    r = client.post(
        "/api/v1/certificates",
        data=b"x" * (9 * 1024 * 1024),
        headers={**auth(own_key), "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and r.mimetype == "application/problem+json"


def test_batches_over_1000_are_refused(client, own_key):
    r = post(client, own_key, {"items": [{}] * 1001})
    assert r.status_code == 422 and "at most 1000" in r.json["errors"][0]["message"]


def test_audit_passes_after_a_mix_of_api_writes(client, own_key, runner):
    docs = [payload() for _ in range(4)]
    post(client, own_key, {"items": docs})
    for doc, kind in zip(docs, ["suspend", "withdraw", "revoke", "amend"], strict=True):
        extra = {"scope_en": "changed"} if kind == "amend" else {}
        assert (
            post(client, own_key, {"type": kind, **extra}, f"/api/v1/certificates/{doc['number']}/events").status_code
            == 200
        )
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "8 events" in result.output


def test_revoked_key_fails_at_once(client, session, own_key):
    assert post(client, own_key, payload()).status_code == 201
    revoke_key(session, own_key.split(".")[0])
    commit(session)
    assert post(client, own_key, payload()).status_code == 401
