"""The log as served under /log/, its proofs, and what `audit verify`, `log verify` and `log monitor` catch."""

from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import text

from registry.certificates.service import Actor, Register
from registry.db import commit
from registry.notes import Checkpoint, open_checkpoint
from registry.transparency import log_service
from registry.transparency.client import AuditError, monitor, verify_log
from registry.transparency.entries import unbundle
from registry.transparency.merkle import leaf_hash
from registry.transparency.proofs import check_proof
from registry.transparency.tiles import TileNodes
from tests.conftest import issue
from tests.transparency.helpers import client_get, issue_many


def checkpoint_of(client, key):  # type: ignore[no-untyped-def]
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    return open_checkpoint(response.get_data(as_text=True), key)[0]


def test_every_write_is_in_a_signed_checkpoint(client, session, body, log_key):
    assert client.get("/log/key").get_data(as_text=True) == log_key.vkey + "\n"
    assert log_key.name == "registry.example.cn/log"
    for count in (1, 2, 3):
        issue(session, body)
        response = client.get("/log/checkpoint")
        assert response.content_type == "text/plain; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=2"
        checkpoint = open_checkpoint(response.get_data(as_text=True), log_key)[0]
        assert checkpoint.origin == "registry.example.cn/log" and checkpoint.size == count
    leaves = client.get("/log/tile/0/000.p/3")
    entries = unbundle(client.get("/log/tile/entries/000.p/3").data)
    assert leaves.content_type == "application/octet-stream"
    assert leaves.data == b"".join(leaf_hash(e) for e in entries)
    assert [json.loads(e)["seq"] for e in entries] == [1, 2, 3]
    assert client.get("/log/tile/0/000.p/4").status_code == 404  # beyond the published size
    assert client.get("/log/tile/0/000").status_code == 404  # not full yet
    assert client.get("/log/tile/0/0").status_code == 404


