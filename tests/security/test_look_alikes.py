"""Look-alikes: full-width and invisible characters verify like the clean number; confusables are refused."""

import json

import pytest

from registry.bodies.service import issue_key
from registry.certificates.validation import name_problem, number_skeleton
from registry.db import commit
from tests.conftest import certificate_input, issue


@pytest.fixture
def cert(session, body, minter):
    c = issue(session, body, minter, number="ZHQ-2026-000123")
    commit(session)
    return c


@pytest.fixture
def key(session, body, minter):
    _row, full = issue_key(session, body.code)
    commit(session)
    return {"Authorization": f"Bearer {full}"}


def fullwidth(text):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "typed",
    [
        "ＺＨＱ－２０２６－０００１２３",  # a Chinese IME in full-width mode
        "ZHQ-2026\u200b-000123",  # zero-width space
        "ZHQ-2026-\u00ad000123",  # soft hyphen
        "ZHQ\u20132026\u2014000123",  # en and em dash
        "\ufeffZHQ-2026-000123\u200d",  # BOM and zero-width joiner
        "zhq\u22122026\u2212000123",  # minus signs, lower case
    ],
)
def test_look_alike_input_verifies_like_the_clean_number(client, cert, typed):
    clean = client.post("/api/v1/verify", json={"items": [cert.number]}).json["results"][0]
    r = client.post("/api/v1/verify", json={"items": [typed]}).json["results"][0]
    assert r["verdict"] == clean["verdict"] == "valid"
    assert r["number"] == cert.number and r["input"] == typed
    assert r["normalised"] is not None and clean["normalised"] is None


def test_a_full_width_token_verifies_with_its_signature(client, cert):
    r = client.post("/api/v1/verify", json={"items": [fullwidth(cert.token)]}).json["results"][0]
    assert r["verdict"] == "valid" and r["signature"] == "valid"


def test_the_verify_form_reads_full_width_input(client, cert):
    import re

    html = client.get("/verify").get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    page = client.post("/verify", data={"items": fullwidth(cert.number), "csrf_token": token})
    assert page.status_code == 200 and "forged" not in page.get_data(as_text=True).lower()


def test_a_genuine_mark_in_a_link_to_another_site_verifies_with_a_warning(client, cert):
    own = client.post("/api/v1/verify", json={"items": [f"https://registry.example.cn/v/{cert.token}"]}).json
    assert "warning" not in own["results"][0]["reason"]
    r = client.post("/api/v1/verify", json={"items": [f"https://evil.example/v/{cert.token}"]}).json["results"][0]
    assert r["verdict"] == "valid" and "evil.example" in r["reason"] and "warning" in r["reason"]
    assert "evil.example" in r["reason_zh"]


@pytest.mark.parametrize(
    ("first", "second"),
    [("UNI-0008", "UNI-O008"), ("UNI-0010", "UNI--0010"), ("UNI-1001", "UNI-I00L"), ("UNI-0011", "UNI/0011")],
)
def test_a_confusable_number_is_refused(client, key, first, second):
    one = json.loads(certificate_input(number=first).model_dump_json(exclude_none=True))
    two = json.loads(certificate_input(number=second).model_dump_json(exclude_none=True))
    assert client.post("/api/v1/certificates", json=one, headers=key).status_code == 201
    r = client.post("/api/v1/certificates", json=two, headers=key)
    assert r.status_code == 409 and first in r.json["detail"]
    assert client.get(f"/api/v1/certificates/{second}").status_code == 404


def test_confusable_numbers_within_one_batch_are_refused(client, key):
    items = [
        json.loads(certificate_input(number=n).model_dump_json(exclude_none=True)) for n in ("LOT-0001", "L0T-OOO1")
    ]
    r = client.post("/api/v1/certificates", json={"items": items}, headers=key)
    assert r.status_code == 409 and r.json["errors"][0]["field"] == "items[1].number"


def test_distinct_numbers_stay_distinct():
    assert number_skeleton("UNI-0008") != number_skeleton("UNI-0009")
    assert number_skeleton("UNI-O008") == number_skeleton("uni-0008")


@pytest.mark.parametrize(
    "name",
    [
        "北京\u200b商贸有限公司",  # zero-width space
        "北京\u202e司公限有贸商",  # right-to-left override
        "北京\u2067商贸有限公司",  # right-to-left isolate
        "Bеijing Trading Co., Ltd.",  # Cyrillic е inside a Latin word
        "北京Трейд商贸有限公司",  # Cyrillic letters inside a Chinese word
        "Веijing\u00adTrading",
    ],
)
def test_deceptive_holder_names_are_refused(client, key, name):
    doc = json.loads(certificate_input().model_dump_json(exclude_none=True))
    field = "name_zh" if any("\u4e00" <= c <= "\u9fff" for c in name) else "name_en"
    doc["holder"][field] = name
    r = client.post("/api/v1/certificates", json=doc, headers=key)
    assert r.status_code == 422
    assert r.json["errors"][0]["field"] == f"holder.{field}" and r.json["errors"][0]["message_zh"]


@pytest.mark.parametrize(
    "name",
    [
        "北京ABC商贸有限公司",
        "北京ＡＢＣ商贸有限公司",
        "Beijing Trading Co., Ltd.",
        "Москва Трейд",
        "東京の店舗",
        "서울상사",
    ],
)
def test_ordinary_names_in_one_script_or_with_latin_are_accepted(name):
    assert name_problem(name) is None
