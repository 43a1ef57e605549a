"""The body's certificates in the portal: list, page, status changes; who may see and change what."""

from __future__ import annotations

import pytest

from registry.bodies.service import set_body_status
from registry.certificates.service import find_certificate, history
from registry.db import commit
from tests.conftest import issue
from tests.portal.conftest import csrf_of


@pytest.fixture
def own(session, body, minter):  # type: ignore[no-untyped-def]
    return issue(session, body, minter)


@pytest.fixture
def foreign(session, other_body, minter):  # type: ignore[no-untyped-def]
    return issue(session, other_body, minter)


def post_event(client, number: str, **fields):  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/portal/?lang=en")
    return client.post(f"/portal/certificates/{number}/events?lang=en", data={"csrf_token": token, **fields})


def test_the_list_shows_only_the_bodys_own_certificates(clerk_client, own, foreign):
    page = clerk_client.get("/portal/?lang=en").get_data(as_text=True)
    assert own.number in page and foreign.number not in page
    assert "1 certificate" in page


def test_search_and_filters(session, body, minter, clerk_client):
    a = issue(session, body, minter, star_level=5, score=95)
    b = issue(session, body, minter)
    page = clerk_client.get(f"/portal/?lang=en&q={a.holder.name_zh}").get_data(as_text=True)
    assert a.number in page and b.number not in page
    by_credit = clerk_client.get(f"/portal/?lang=en&q={b.holder.credit_code.lower()}").get_data(as_text=True)
    assert b.number in by_credit and a.number not in by_credit
    five = clerk_client.get("/portal/?lang=en&stars=5").get_data(as_text=True)
    assert a.number in five and b.number not in five
    post_event(clerk_client, b.number, type="suspend", reason="audit")
    suspended = clerk_client.get("/portal/?lang=en&status=suspended").get_data(as_text=True)
    assert b.number in suspended and a.number not in suspended
    assert clerk_client.get("/portal/?lang=en&status=nonsense&stars=9&page=-3").status_code == 200


def test_a_certificate_page_with_its_history(clerk_client, own):
    page = clerk_client.get(f"/portal/certificates/{own.number}?lang=zh")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and own.number in text and "暂停" in text


@pytest.mark.parametrize(
    ("fields", "status", "events"),
    [
        ({"type": "suspend", "reason": "监督审核发现问题"}, "suspended", ["issue", "suspend"]),
        ({"type": "revoke", "reason": "严重违规"}, "revoked", ["issue", "revoke"]),
        ({"type": "withdraw", "reason": "申请注销"}, "withdrawn", ["issue", "withdraw"]),
        ({"type": "amend", "star_level": "5", "score": "95", "reason": "复评"}, "valid", ["issue", "amend"]),
        ({"type": "surveillance", "result": "passed", "reason": "年度监督"}, "valid", ["issue", "surveillance"]),
        ({"type": "renew", "reason": "再认证"}, "valid", ["issue", "renew"]),
    ],
)
def test_each_change_writes_one_event_with_the_user_as_actor(session, clerk, clerk_client, own, fields, status, events):
    r = post_event(clerk_client, own.number, **fields)
    assert r.status_code == 302, r.get_data(as_text=True)
    session.expire_all()
    cert = find_certificate(session, own.number)
    recorded = history(session, cert)
    assert cert.status == status and [e.type for e in recorded] == events
    assert recorded[-1].actor == clerk.email and recorded[-1].reason == fields["reason"]
    assert recorded[-1].request_id
    if fields["type"] == "amend":
        assert cert.star_level == 5 and recorded[-1].details["score"] == 95
    # The change is public at once, through the API.
    api = clerk_client.get(f"/api/v1/certificates/{own.number}/history").json
    assert api["events"][-1]["actor"] == clerk.email


def test_suspend_then_reinstate_then_an_illegal_reinstate_is_explained(clerk_client, own):
    assert post_event(clerk_client, own.number, type="suspend").status_code == 302
    assert post_event(clerk_client, own.number, type="reinstate").status_code == 302
    again = post_event(clerk_client, own.number, type="reinstate")
    assert again.status_code == 409
    assert "only a suspended certificate can be reinstated" in again.get_data(as_text=True)


def test_bad_input_names_the_field_and_writes_nothing(session, clerk_client, own):
    r = post_event(clerk_client, own.number, type="amend", star_level="5", reason="x")
    assert r.status_code == 422 and "star_level" in r.get_data(as_text=True)
    future = post_event(clerk_client, own.number, type="suspend", effective="2999-01-01")
    assert future.status_code == 422 and "cannot be in the future" in future.get_data(as_text=True)
    garbage = post_event(clerk_client, own.number, type="surveillance", result="maybe")
    assert garbage.status_code == 422
    session.expire_all()
    assert [e.type for e in history(session, find_certificate(session, own.number))] == ["issue"]


def test_a_clerk_cannot_see_or_change_another_bodys_certificate(session, clerk_client, foreign):
    assert clerk_client.get(f"/portal/certificates/{foreign.number}?lang=en").status_code == 404
    for kind in ("suspend", "revoke", "withdraw", "renew", "amend", "surveillance", "reinstate"):
        r = post_event(clerk_client, foreign.number, type=kind, result="passed", star_level="4", score="86")
        assert r.status_code in (403, 404), kind
    session.expire_all()
    assert [e.type for e in history(session, find_certificate(session, foreign.number))] == ["issue"]


def test_a_suspended_body_cannot_change_its_certificates(session, body, clerk_client, own):
    set_body_status(session, body.code, "suspended")
    commit(session)
    page = clerk_client.get("/portal/?lang=en").get_data(as_text=True)
    assert "Your certification body is suspended" in page
    r = post_event(clerk_client, own.number, type="suspend")
    assert r.status_code == 403 and "is suspended and cannot publish" in r.get_data(as_text=True)
    session.expire_all()
    assert find_certificate(session, own.number).status == "valid"


def test_an_unknown_certificate_is_404(clerk_client):
    assert clerk_client.get("/portal/certificates/NOPE-0000?lang=en").status_code == 404
    assert post_event(clerk_client, "NOPE-0000", type="suspend").status_code == 404
