import datetime as dt

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from tests.conftest import issue


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json == {"status": "ok"}


def test_schemes_list_scores_and_thresholds(client):
    items = {s["code"]: s for s in client.get("/api/v1/schemes").json["items"]}
    assert {"GB/T 27922-2011", "Q/HXC 013-2018", "BJ-RETAIL-SQ", "RCS-ITS-2019", "HK-STAR"} <= set(items)
    assert items["Q/HXC 013-2018"]["max_score"] == 150
    assert [t["star_level"] for t in items["Q/HXC 013-2018"]["star_thresholds"]] == [1, 2, 3, 4, 5]
    its = {c["code"] for c in items["RCS-ITS-2019"]["components"]}
    assert {"management_audit", "service_footprint", "characteristic_test", "mystery_customer"} <= its
    assert set(items["BJ-RETAIL-SQ"]["business_types"]) == {
        "mall",
        "supermarket",
        "exclusive_store",
        "convenience_store",
    }


def test_one_certificate_in_contract_shape(client, session, body):
    cert = issue(session, body)
    r = client.get(f"/api/v1/certificates/{cert.number.lower()}")
    assert r.status_code == 200
    doc = r.json
    for key in [
        "number",
        "verdict",
        "status",
        "star_level",
        "score",
        "scheme",
        "holder",
        "body",
        "scope_zh",
        "scope_en",
        "issued",
        "expires",
        "token",
        "verify_url",
        "mark_url",
    ]:
        assert key in doc
    assert doc["number"] == cert.number and doc["verdict"] == "valid" and doc["star_level"] == 4
    assert set(doc["scheme"]) == {"code", "name_zh", "name_en"}
    assert set(doc["holder"]) == {"name_zh", "name_en", "credit_code", "region", "business_type"}
    assert doc["body"]["code"] == body.code


def test_numbers_with_slashes_resolve(client, session, body):
    cert = issue(session, body, number="BJ/SV/2024/0007")
    assert client.get("/api/v1/certificates/BJ/SV/2024/0007").json["number"] == cert.number
    assert client.get("/api/v1/certificates/BJ/SV/2024/0007/history").json["number"] == cert.number


def test_as_of_answers_what_was_in_effect(client, session, body):
    cert = issue(session, body, issued=today() - dt.timedelta(days=300))
    s_day, r_day = today() - dt.timedelta(days=100), today() - dt.timedelta(days=40)
    r = Register(session, Actor("test"), body=body)
    r.apply(cert.number, EventIn(type="suspend", effective=s_day, reason="整改"))
    r.apply(cert.number, EventIn(type="reinstate", effective=r_day))
    commit(session)
    url = f"/api/v1/certificates/{cert.number}"
    assert client.get(f"{url}?as_of={s_day - dt.timedelta(days=1)}").json["verdict"] == "valid"
    assert client.get(f"{url}?as_of={s_day}").json["verdict"] == "suspended"
    assert client.get(f"{url}?as_of={r_day - dt.timedelta(days=1)}").json["verdict"] == "suspended"
    assert client.get(f"{url}?as_of={r_day}").json["verdict"] == "valid"
    before = client.get(f"{url}?as_of=2001-01-01")
    assert before.status_code == 404 and "not yet issued" in before.json["detail"]


def test_history_oldest_first(client, session, body):
    cert = issue(session, body)
    Register(session, Actor("test"), body=body).apply(cert.number, EventIn(type="suspend", reason="投诉"))
    commit(session)
    events = client.get(f"/api/v1/certificates/{cert.number}/history").json["events"]
    assert [e["type"] for e in events] == ["issue", "suspend"]
    assert events[1]["reason"] == "投诉" and events[1]["state"]["status"] == "suspended"


def test_errors_are_problem_json(client):
    r = client.get("/api/v1/certificates/NOPE-0001")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"
    assert r.json["title"] == "Not found" and "NOPE-0001" in r.json["detail"]
    r = client.get("/api/v1/certificates/NOPE-0001?as_of=2024-02-30")
    assert r.status_code == 400 and r.json["errors"][0]["field"] == "as_of"
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.mimetype == "application/problem+json"


def test_home_page_counts_the_register(client, session, body):
    issue(session, body)
    issue(session, body)
    assert "登记簿共收录 <strong>2</strong>" in client.get("/").get_data(as_text=True)
    assert "holds <strong>2</strong>" in client.get("/?lang=en").get_data(as_text=True)
    assert "The register holds" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)


def test_unknown_pages_are_friendly_html(client):
    r = client.get("/no-such-page?lang=en")
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Back to the home page" in r.get_data(as_text=True)


def test_public_reads_are_cacheable_and_open_to_other_origins(client, session, body):
    cert = issue(session, body)
    url = f"/api/v1/certificates/{cert.number}"
    r = client.get(url)
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Cache-Control"] == "public, max-age=60" and r.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    assert client.get("/api/v1/schemes").headers["Cache-Control"] == "public, max-age=3600"
    missing = client.get("/api/v1/certificates/NOPE-0001")
    assert missing.status_code == 404 and "ETag" not in missing.headers
