from sqlalchemy import text

from registry.certificates.chain import audit
from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.db import commit
from tests.conftest import issue


def _some_history(session, body):
    certs = [issue(session, body) for _ in range(3)]
    r = Register(session, Actor("test"), body=body)
    r.apply(certs[1].number, EventIn(type="suspend", reason="投诉"))
    r.apply(certs[1].number, EventIn(type="reinstate"))
    commit(session)
    return certs


def test_an_untouched_chain_passes(session, body):
    _some_history(session, body)
    count, failure = audit(session)
    assert (count, failure) == (5, None)


def test_editing_one_event_row_is_caught_and_named(session, body, runner):
    certs = _some_history(session, body)
    session.execute(text("UPDATE certificate_events SET reason = 'nothing happened' WHERE seq = 4"))
    commit(session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event 4 (certificate {certs[1].number})" in result.output
    assert "does not match its stored hash" in result.output


def test_deleting_an_event_is_caught(session, body):
    _some_history(session, body)
    session.execute(text("DELETE FROM certificate_events WHERE seq = 2"))
    commit(session)
    _count, failure = audit(session)
    assert failure is not None and failure.seq == 3 and "gap" in failure.problem


def test_deleting_the_last_event_is_caught_by_the_head(session, body):
    _some_history(session, body)
    session.execute(text("DELETE FROM certificate_events WHERE seq = 5"))
    commit(session)
    _count, failure = audit(session)
    assert failure is not None and "chain head says 5 events" in failure.problem


def test_an_event_slipped_in_beyond_the_head_is_caught(session, body):
    _some_history(session, body)
    session.execute(
        text(
            "INSERT INTO certificate_events (seq, certificate_id, type, effective, recorded_at, actor, request_id,"
            " reason, details, state, prev_hash, hash) SELECT 6, certificate_id, type, effective, recorded_at, actor,"
            " request_id, reason, details, state, hash, hash FROM certificate_events WHERE seq = 5"
        )
    )
    commit(session)
    _count, failure = audit(session)
    assert failure is not None and "beyond the chain head" in failure.problem
