"""Staff see the public's reports about their own body's certificates, and only those."""

from __future__ import annotations

import pytest

from tests.conftest import issue


@pytest.fixture
def reported(client, session, body, other_body, minter):  # type: ignore[no-untyped-def]
    own = issue(session, body, minter)
    foreign = issue(session, other_body, minter)
    for cert, message in ((own, "<b>假冒</b> 标志 in our street"), (foreign, "another body's mark")):
        answer = client.post(
            "/api/v1/reports", json={"number": cert.number, "kind": "wrong_holder", "message": message}
        )
        assert answer.status_code == 201, answer.get_json()
    return own, foreign


def test_clerks_see_their_bodys_reports_escaped(clerk_client, reported):  # type: ignore[no-untyped-def]
    own, foreign = reported
    page = clerk_client.get("/portal/reports?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert own.number in html and foreign.number not in html
    assert "&lt;b&gt;假冒&lt;/b&gt;" in html and "<b>假冒</b>" not in html
    assert "Mark shown by a different business" in html and "1 report" in html
    assert "没有" not in clerk_client.get("/portal/reports?lang=zh&since=2000-01-01").get_data(as_text=True)
    assert "YYYY-MM-DD" in clerk_client.get("/portal/reports?lang=en&since=yesterday").get_data(as_text=True)
    assert "0 reports" in clerk_client.get("/portal/reports?lang=en&since=2999-01-01").get_data(as_text=True)


def test_the_reports_page_needs_a_sign_in(client):  # type: ignore[no-untyped-def]
    assert client.get("/portal/reports").status_code in (302, 401)
