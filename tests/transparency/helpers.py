"""Shared helpers: read the log through the test client as an outside verifier would over HTTP."""

from __future__ import annotations

from flask.testing import FlaskClient

from registry.certificates.service import Actor, Register
from registry.db import commit
from registry.transparency.client import AuditError, Get
from tests.conftest import certificate_input


def client_get(client: FlaskClient) -> Get:
    def get(path: str) -> bytes:
        response = client.get(f"/log/{path}")
        if response.status_code != 200:
            raise AuditError(f"/log/{path}: HTTP {response.status_code}")
        return response.data

    return get


def issue_many(session, body, count: int, minter=None) -> None:  # type: ignore[no-untyped-def]
    """Issue `count` certificates in one unit of work through the bulk path."""
    register = Register(session, Actor("test"), body=body, minter=minter)
    result = register.issue_many(enumerate(certificate_input() for _ in range(count)), body)
    assert not result.errors
    commit(session)
