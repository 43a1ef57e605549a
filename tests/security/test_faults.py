"""Faults: killed imports and workers leave nothing half-written; two servers keep one linear chain.

Marked `fault` (run them alone with `pytest -m fault`; together well under 5 minutes).
"""

import concurrent.futures
import json
import os
import signal
import subprocess
import threading
import time

import pytest
from sqlalchemy import func, select

from registry.bodies.service import issue_key
from registry.certificates.chain import audit
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.db import commit, rollback
from tests.conftest import certificate_input
from tests.servers import BIN, ROOT, gunicorn, request, server_env

pytestmark = [pytest.mark.fault, pytest.mark.slow]


def api_doc(**overrides):
    return json.loads(certificate_input(**overrides).model_dump_json(exclude_none=True))


def imported(session, prefix):
    rollback(session)
    return session.scalar(select(func.count()).select_from(Certificate).where(Certificate.number.like(f"{prefix}%")))


def register_is_whole(session, prefix):
    """Every certificate has its issue event, the chain audits clean, and the head matches."""
    rollback(session)
    certs = session.scalar(select(func.count()).select_from(Certificate).where(Certificate.number.like(f"{prefix}%")))
    events = session.scalar(
        select(func.count())
        .select_from(CertificateEvent)
        .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
        .where(Certificate.number.like(f"{prefix}%"), CertificateEvent.type == "issue")
    )
    checked, failure = audit(session)
    head = session.get(ChainHead, 1, populate_existing=True)
    assert failure is None, failure
    assert certs == events and head.seq == checked
    return certs


def test_an_import_killed_mid_way_leaves_whole_chunks_and_completes_when_run_again(
    app, app_config, session, body, minter, tmp_path
):
    rows = 3000
    source = tmp_path / "issuances.jsonl"
    source.write_text(
        "".join(json.dumps(api_doc(number=f"KIL-{i:07d}"), ensure_ascii=False) + "\n" for i in range(rows)),
        encoding="utf-8",
    )
    command = [str(BIN / "flask"), "--app", "registry", "import", str(source), "--body", body.code]
    env = server_env(app_config)
    importer = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while imported(session, "KIL-") == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
    finally:
        if importer.poll() is None:
            importer.kill()
    written = register_is_whole(session, "KIL-")
    assert 0 < written < rows, written
    assert written % 500 == 0  # whole chunks only
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{rows - written} certificates issued, {written} unchanged" in rerun.stdout
    assert register_is_whole(session, "KIL-") == rows


def test_a_worker_killed_mid_batch_writes_all_or_nothing(app, app_config, session, body, minter):
    _row, key = issue_key(session, body.code)
    commit(session)
    killed_mid_request = 0
    with gunicorn(server_env(app_config), 1) as server:
        for attempt, delay in enumerate((0.3, 0.6, 1.0, 0.15)):
            prefix = f"WK{attempt}-"
            batch = json.dumps({"items": [api_doc(number=f"{prefix}{i:05d}") for i in range(1000)]}).encode()
            answer: list[object] = []

            def send(batch=batch, answer=answer):
                try:
                    answer.append(
                        request(
                            server.url + "/api/v1/certificates",
                            "POST",
                            batch,
                            {"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
                        )[0]
                    )
                except OSError as exc:
                    answer.append(exc)

            sender = threading.Thread(target=send)
            sender.start()
            time.sleep(delay)
            for pid in server.worker_pids():
                os.kill(pid, signal.SIGKILL)
            sender.join(60)
            written = register_is_whole(session, prefix)
            assert written in (0, 1000), written
            if answer and not isinstance(answer[0], int):
                killed_mid_request += 1
            elif answer and answer[0] == 201:
                assert written == 1000
            time.sleep(2)  # the arbiter starts a new worker
    assert killed_mid_request >= 1, "no kill landed while a batch was being written"


def test_two_servers_on_one_database_write_concurrently_and_the_chain_stays_linear(
    app, app_config, session, body, minter
):
    _row, key = issue_key(session, body.code)
    commit(session)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    env = server_env(app_config)
    per_thread, threads = 20, 6
    with gunicorn(env, 2) as one, gunicorn(env, 2) as two:
        servers = [one.url, two.url]

        def writer(t):
            statuses = []
            for i in range(per_thread):
                doc = api_doc(number=f"TWO-{t:02d}-{i:04d}")
                statuses.append(
                    request(servers[(t + i) % 2] + "/api/v1/certificates", "POST", json.dumps(doc).encode(), headers)[0]
                )
            return statuses

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            statuses = [s for result in pool.map(writer, range(threads)) for s in result]
    assert statuses.count(201) == per_thread * threads, sorted(set(statuses))
    assert register_is_whole(session, "TWO-") == per_thread * threads
    rollback(session)
    seqs = list(session.scalars(select(CertificateEvent.seq).order_by(CertificateEvent.seq)))
    assert seqs == list(range(1, len(seqs) + 1))
