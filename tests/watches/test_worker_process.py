"""The worker as operators run it (`flask --app registry worker`): prompt delivery, and a kill
mid-delivery followed by a restart loses nothing and repeats no delivered webhook-id."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from registry.certificates.service import Actor, Register
from registry.db import commit
from registry.watches.models import Delivery
from tests.conftest import issue, project_root
from tests.watches.receiver import Receiver

PORT = 8127


@pytest.fixture
def start_worker(app, app_config):
    started = []

    def start(*args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
        env.update(
            REGISTRY_DATABASE_URL=app_config["database_url"],
            REGISTRY_DATA_DIR=str(app_config["data_dir"]),
            REGISTRY_KEYS_DIR=str(app_config["keys_dir"]),
            REGISTRY_BASE_URL=app_config["base_url"],
            REGISTRY_SECRET_KEY="test-secret",
            REGISTRY_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
        )
        flask = Path(sys.executable).with_name("flask")
        proc = subprocess.Popen(
            [str(flask), "--app", "registry", "worker", "--poll", "0.2", *args],
            cwd=project_root(),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def delivered_ids(session):
    session.expire_all()
    return set(session.scalars(select(Delivery.id).where(Delivery.state == "delivered")))


def test_a_signed_webhook_within_15_seconds_then_a_retry_after_500(session, body, minter, make_watch, start_worker):
    cert = issue(session, body, minter)
    watch = make_watch(f"http://127.0.0.1:{PORT}/hook", numbers=[cert.number])
    with Receiver(PORT, answer=lambda _id, attempt: 500 if attempt == 1 else 200) as receiver:
        start_worker("--retry-base", "1")
        time.sleep(1.0)
        Register(session, Actor("t"), body=body, minter=minter).suspend(cert.number, "暂停测试")
        commit(session)
        suspended_at = time.monotonic()
        assert receiver.wait_for(lambda: receiver.ids(), 15), "no webhook within 15 s"
        assert receiver.wait_for(lambda: receiver.ids(200), 15), "no retry after the 500"
    first, second = receiver.requests[:2]
    assert first["at"] - suspended_at < 15 and (first["status"], second["status"]) == (500, 200)
    assert first["id"] == second["id"] and second["at"] - first["at"] >= 0.9
    for request in (first, second):
        message = Webhook(watch["secret"]).verify(request["body"], request["headers"])
        assert message["type"] == "certificate.suspended" and message["data"]["number"] == cert.number


def test_kill_mid_delivery_then_restart_loses_nothing(session, body, minter, make_watch, start_worker):
    certs = [issue(session, body, minter) for _ in range(12)]
    make_watch(f"http://127.0.0.1:{PORT}/hook", numbers=[c.number for c in certs])
    register = Register(session, Actor("t"), body=body, minter=minter)
    for c in certs:
        register.suspend(c.number)
    commit(session)
    expected = set(session.scalars(select(Delivery.id)))
    assert len(expected) == 12
    slow = sorted(expected)[6]
    killed = {"done": False}

    def delay(msg_id):
        # The first attempt of one message hangs until the worker has been killed.
        return 4.0 if msg_id == slow and not killed["done"] else 0.0

    with Receiver(PORT, delay=delay) as receiver:
        worker = start_worker("--concurrency", "2", "--lease", "2", "--timeout", "1")
        assert receiver.wait_for(lambda: slow in receiver.ids(), 20), "the slow message was never sent"
        worker.kill()  # SIGKILL: no clean shutdown
        worker.wait()
        killed["done"] = True
        delivered_before = delivered_ids(session)
        assert slow not in delivered_before and len(delivered_before) < 12
        start_worker("--concurrency", "2", "--lease", "2", "--timeout", "5")
        assert receiver.wait_for(lambda: delivered_ids(session) == expected, 30), "not everything was delivered"
        time.sleep(1.0)
        received = receiver.ids()
    assert set(received) == expected
    for msg_id in delivered_before:
        assert received.count(msg_id) == 1, f"{msg_id} was delivered before the kill and sent again"