def test_full_tiles_and_the_whole_log_verify(client, session, body, log_key):
    issue_many(session, body, 300)
    checkpoint = checkpoint_of(client, log_key)
    assert checkpoint.size == 300
    full = client.get("/log/tile/0/000")
    assert len(full.data) == 8192 and "immutable" in full.headers["Cache-Control"]
    assert "max-age=31536000" in full.headers["Cache-Control"]
    assert len(client.get("/log/tile/1/000.p/1").data) == 32
    assert len(client.get("/log/tile/0/001.p/44").data) == 44 * 32
    gz = client.get("/log/tile/entries/000", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    verified, count = verify_log(client_get(client), log_key)
    assert (verified, count) == (checkpoint, 300)


def test_proofs_for_a_certificates_events(client, session, body, minter, log_key):
    cert = issue(session, body, minter)
    issue(session, body, minter)
    Register(session, Actor("test"), body=body, minter=minter).suspend(cert.number, "audit")
    commit(session)
    history = client.get(f"/api/v1/certificates/{cert.number}/history").json["events"]
    assert [e["log_index"] for e in history] == [0, 2]

    response = client.get(f"/api/v1/certificates/{cert.number}/proof")
    assert response.status_code == 200 and response.content_type == "text/plain; charset=utf-8"
    proof = response.get_data(as_text=True)
    assert proof.startswith("c2sp.org/tlog-proof@v1\nextra ") and "\nindex 2\n" in proof
    checkpoint, entry = check_proof(proof, log_key)
    assert checkpoint.size == 3 and json.loads(entry)["type"] == "suspend"
    assert json.loads(entry)["state"]["status"] == "suspended"

    first = client.get(f"/api/v1/certificates/{cert.number.lower()}/proof?index=0").get_data(as_text=True)
    assert json.loads(check_proof(first, log_key)[1])["type"] == "issue"
    assert client.get(f"/api/v1/certificates/{cert.number}/proof?index=1").status_code == 404  # another certificate's
    bad = client.get(f"/api/v1/certificates/{cert.number}/proof?index=-1")
    assert bad.status_code == 400 and bad.content_type == "application/problem+json"
    assert client.get("/api/v1/certificates/NOPE-404/proof").status_code == 404


def test_receipts_carry_log_positions_and_the_checkpoint(client, session, body, minter, log_key):
    cert = issue(session, body, minter)
    answer = client.post("/api/v1/verify", json={"items": [cert.number, "NOPE-1"]}).json
    assert [r["log_index"] for r in answer["results"]] == [0, None]
    payload_part = answer["receipt"].split(".")[1]
    payload = json.loads(base64.urlsafe_b64decode(payload_part + "=" * (-len(payload_part) % 4)))
    assert payload["log"] == answer["log"] and payload["results"][0]["log_index"] == 0
    checkpoint, _ = open_checkpoint(payload["log"]["checkpoint"], log_key)
    assert checkpoint.size == payload["log"]["size"] == 1
    proof = client.get(f"/api/v1/certificates/{cert.number}/proof?index=0").get_data(as_text=True)
    assert check_proof(proof, log_key)[0] == checkpoint


def test_receipts_without_a_log_key_still_work(client, session, body, minter):
    cert = issue(session, body, minter)
    answer = client.post("/api/v1/verify", json={"items": [cert.number]}).json
    assert answer["log"] is None and answer["results"][0]["log_index"] == 0


def test_an_existing_register_is_brought_into_the_log(app, client, session, body):
    issue_many(session, body, 5)  # no log key yet: nothing is published
    from registry.transparency.keys import generate_log_key, log_key_path

    keys_dir = app.config["SETTINGS"].keys_dir
    generate_log_key(keys_dir, None)
    try:
        log_service(app).forget_key()
        key = log_service(app).signer().verifier
        assert checkpoint_of(client, key).size == 5
        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0 and "5 in the transparency log" in result.output
    finally:
        log_key_path(keys_dir).unlink()
        log_service(app).forget_key()


def test_an_edited_event_row_fails_audit_verify_and_the_monitor(app, client, session, body, log_key, tmp_path):
    issue_many(session, body, 6)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    state = tmp_path / "state.json"
    first = monitor(client_get(client), state, log_key)
    assert first.checkpoint.size == 6 and len(first.new_entries) == 6

    session.execute(text("UPDATE certificate_events SET reason = 'rewritten' WHERE seq = 3"))
    commit(session)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "transparency log: log entry 2 differs from event 3" in result.output
    with pytest.raises(AuditError, match="entry 2"):
        monitor(client_get(client), state, log_key)


def test_the_monitor_refuses_a_checkpoint_that_rewrites_history(app, client, session, body, log_key, tmp_path):
    issue_many(session, body, 4)
    state = tmp_path / "state.json"
    monitor(client_get(client), state, log_key)
    issue_many(session, body, 2)
    second = monitor(client_get(client), state, log_key)
    assert second.previous_size == 4 and [e.index for e in second.new_entries] == [4, 5]

    # The operator swaps leaf 0 and signs a checkpoint over the rewritten tree with the real key.
    issue(session, body)
    tile = bytearray(session.execute(text("SELECT hashes FROM log_tiles WHERE level = 0 AND idx = 0")).scalar())
    tile[0:32] = bytes(32)
    session.execute(text("UPDATE log_tiles SET hashes = :h WHERE level = 0 AND idx = 0"), {"h": bytes(tile)})
    forged_root = TileNodes(7, lambda _l, _i, w: bytes(tile[: w * 32]))
    from registry.transparency.merkle import root

    note = log_service(app).signer().sign(Checkpoint(log_key.name, 7, root(forged_root, 7)).text)
    session.execute(text("UPDATE log_checkpoints SET note = :n WHERE size = 7"), {"n": note})
    commit(session)
    with pytest.raises(AuditError, match="not consistent"):
        monitor(client_get(client), state, log_key)
    assert json.loads(state.read_text())["size"] == 6  # the saved state is kept


def test_publish_directory_then_verify_and_monitor_it_with_the_cli(app, session, body, log_key, tmp_path):
    issue_many(session, body, 260)
    runner = app.test_cli_runner()
    out = tmp_path / "mirror"
    result = runner.invoke(args=["log", "publish", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "tile/0/000").stat().st_size == 8192 and (out / "tile/entries/001.p/4").exists()
    assert (out / "key").read_text() == log_key.vkey + "\n"
    result = runner.invoke(args=["log", "verify", f"file://{out}"])
    assert result.exit_code == 0 and "log verified: registry.example.cn/log size 260" in result.output
    state = tmp_path / "state.json"
    result = runner.invoke(args=["log", "monitor", f"file://{out}", "--state", str(state)])
    assert result.exit_code == 0 and result.output.count("\tissue\t") == 260
    issue(session, body)
    runner.invoke(args=["log", "publish", str(out)])
    result = runner.invoke(args=["log", "monitor", f"file://{out}", "--state", str(state)])
    assert result.exit_code == 0 and result.output.count("\tissue\t") == 1 and "260 -> 261" in result.output
    (out / "tile/entries/001.p/5").write_bytes(b"\x00\x02{}")
    assert runner.invoke(args=["log", "verify", f"file://{out}"]).exit_code == 1


def test_publishing_stops_at_a_broken_chain(app, session, body):
    issue_many(session, body, 3)
    session.execute(text("UPDATE certificate_events SET actor = 'someone else' WHERE seq = 2"))
    commit(session)
    from registry.transparency.keys import generate_log_key, log_key_path

    generate_log_key(app.config["SETTINGS"].keys_dir, None)
    try:
        log_service(app).forget_key()
        result = app.test_cli_runner().invoke(args=["log", "sync"])
        assert result.exit_code == 1 and "event 2" in result.output and "hash chain" in result.output
        assert session.execute(text("SELECT count(*) FROM log_checkpoints")).scalar() == 0
    finally:
        log_key_path(app.config["SETTINGS"].keys_dir).unlink()
        log_service(app).forget_key()


def test_a_saved_proof_checks_offline_with_the_cli(app, client, session, body, log_key, tmp_path):
    cert = issue(session, body)
    saved = tmp_path / "proof.tlog-proof"
    saved.write_text(client.get(f"/api/v1/certificates/{cert.number}/proof").get_data(as_text=True))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["log", "verify-proof", str(saved), "--key", log_key.vkey])
    assert result.exit_code == 0 and "proof valid" in result.output and cert.number in result.output
    tampered = saved.read_text().replace("index 0", "index 1")
    saved.write_text(tampered)
    result = runner.invoke(args=["log", "verify-proof", str(saved), "--key", log_key.vkey])
    assert result.exit_code == 1 and "proof INVALID" in result.output


def test_witness_configuration_is_checked_at_start():
    from registry.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match="REGISTRY_LOG_WITNESSES"):
        load_settings({"REGISTRY_LOG_WITNESSES": "not-a-key https://w.example"}, secret_key="x")
    vkey = "witness.example/w1+00000000+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    with pytest.raises(ConfigError, match="REGISTRY_LOG_WITNESSES"):
        load_settings({"REGISTRY_LOG_WITNESSES": f"{vkey} https://w.example"}, secret_key="x")


