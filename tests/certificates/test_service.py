import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from registry.certificates.models import CertificateEvent
from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register, history, state_as_of
from registry.certificates.validation import today
from registry.certificates.verdicts import verdict_of
from registry.db import commit
from registry.errors import Conflict, ValidationError
from tests.conftest import certificate_input, issue


def register(session, body):
    return Register(session, Actor("test"), body=body)


def event_count(session):
    return session.scalar(select(func.count()).select_from(CertificateEvent))


def test_issue_stores_the_certificate_and_one_event(session, body):
    cert = issue(session, body)
    assert cert.status == "valid"
    assert cert.expires == cert.issued.replace(year=cert.issued.year + 3) - dt.timedelta(days=1)
    events = history(session, cert)
    assert [e.type for e in events] == ["issue"]
    assert events[0].state["star_level"] == 4


def test_every_change_writes_exactly_one_event(session, body):
    cert = issue(session, body)
    r = register(session, body)
    steps = [
        EventIn(type="surveillance", result="passed"),
        EventIn(type="amend", scope_zh="新的认证范围"),
        EventIn(type="suspend", reason="投诉"),
        EventIn(type="reinstate"),
        EventIn(type="amend", star_level=5, score=Decimal(93)),
        EventIn(type="renew"),
        EventIn(type="withdraw"),
    ]
    for n, step in enumerate(steps, start=2):
        r.apply(cert.number, step)
        commit(session)
        assert event_count(session) == n
    assert [e.type for e in history(session, cert)][-1] == "withdraw"
    assert cert.star_level == 5 and cert.status == "withdrawn"


@pytest.mark.parametrize(
    ("setup", "then", "message"),
    [
        ([], "reinstate", "only a suspended certificate"),
        (["revoke"], "reinstate", "only a suspended certificate"),
        (["revoke"], "suspend", "final"),
        (["withdraw"], "renew", "final"),
        (["suspend"], "suspend", "already suspended"),
        (["suspend"], "renew", "reinstate it before renewing"),
    ],
)
def test_illegal_transitions_are_conflicts_and_write_nothing(session, body, setup, then, message):
    cert = issue(session, body)
    r = register(session, body)
    for step in setup:
        r.apply(cert.number, EventIn(type=step))
    commit(session)
    before = event_count(session)
    with pytest.raises(Conflict, match=message):
        r.apply(cert.number, EventIn(type=then))
    session.rollback()
    assert event_count(session) == before


def test_expired_is_derived_and_only_renew_revives(session, body):
    issued = today() - dt.timedelta(days=4 * 365)
    cert = issue(session, body, issued=issued)
    assert cert.status == "valid"
    assert verdict_of(cert.status, cert.expires, today()) == "expired"
    r = register(session, body)
    with pytest.raises(Conflict, match="only renewed"):
        r.apply(cert.number, EventIn(type="suspend"))
    session.rollback()
    r = register(session, body)
    r.apply(cert.number, EventIn(type="renew"))
    commit(session)
    assert verdict_of(cert.status, cert.expires, today()) == "valid"
    assert cert.expires > today()


def test_as_of_follows_suspension_and_reinstatement(session, body):
    issued = today() - dt.timedelta(days=300)
    s_day, r_day = today() - dt.timedelta(days=100), today() - dt.timedelta(days=40)
    cert = issue(session, body, issued=issued)
    r = register(session, body)
    r.apply(cert.number, EventIn(type="suspend", effective=s_day, reason="整改"))
    r.apply(cert.number, EventIn(type="reinstate", effective=r_day))
    commit(session)

    def status_on(day):
        state = state_as_of(session, cert, day)
        return verdict_of(state["status"], dt.date.fromisoformat(state["expires"]), day)

    assert state_as_of(session, cert, issued - dt.timedelta(days=1)) is None
    assert status_on(issued) == "valid"
    assert status_on(s_day - dt.timedelta(days=1)) == "valid"
    assert status_on(s_day) == "suspended"
    assert status_on(r_day - dt.timedelta(days=1)) == "suspended"
    assert status_on(r_day) == "valid"
    assert status_on(today()) == "valid"


def test_star_level_must_match_the_score_under_the_scheme(session, body):
    r = register(session, body)
    with pytest.raises(ValidationError) as err:
        r.issue(certificate_input(star_level=5, score=Decimal(86)))
    assert err.value.errors[0].field == "star_level"
    assert "earns 4 stars" in err.value.errors[0].message
    assert "对应 4 星" in err.value.errors[0].message_zh


def test_q_hxc_scores_out_of_150(session, body):
    cert = issue(
        session,
        body,
        scheme="Q/HXC 013-2018",
        star_level=5,
        score=Decimal("145.5"),
        holder={"business_type": "sanitation_equipment"},
    )
    assert cert.score == Decimal("145.5")
    r = register(session, body)
    with pytest.raises(ValidationError, match="between 0 and 150"):
        r.issue(certificate_input(scheme="Q/HXC 013-2018", star_level=5, score=Decimal(151)))


def test_every_bad_field_is_named_at_once(session, body):
    r = register(session, body)
    data = certificate_input(
        number="AB",
        scheme="GB/T 27922-2011",
        holder={"credit_code": "91110108551385082X", "region": "999999", "business_type": "bakery"},
        issued=today() - dt.timedelta(days=10),
        expires=today() - dt.timedelta(days=20),
    )
    with pytest.raises(ValidationError) as err:
        r.issue(data)
    fields = {e.field for e in err.value.errors}
    assert {"number", "holder.credit_code", "holder.region", "holder.business_type", "expires"} <= fields


def test_identical_reissue_writes_nothing_and_a_different_one_conflicts(session, body):
    data = certificate_input()
    r = register(session, body)
    cert, created = r.issue(data)
    commit(session)
    again, created_again = register(session, body).issue(data)
    assert (created, created_again) == (True, False) and again.id == cert.id
    assert event_count(session) == 1
    with pytest.raises(Conflict, match="different star_level"):
        register(session, body).issue(data.model_copy(update={"star_level": 5, "score": Decimal(95)}))


def test_effective_dates_cannot_go_backwards_or_into_the_future(session, body):
    cert = issue(session, body)
    r = register(session, body)
    r.apply(cert.number, EventIn(type="suspend", effective=today() - dt.timedelta(days=5)))
    with pytest.raises(ValidationError, match="on or after the last recorded change"):
        r.apply(cert.number, EventIn(type="reinstate", effective=today() - dt.timedelta(days=6)))
    with pytest.raises(ValidationError, match="future"):
        r.apply(cert.number, EventIn(type="reinstate", effective=today() + dt.timedelta(days=1)))
