"""Reports from the public: filed through the API or the scan page, rate limited, listed by operators."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest

from registry import create_app
from registry.db import commit, get_session
from registry.reports.models import Report
from registry.schemes.service import load_schemes, read_scheme_file
from tests.conftest import issue
from tests.web.scan_cases import scan_token


def reports_in(session) -> list[Report]:  # type: ignore[no-untyped-def]
    session.expire_all()
    return list(session.query(Report).order_by(Report.id))


def test_a_report_by_token_is_stored_with_its_certificate_and_body(client, session, body, minter):
    cert = issue(session, body, minter)
    r = client.post(
        "/api/v1/reports",
        json={
            "token": f"https://REGISTRY.EXAMPLE.CN/V/{cert.token}",
            "kind": "wrong_holder",
            "location": "北京市朝阳区某商场 3 层",
            "message": "门口的标志写的是另一家公司",
        },
    )
    assert r.status_code == 201 and set(r.json) == {"id"} and r.headers["Cache-Control"] == "no-store"
    [report] = reports_in(session)
    assert report.id == r.json["id"] and report.kind == "wrong_holder" and report.verdict == "valid"
    assert report.certificate_id == cert.id and report.body_id == body.id and report.number == cert.number
    assert report.token == cert.token and report.contact == ""


def test_a_report_by_number_and_one_about_a_forgery_name_the_body(client, session, body, minter):
    cert = issue(session, body, minter)
    assert client.post("/api/v1/reports", json={"number": cert.number.lower(), "kind": "other"}).status_code == 201
    forged = scan_token(session, body, minter, "forged")
    assert client.post("/api/v1/reports", json={"token": forged, "kind": "forged_mark"}).status_code == 201
    unknown = client.post("/api/v1/reports", json={"number": "NOPE-0001", "kind": "forged_mark"})
    assert unknown.status_code == 201
    by_number, by_forgery, nowhere = reports_in(session)
    assert by_number.certificate_id == cert.id and by_number.verdict == "valid"
    # A forged mark still names a number: the body learns that its name is being used.
    assert by_forgery.verdict == "forged" and by_forgery.body_id == body.id
    assert nowhere.verdict == "not_found" and nowhere.body_id is None and nowhere.number == "NOPE-0001"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "forged_mark"}, "body"),
        ({"number": "A-0001", "token": "ABC", "kind": "forged_mark"}, "body"),
        ({"number": "A-0001", "kind": "spam"}, "kind"),
        ({"number": "A-0001", "kind": "other", "message": "x" * 2001}, "message"),
        ({"number": "A-0001", "kind": "other", "location": "x" * 201}, "location"),
        ({"number": "A-0001", "kind": "other", "contact": "x" * 201}, "contact"),
        ({"number": "A-0001", "kind": "other", "name": "Zhang San"}, "name"),
    ],
)
def test_bad_reports_are_422_naming_the_field(client, session, payload, field):
    r = client.post("/api/v1/reports", json=payload)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert field in [e["field"] for e in r.json["errors"]]
    assert reports_in(session) == []


def test_reports_are_rate_limited_per_client(app, app_config):
    limited = create_app(
        {
            **app_config,
            "rate_limits_enabled": True,
            "rate_limits": {"report": "2 per minute"},
            "rate_limit_prefix": f"t{uuid.uuid4().hex}",
        }
    )
    with limited.app_context():
        load_schemes(get_session(), read_scheme_file())
        commit(get_session())
    client = limited.test_client()
    one = {"number": "A-0001", "kind": "other"}
    assert [client.post("/api/v1/reports", json=one).status_code for _ in range(3)] == [201, 201, 429]
    r = client.post("/api/v1/reports", json=one)
    assert r.json["status"] == 429 and int(r.headers["Retry-After"]) > 0
    # The scan page's form shares the same allowance, and says so as a page.
    form = client.post("/report", data={"token": "ABC", "kind": "other"})
    assert form.status_code == 429 and "text/html" in form.content_type
    other = client.post("/api/v1/reports", json=one, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 201


def test_the_scan_page_form_files_a_report_and_thanks(client, session, body, minter):
    token = scan_token(session, body, minter, "revoked")
    r = client.post("/report?lang=en", data={"token": token, "kind": "dead_mark_displayed", "location": "Gate 3"})
    assert r.status_code == 303 and "reported=" in r.headers["Location"] and r.headers["Location"].endswith("#report")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Thank you: your report has been received." in page
    [report] = reports_in(session)
    assert report.kind == "dead_mark_displayed" and report.verdict == "revoked" and report.location == "Gate 3"


def test_markup_in_a_report_is_escaped_where_it_is_shown(client, session, body, minter):
    token = scan_token(session, body, minter, "valid")
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    # A form sent back for correction shows what was typed, escaped.
    r = client.post("/report", data={"token": token, "kind": "other", "message": evil, "contact": "y" * 300})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert reports_in(session) == []


def test_operators_list_reports_by_body_and_date_and_as_csv(client, runner, session, body, minter):
    from registry.bodies.service import create_body

    other_body = create_body(session, "CNCA-R-2099-002", "另一认证中心")
    commit(session)
    mine, theirs = issue(session, body, minter), issue(session, other_body, minter)
    for cert, message in ((mine, '=HYPERLINK("http://evil")'), (theirs, "其他机构的证书")):
        assert (
            client.post(
                "/api/v1/reports", json={"number": cert.number, "kind": "other", "message": message}
            ).status_code
            == 201
        )
    everything = runner.invoke(args=["reports", "list"])
    assert everything.exit_code == 0 and len(everything.output.strip().splitlines()) == 2 + 1  # and the count line
    ours = runner.invoke(args=["reports", "list", "--body", body.code, "--csv"])
    assert ours.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(ours.output.lstrip("\ufeff"))))
    assert [r["number"] for r in rows] == [mine.number] and rows[0]["body"] == body.code
    # A cell a spreadsheet would run as a formula is defused.
    assert rows[0]["message"] == '\'=HYPERLINK("http://evil")'
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    later = runner.invoke(args=["reports", "list", "--since", tomorrow])
    assert later.exit_code == 0 and later.output.strip().splitlines() == ["0 report(s)"]
    unknown = runner.invoke(args=["reports", "list", "--body", "NOPE-BODY"])
    assert unknown.exit_code == 1 and "NOPE-BODY" in unknown.output
