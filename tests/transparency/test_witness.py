"""Witness cosignatures: checkpoints are pushed by tlog-witness and served with the witness's cosignature."""

from __future__ import annotations

from registry import create_app
from registry.bodies.models import CertificationBody
from registry.db import get_session
from registry.notes import Verifier, open_checkpoint
from registry.transparency import log_service
from tests.conftest import issue
from tests.transparency.witness_server import MiniWitness, Serving


def write(server, body, count: int = 1) -> None:  # type: ignore[no-untyped-def]
    """Issue certificates through another app instance (another server)."""
    with server.app_context():
        session = get_session()
        own = session.get(CertificationBody, body.id)
        for _ in range(count):
            issue(session, own)


def test_checkpoints_carry_witness_cosignatures(app_config, session, body, log_key):
    witness = MiniWitness("witness.example/w1", {log_key.name: log_key.vkey})
    wverifier = Verifier.parse(witness.vkey)
    with Serving(witness, 8151) as served:
        config = {**app_config, "log_witnesses": ((witness.vkey, served.url),)}
        server = create_app(config)
        try:
            client = server.test_client()
            write(server, body, 3)
            checkpoint, cosigs = open_checkpoint(
                client.get("/log/checkpoint").get_data(as_text=True), log_key, [wverifier]
            )
            assert checkpoint.size == 3 and [c.name for c in cosigs] == ["witness.example/w1"]
            assert witness.requests == [(0, 1), (1, 2), (2, 3)]

            # Another server does not know what the witness saw: it learns it from the 409 and proves from there.
            other = create_app(config)
            write(other, body)
            note = other.test_client().get("/log/checkpoint").get_data(as_text=True)
            checkpoint, cosigs = open_checkpoint(note, log_key, [wverifier])
            assert checkpoint.size == 4 and len(cosigs) == 1 and witness.requests[-1] == (3, 4)
            other.extensions["registry.engine"].dispose()
        finally:
            server.extensions["registry.engine"].dispose()


def test_a_witness_that_refuses_delays_nothing(app_config, session, body, log_key):
    stranger = MiniWitness("witness.example/w2", {"another.example/log": log_key.vkey})
    with Serving(stranger, 8152) as served:
        server = create_app({**app_config, "log_witnesses": ((stranger.vkey, served.url),)})
        write(server, body)
        note = server.test_client().get("/log/checkpoint").get_data(as_text=True)
        checkpoint, cosigs = open_checkpoint(note, log_key, [Verifier.parse(stranger.vkey)])
        assert checkpoint.size == 1 and cosigs == []
        assert log_service(server).witnesses[0].last_error.startswith("HTTP 404")
        server.extensions["registry.engine"].dispose()