def test_receipt_log_index_follows_as_of(client, session, body, minter, log_key):
    import datetime as dt

    from registry.certificates.validation import today

    cert = issue(session, body, minter)
    issue(session, body, minter)
    Register(session, Actor("test"), body=body, minter=minter).suspend(cert.number, "audit")
    commit(session)
    now = client.post("/api/v1/verify", json={"items": [cert.number]}).json
    assert now["results"][0]["log_index"] == 2 and now["results"][0]["verdict"] == "suspended"
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    before = client.post("/api/v1/verify", json={"items": [cert.number], "as_of": yesterday}).json
    assert before["results"][0]["log_index"] == 0 and before["results"][0]["verdict"] == "valid"


def test_the_receipt_page_shows_the_log_checkpoint_and_a_proof_per_result(client, session, body, minter, log_key):
    cert = issue(session, body, minter)
    answer = client.post("/api/v1/verify", json={"items": [cert.number, "NOPE-1"]}).json
    page = client.get(f"/r/{answer['receipt_id']}?lang=en").get_data(as_text=True)
    assert "In the public transparency log" in page and f"at size {answer['log']['size']}" in page
    link = f'href="/api/v1/certificates/{cert.number}/proof?index=0"'
    assert link in page and page.count("/proof?index=") == 1  # NOPE-1 is not in the log
    assert answer["log"]["checkpoint"].splitlines()[0] in page
    proof = client.get(f"/api/v1/certificates/{cert.number}/proof?index=0").get_data(as_text=True)
    assert check_proof(proof, log_key)[1]  # the linked proof checks with the log key alone
