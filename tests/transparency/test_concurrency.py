"""Several servers writing at once: every write reaches a checkpoint within 5 s, and no two checkpoints disagree."""

from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy import text

from registry import create_app
from registry.bodies.service import issue_key
from registry.db import commit
from registry.notes import open_checkpoint
from registry.transparency import log_service
from registry.transparency.audit import audit_log
from tests.api.test_write import payload


def test_two_servers_writing_at_once_sign_only_consistent_checkpoints(app_config, session, body, minter, log_key):
    _row, key = issue_key(session, body.code)
    commit(session)
    # Two more app instances stand for two servers: their own engines, sessions and publisher threads.
    servers: list[Flask] = [create_app({**app_config, "log_publish": "background"}) for _ in range(2)]
    errors: list[str] = []

    def writer(server: Flask) -> None:
        client = server.test_client()
        for _ in range(6):
            r = client.post("/api/v1/certificates", json=payload(), headers={"Authorization": f"Bearer {key}"})
            if r.status_code != 201:
                errors.append(f"{r.status_code} {r.get_data(as_text=True)[:200]}")

    try:
        threads = [threading.Thread(target=writer, args=(s,)) for s in servers for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        written = time.monotonic()
        assert not errors, errors
        reader = servers[0].test_client()
        size = 0
        while time.monotonic() - written < 5:
            note = reader.get("/log/checkpoint").get_data(as_text=True)
            size = open_checkpoint(note, log_key)[0].size
            if size == 24:
                break
            time.sleep(0.05)
        assert size == 24, "the last writes were not in a checkpoint within 5 s"
    finally:
        for server in servers:
            log_service(server).stop()
            server.extensions["registry.engine"].dispose()

    sizes = [row[0] for row in session.execute(text("SELECT size FROM log_checkpoints ORDER BY size"))]
    assert sizes[-1] == 24 and len(sizes) == len(set(sizes))
    # Every stored checkpoint (and its signature) matches the entries recomputed from the register:
    # all are views of one append-only tree.
    assert audit_log(session, log_key) == (24, None)


def test_a_server_that_only_reads_catches_up_with_writes_made_elsewhere(app_config, session, body, log_key):
    from registry.db import get_session
    from tests.conftest import issue

    writer = create_app({**app_config, "log_publish": "off"})  # e.g. an import run by another process
    reader = create_app({**app_config, "log_publish": "background"})
    try:
        client = reader.test_client()
        assert open_checkpoint(client.get("/log/checkpoint").get_data(as_text=True), log_key)[0].size == 0
        with writer.app_context():
            own = get_session().merge(body)
            for _ in range(3):
                issue(get_session(), own)
        first = open_checkpoint(client.get("/log/checkpoint").get_data(as_text=True), log_key)[0]
        assert first.size == 0  # served at once from what was published; the reader's thread catches up
        start = time.monotonic()
        size = first.size
        while size < 3 and time.monotonic() - start < 5:
            time.sleep(0.1)
            size = open_checkpoint(client.get("/log/checkpoint").get_data(as_text=True), log_key)[0].size
        assert size == 3
    finally:
        log_service(reader).stop()
        for server in (writer, reader):
            server.extensions["registry.engine"].dispose()
