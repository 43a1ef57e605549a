"""The outbox fills in the event's transaction; the worker delivers signed, retries, honours 410 and the SSRF rules."""

import datetime as dt
import json
import time
from xml.etree import ElementTree

import pytest
from standardwebhooks.webhooks import Webhook

from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit, rollback
from registry.watches.delivery import Sender
from registry.watches.models import Delivery, Watch
from registry.watches.outbox import enqueue_expiries
from registry.watches.worker import Worker, WorkerSettings
from tests.conftest import certificate_input, issue
from tests.watches.conftest import holder
from tests.watches.receiver import Receiver

PORT = 8126


def deliveries(session):
    session.expire_all()
    return session.query(Delivery).order_by(Delivery.id).all()


@pytest.fixture
def worker(app):
    w = Worker(
        app.extensions["registry.sessionmaker"],
        Sender(("127.0.0.1", "localhost"), timeout=3),
        WorkerSettings(concurrency=4, retry_base=0.3, lease=5),
    )
    yield w
    w.close()


def test_the_outbox_fills_with_the_event_and_not_on_rollback(session, body, minter, make_watch):
    watched, other = issue(session, body, minter), issue(session, body, minter)
    by_holder = issue(session, body, minter, holder=holder(1))
    w = make_watch(f"http://127.0.0.1:{PORT}/", numbers=[watched.number], credit_codes=[holder(1)["credit_code"]])
    both = make_watch(f"http://127.0.0.1:{PORT}/b", numbers=[by_holder.number], credit_codes=[holder(1)["credit_code"]])
    register = Register(session, Actor("t"), body=body, minter=minter)
    register.suspend(watched.number, "投诉")
    rollback(session)
    assert deliveries(session) == []
    register = Register(session, Actor("t"), body=body, minter=minter)
    register.suspend(watched.number, "投诉")
    register.suspend(other.number)
    register.revoke(by_holder.number)
    commit(session)
    got = {(d.watch_id, d.event_type, d.payload["data"]["number"]) for d in deliveries(session)}
    assert got == {
        (w["id"], "certificate.suspended", watched.number),
        (w["id"], "certificate.revoked", by_holder.number),
        # Watching a certificate and its holder still gives one message per change.
        (both["id"], "certificate.revoked", by_holder.number),
    }
    message = next(d.payload for d in deliveries(session) if d.payload["data"]["number"] == watched.number)
    assert message["data"]["verdict"] == "suspended" and message["data"]["reason"] == "投诉"
    assert message["data"]["holder"]["credit_code"] == watched.holder.credit_code


def test_a_new_issuance_for_a_watched_holder_through_the_bulk_path(session, body, minter, make_watch):
    w = make_watch(f"http://127.0.0.1:{PORT}/", credit_codes=[holder(2)["credit_code"]])
    register = Register(session, Actor("t"), body=body, minter=minter)
    items = [certificate_input(holder=holder(2)) for _ in range(3)] + [certificate_input()]
    result = register.issue_many(enumerate(items))
    assert not result.errors
    commit(session)
    got = deliveries(session)
    assert [(d.watch_id, d.event_type) for d in got] == [(w["id"], "certificate.issued")] * 3
    assert {d.payload["data"]["number"] for d in got} == {i.number for i in items[:3]}


def test_signed_delivery_then_a_retry_after_500_and_nothing_twice(session, body, minter, make_watch, worker):
    cert = issue(session, body, minter)
    w = make_watch(f"http://127.0.0.1:{PORT}/hook", numbers=[cert.number])
    Register(session, Actor("t"), body=body, minter=minter).suspend(cert.number, "复查")
    commit(session)
    with Receiver(PORT, answer=lambda _id, attempt: 500 if attempt == 1 else 200) as receiver:
        assert worker.run_once() == 1
        assert receiver.ids() and receiver.requests[0]["status"] == 500
        assert deliveries(session)[0].state == "pending" and deliveries(session)[0].last_status == 500
        assert worker.run_once() == 0  # not due yet: backoff
        time.sleep(0.4)
        assert worker.run_once() == 1
        assert deliveries(session)[0].state == "delivered"
        time.sleep(0.4)
        assert worker.run_once() == 0
    first, second = receiver.requests
    assert first["id"] == second["id"]
    for request in (first, second):
        headers = request["headers"]
        assert headers["webhook-signature"].startswith("v1,")
        payload = Webhook(w["secret"]).verify(request["body"], headers)
        assert payload["type"] == "certificate.suspended" and payload["data"]["number"] == cert.number
    with pytest.raises(Exception):  # noqa: B017 - any verification failure
        Webhook(w["secret"]).verify(first["body"] + b" ", first["headers"])


