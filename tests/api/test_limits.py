"""Rate limits: per item for batches, 429 problem JSON with Retry-After, shared through Redis."""

import uuid

import pytest
import redis

from registry import create_app
from registry.bodies.service import create_body
from registry.db import commit, get_session
from registry.schemes.service import load_schemes, read_scheme_file
from registry.signing.service import generate_key


def make_app(app_config, **extra):
    config = {**app_config, "rate_limits_enabled": True, **extra}
    app = create_app(config)
    with app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        commit(session)
    return app


@pytest.fixture
def limited(app, app_config):
    return make_app(
        app_config,
        rate_limits={"read": "3 per minute", "verify": "10 per minute"},
        rate_limit_prefix=f"t{uuid.uuid4().hex}",
    )


def test_reads_are_limited_with_a_problem_and_retry_after(limited):
    client = limited.test_client()
    statuses = [client.get("/api/v1/schemes").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/api/v1/schemes")
    assert r.mimetype == "application/problem+json" and r.json["status"] == 429
    assert int(r.headers["Retry-After"]) > 0
    assert client.get("/healthz").status_code == 200


def test_batch_verification_counts_every_item(limited, app_config):
    with limited.app_context():
        generate_key(get_session(), limited.config["SETTINGS"])
        create_body(get_session(), "CNCA-R-2099-555", "x")
        commit(get_session())
    client = limited.test_client()
    assert client.post("/api/v1/verify", json={"items": ["A-0001"] * 8}).status_code == 200
    assert client.post("/api/v1/verify", json={"items": ["A-0001"] * 3}).status_code == 429
    assert client.post("/api/v1/verify", json={"items": ["A-0001"] * 2}).status_code == 200


def test_limits_are_shared_between_servers_through_redis(app, app_config):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"t{uuid.uuid4().hex}"
    servers = [
        make_app(app_config, redis_url=url, rate_limits={"read": "4 per minute"}, rate_limit_prefix=prefix)
        for _ in range(2)
    ]
    clients = [s.test_client() for s in servers]
    statuses = [clients[i % 2].get("/api/v1/schemes").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_limits_are_published(client):
    description = client.get("/api/v1/openapi.json").json["info"]["description"]
    assert "verify: 20000 per hour; 3000 per minute" in description
