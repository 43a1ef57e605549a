"""Writes never wait unboundedly: an import holds the register's lock one chunk at a time, and a
write that cannot get the lock within a few seconds answers 503 with Retry-After."""

import json
import subprocess
import time

import pytest
from sqlalchemy import create_engine, func, select, text

from registry import create_app
from registry.bodies.service import issue_key
from registry.certificates.chain import audit
from registry.certificates.models import Certificate
from registry.db import commit, rollback
from tests.conftest import certificate_input
from tests.servers import BIN, ROOT, server_env


def api_doc(**overrides):
    return json.loads(certificate_input(**overrides).model_dump_json(exclude_none=True))


def write_file(path, rows):
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(json.dumps(api_doc(number=f"IMP-{i:07d}"), ensure_ascii=False) + "\n")


def imported(session):
    rollback(session)
    return session.scalar(select(func.count()).select_from(Certificate).where(Certificate.number.like("IMP-%")))


@pytest.mark.slow
def test_api_writes_proceed_during_a_long_import(app, app_config, session, body, minter, tmp_path):
    rows = 3000
    source = tmp_path / "issuances.jsonl"
    write_file(source, rows)
    _row, key = issue_key(session, body.code)
    commit(session)
    client = app.test_client()
    env = server_env(app_config)
    importer = subprocess.Popen(
        [str(BIN / "flask"), "--app", "registry", "import", str(source), "--body", body.code],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "import.log").open("wb"),
    )
    during, slowest = 0, 0.0
    try:
        while importer.poll() is None:
            before = imported(session)
            started = time.monotonic()
            r = client.post("/api/v1/certificates", json=api_doc(), headers={"Authorization": f"Bearer {key}"})
            elapsed = time.monotonic() - started
            after = imported(session)
            assert r.status_code == 201, r.json
            slowest = max(slowest, elapsed)
            if before > 0 and after < rows:
                during += 1
            time.sleep(0.2)
        importer.wait(timeout=120)
    finally:
        if importer.poll() is None:
            importer.kill()
    assert importer.returncode == 0, (tmp_path / "import.log").read_text()
    assert slowest < 5, slowest
    assert during >= 1, "no write happened while the import was writing"
    assert imported(session) == rows
    assert audit(session)[1] is None


def test_a_write_that_cannot_get_the_lock_is_503_with_retry_after(app, app_config, session, body, minter):
    _row, key = issue_key(session, body.code)
    commit(session)
    impatient = create_app({**app_config, "write_lock_timeout": 1})
    holder = create_engine(app_config["database_url"])
    with holder.connect() as conn:
        # Another writer (an import, another server) holds the chain head.
        conn.execute(text("UPDATE chain_head SET seq = seq WHERE id = 1"))
        started = time.monotonic()
        r = impatient.test_client().post(
            "/api/v1/certificates", json=api_doc(), headers={"Authorization": f"Bearer {key}"}
        )
        elapsed = time.monotonic() - started
        conn.rollback()
    holder.dispose()
    impatient.extensions["registry.engine"].dispose()
    assert r.status_code == 503 and r.mimetype == "application/problem+json", r.get_data(as_text=True)
    assert int(r.headers["Retry-After"]) > 0
    assert elapsed < 5