def test_410_disables_the_watch(session, body, minter, make_watch, worker):
    a, b = issue(session, body, minter), issue(session, body, minter)
    w = make_watch(f"http://127.0.0.1:{PORT}/gone", numbers=[a.number, b.number])
    register = Register(session, Actor("t"), body=body, minter=minter)
    register.suspend(a.number)
    commit(session)
    with Receiver(PORT, answer=lambda _id, _n: 410):
        assert worker.run_once() == 1
    session.expire_all()
    watch = session.get(Watch, w["id"])
    assert watch.status == "disabled" and "410" in watch.disabled_reason
    Register(session, Actor("t"), body=body, minter=minter).suspend(b.number)
    commit(session)
    assert [d.state for d in deliveries(session)] == ["cancelled"]


def test_delivery_checks_addresses_again_after_dns(session, body, minter, make_watch, app):
    cert = issue(session, body, minter)
    make_watch(f"http://localhost:{PORT}/", numbers=[cert.number])
    Register(session, Actor("t"), body=body, minter=minter).suspend(cert.number)
    commit(session)
    strict = Worker(app.extensions["registry.sessionmaker"], Sender((), timeout=2), WorkerSettings(retry_base=60))
    try:
        with Receiver(PORT) as receiver:
            assert strict.run_once() == 1
        assert receiver.requests == []
    finally:
        strict.close()
    d = deliveries(session)[0]
    assert d.state == "pending" and d.last_status is None
    assert "refused" in d.last_error and "127.0.0.1" in d.last_error


def test_the_daily_job_queues_each_expiry_once(session, body, minter, make_watch):
    lapsed = issue(
        session, body, minter, issued=today() - dt.timedelta(days=3 * 365 + 3), expires=today() - dt.timedelta(days=2)
    )
    current = issue(session, body, minter)
    w = make_watch(f"http://127.0.0.1:{PORT}/", numbers=[lapsed.number, current.number])
    assert enqueue_expiries(session, today()) == 1
    commit(session)
    assert enqueue_expiries(session, today()) == 0
    (d,) = deliveries(session)
    assert (d.watch_id, d.event_type, d.payload["data"]["number"]) == (w["id"], "certificate.expired", lapsed.number)
    assert d.payload["data"]["verdict"] == "expired"


def test_atom_feeds(client, session, body, minter, make_watch):
    cert = issue(session, body, minter, holder=holder(3))
    w = make_watch(f"http://127.0.0.1:{PORT}/", numbers=[cert.number])
    Register(session, Actor("t"), body=body, minter=minter).suspend(cert.number, "抽查不合格")
    commit(session)
    feed = client.get(f"/feeds/watches/{w['id']}.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    text = feed.get_data(as_text=True)
    assert '<feed xmlns="http://www.w3.org/2005/Atom">' in text and cert.number in text and "暂停" in text
    atom = "{http://www.w3.org/2005/Atom}"
    entries = ElementTree.fromstring(feed.data).findall(f"{atom}entry")
    assert len(entries) == 1
    assert json.loads(entries[0].find(f"{atom}content").text)["data"]["reason"] == "抽查不合格"
    public = client.get("/feeds/changes.atom?scheme=GB/T 27922-2011&region=110000").get_data(as_text=True)
    assert cert.number in public and "抽查不合格" in public
    assert cert.number not in client.get("/feeds/changes.atom?region=310000").get_data(as_text=True)
    assert cert.number not in client.get("/feeds/changes.atom?body=OTHER").get_data(as_text=True)
    assert client.get("/feeds/changes.atom?region=xx").status_code == 400
    assert client.get("/feeds/watches/wat_nope.atom").status_code == 404
