"""Shared fixtures: one database per test run (SQLite, or PostgreSQL when configured), emptied after each test."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.orm import Session

from registry import create_app
from registry.bodies.models import CertificationBody
from registry.bodies.service import create_body
from registry.certificates.schemas import CertificateIn, HolderIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.cli.db import upgrade
from registry.db import Base, commit, get_session
from registry.demo.seed import credit_code
from registry.schemes.service import load_schemes, read_scheme_file

# Timing belongs in bench/: on a busy two-core CI machine a fast example can take a second.
settings.register_profile("registry", deadline=None)
settings.load_profile("registry")

BASE_URL = "https://registry.example.cn"
TABLES_IN_DELETE_ORDER = [
    "reports",
    "log_checkpoints",
    "log_tiles",
    "webhook_deliveries",
    "watch_targets",
    "watches",
    "receipts",
    "idempotent_requests",
    "pending_uploads",
    "login_failures",
    "users",
    "certificate_events",
    "certificates",
    "organisations",
    "api_keys",
    "bodies",
    "signing_keys",
    "schemes",
]


def pytest_report_header() -> str:
    return f"database: {_database_label()}"


def _database_label() -> str:
    url = os.environ.get("REGISTRY_TEST_DATABASE_URL")
    return "PostgreSQL" if url else "SQLite"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("REGISTRY_TEST_DATABASE_URL")
    if not url:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def app_config(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    data = tmp_path_factory.mktemp("data")
    return {
        "database_url": database_url,
        "data_dir": data,
        "keys_dir": data / "keys",
        "base_url": BASE_URL,
        "secret_key": "test-secret",
        "testing": True,
        "rate_limits_enabled": False,
        "log_publish": "inline",
    }


@pytest.fixture(scope="session")
def _app(app_config: dict[str, Any]) -> Flask:
    return create_app(app_config)


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The app, with an empty register (schemes loaded) for each test."""
    with _app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        commit(session)
    yield _app
    with _app.app_context():
        session = get_session()
        for table in TABLES_IN_DELETE_ORDER:
            session.execute(text(f"DELETE FROM {table}"))
        session.execute(text("UPDATE chain_head SET seq = 0, hash = :h WHERE id = 1"), {"h": "0" * 64})
        session.execute(
            text("UPDATE log_head SET size = 0, root = :r, chain_hash = :h WHERE id = 1"),
            {"r": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "h": "0" * 64},
        )
        commit(session)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session inside an app context; commit with registry.db.commit."""
    with app.app_context():
        yield get_session()


@pytest.fixture
def body(session: Session) -> CertificationBody:
    b = create_body(session, "CNCA-R-2099-001", "测试认证中心", "Test Certification Centre")
    commit(session)
    return b


@pytest.fixture
def minter(app: Flask, session: Session):  # type: ignore[no-untyped-def]
    """A signing key for the register, and the minter that signs marks with it."""
    from registry.signing import service

    service.generate_key(session, app.config["SETTINGS"])
    commit(session)
    return service.current_minter()


_counter = iter(range(1, 10**9))


def certificate_input(**overrides: Any) -> CertificateIn:
    """A valid issuance under GB/T 27922-2011 (4 stars, score 86), with overrides."""
    import random

    n = next(_counter)
    holder = {
        "name_zh": f"北京测试商贸有限公司{n}",
        "name_en": f"Beijing Test Trading Co., Ltd. {n}",
        "credit_code": credit_code(random.Random(n), "110105"),
        "region": "110105",
        "business_type": "mall",
    }
    holder.update(overrides.pop("holder", {}))
    data: dict[str, Any] = {
        "number": f"TST-2025-{n:06d}",
        "scheme": "GB/T 27922-2011",
        "holder": HolderIn(**holder),
        "star_level": 4,
        "score": Decimal(86),
        "scope_zh": "家用电器的售后服务",
        "scope_en": "After-sales service of household appliances",
        "issued": today() - dt.timedelta(days=400),
    }
    data.update(overrides)
    return CertificateIn(**data)


def issue(session: Session, body: CertificationBody, minter: Any = None, **overrides: Any):  # type: ignore[no-untyped-def]
    """Issue and commit one certificate; returns it."""
    register = Register(session, Actor("test"), body=body, minter=minter)
    cert, _ = register.issue(certificate_input(**overrides))
    commit(session)
    return cert


def project_root() -> Path:
    return Path(__file__).resolve().parents[1]


__all__ = ["BASE_URL", "Base", "certificate_input", "issue", "project_root"]
