"""Holders belong to the register: no body can rewrite another body's holder."""

import json

import pytest

from registry.bodies.service import create_body, issue_key
from registry.certificates.chain import audit
from registry.certificates.schemas import EventIn, HolderChangeIn
from registry.certificates.service import Actor, Register
from registry.db import commit
from registry.signing import service as keys
from tests.conftest import certificate_input


@pytest.fixture
def two_bodies(app, session):
    keys.generate_key(session, app.config["SETTINGS"])
    a = create_body(session, "CNCA-R-2099-0A1", "甲认证中心")
    b = create_body(session, "CNCA-R-2099-0B2", "乙认证中心")
    _, key_a = issue_key(session, a.code)
    _, key_b = issue_key(session, b.code)
    commit(session)
    return {"a": {"Authorization": f"Bearer {key_a}"}, "b": {"Authorization": f"Bearer {key_b}"}}


def doc(**overrides):
    return json.loads(certificate_input(**overrides).model_dump_json(exclude_none=True))


def test_another_body_cannot_rewrite_a_holder_by_issuing(client, session, two_bodies):
    mine = doc()
    assert client.post("/api/v1/certificates", json=mine, headers=two_bodies["a"]).status_code == 201
    holder = mine["holder"]
    hijack = doc(holder={**holder, "name_zh": "冒名顶替有限公司", "region": "110101", "business_type": "supermarket"})
    r = client.post("/api/v1/certificates", json=hijack, headers=two_bodies["b"])
    assert r.status_code == 409
    assert "name_zh" in r.json["detail"] and "region" in r.json["detail"] and "business_type" in r.json["detail"]
    # Asking for the change does not help a body that does not certify the holder.
    r = client.post("/api/v1/certificates", json={**hijack, "update_holder": True}, headers=two_bodies["b"])
    assert r.status_code == 403
    page = client.get(f"/api/v1/certificates/{mine['number']}").json
    assert page["holder"]["name_zh"] == holder["name_zh"] and page["version"] == 1
    # A's identical retry still succeeds, and nothing was written for B.
    assert client.post("/api/v1/certificates", json=mine, headers=two_bodies["a"]).status_code == 200
    assert client.get(f"/api/v1/certificates/{hijack['number']}").status_code == 404
    assert client.get(f"/certificates/{mine['number']}?lang=zh").get_data(as_text=True).count("冒名顶替") == 0


def test_another_body_may_certify_the_same_holder_with_the_same_details(client, two_bodies):
    mine = doc()
    assert client.post("/api/v1/certificates", json=mine, headers=two_bodies["a"]).status_code == 201
    theirs = doc(holder=mine["holder"])
    assert client.post("/api/v1/certificates", json=theirs, headers=two_bodies["b"]).status_code == 201
    # Leaving out the English name keeps the registered one; it is not a difference.
    third = doc(holder={**mine["holder"], "name_en": ""})
    assert client.post("/api/v1/certificates", json=third, headers=two_bodies["b"]).status_code == 201


def test_a_certifying_body_changes_a_holder_as_a_recorded_event_on_every_certificate(client, session, two_bodies):
    first = doc()
    assert client.post("/api/v1/certificates", json=first, headers=two_bodies["a"]).status_code == 201
    other = doc(holder=first["holder"])
    assert client.post("/api/v1/certificates", json=other, headers=two_bodies["b"]).status_code == 201
    r = client.post(
        f"/api/v1/certificates/{first['number']}/events",
        json={"type": "holder", "holder": {"name_zh": "北京更名后商贸有限公司"}, "reason": "更名"},
        headers=two_bodies["a"],
    )
    assert r.status_code == 200, r.json
    assert r.json["holder"]["name_zh"] == "北京更名后商贸有限公司" and r.json["version"] == 2
    for number in (first["number"], other["number"]):
        events = client.get(f"/api/v1/certificates/{number}/history").json["events"]
        assert [e["type"] for e in events] == ["issue", "holder"]
        assert events[-1]["details"]["changes"]["name_zh"]["to"] == "北京更名后商贸有限公司"
        page = client.get(f"/certificates/{number}?lang=zh").get_data(as_text=True)
        assert "北京更名后商贸有限公司" in page
    found = client.get("/api/v1/certificates?q=北京更名后商贸有限公司").json
    assert {i["number"] for i in found["items"]} >= {first["number"], other["number"]}
    assert audit(session)[1] is None


def test_issuing_with_update_holder_changes_it_when_the_body_certifies_it(client, session, two_bodies):
    first = doc()
    assert client.post("/api/v1/certificates", json=first, headers=two_bodies["a"]).status_code == 201
    renamed = doc(holder={**first["holder"], "name_zh": "北京新名称有限公司"})
    assert client.post("/api/v1/certificates", json=renamed, headers=two_bodies["a"]).status_code == 409
    r = client.post("/api/v1/certificates", json={**renamed, "update_holder": True}, headers=two_bodies["a"])
    assert r.status_code == 201, r.json
    events = client.get(f"/api/v1/certificates/{first['number']}/history").json["events"]
    assert [e["type"] for e in events] == ["issue", "holder"]
    assert client.get(f"/api/v1/certificates/{first['number']}").json["holder"]["name_zh"] == "北京新名称有限公司"
    assert audit(session)[1] is None


def test_a_batch_cannot_state_two_sets_of_details_for_one_new_holder(client, two_bodies):
    one = doc()
    two = doc(holder={**one["holder"], "name_zh": "另一个名称有限公司"})
    r = client.post("/api/v1/certificates", json={"items": [one, two]}, headers=two_bodies["a"])
    assert r.status_code == 409 and r.json["errors"][0]["field"].startswith("items[1]")


def test_the_operator_may_change_any_holder(app, session, body):
    cert, _ = Register(session, Actor("test"), body=body).issue(certificate_input())
    commit(session)
    operator = Register(session, Actor("operator:cli"))
    operator.apply(cert.number, EventIn(type="holder", holder=HolderChangeIn(region="110101")))
    commit(session)
    assert cert.holder.region == "110101" and cert.version == 2
    assert audit(session)[1] is None
