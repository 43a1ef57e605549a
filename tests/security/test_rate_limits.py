"""Honest rate limits: shared by workers, on every expensive surface, keyed by who the caller really is."""

import concurrent.futures
import json
import re
import uuid

import pytest

from registry import create_app
from registry.bodies.service import issue_key
from registry.db import commit, get_session
from registry.schemes.service import load_schemes, read_scheme_file
from tests.conftest import certificate_input, issue
from tests.servers import gunicorn, request, server_env


def limited_app(app_config, limits, **extra):
    app = create_app(
        {
            **app_config,
            "rate_limits_enabled": True,
            "rate_limits": limits,
            "rate_limit_prefix": uuid.uuid4().hex,
            **extra,
        }
    )
    with app.app_context():
        load_schemes(get_session(), read_scheme_file())
        commit(get_session())
    return app


@pytest.mark.slow
def test_two_workers_share_one_allowance(app, app_config):
    limit = 100
    env = server_env(app_config, REGISTRY_RATE_LIMITS=f"read={limit} per minute")
    env["REGISTRY_DATA_DIR"] = str(app_config["data_dir"] / f"limits-{uuid.uuid4().hex}")
    with gunicorn(env, 2) as server, concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: request(server.url + "/api/v1/schemes")[0], range(2 * limit)))
    allowed = statuses.count(200)
    assert abs(allowed - limit) <= limit * 0.05, allowed
    assert statuses.count(429) == 2 * limit - allowed


def test_search_and_pages_are_limited(app, app_config):
    client = limited_app(app_config, {"page": "3 per minute"}).test_client()
    statuses = [client.get(path).status_code for path in ("/search?q=北京", "/", "/bodies", "/search?q=上海")]
    assert statuses == [200, 200, 200, 429]
    r = client.get("/stats")
    assert r.status_code == 429 and r.mimetype == "text/html" and int(r.headers["Retry-After"]) > 0


def test_marks_are_limited(app, app_config, session, body, minter):
    cert = issue(session, body, minter)
    client = limited_app(app_config, {"mark": "2 per minute"}).test_client()
    statuses = [client.get(f"/certificates/{cert.number}/mark.png?size=128").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def form_token(client):
    html = client.get("/verify").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_the_verify_form_counts_items_like_the_api(app, app_config, minter):
    client = limited_app(app_config, {"verify": "10 per minute"}).test_client()
    token = form_token(client)
    eight = "\n".join(f"A-{i:04d}" for i in range(8))
    assert client.post("/verify", data={"items": eight, "csrf_token": token}).status_code == 200
    assert client.post("/verify", data={"items": "A-1\nA-2\nA-3", "csrf_token": token}).status_code == 429
    assert client.post("/verify", data={"items": "A-1\nA-2", "csrf_token": token}).status_code == 200
    # The API shares the same allowance.
    assert client.post("/api/v1/verify", json={"items": ["A-0001"]}).status_code == 429


def test_an_oversized_batch_is_422_not_429(app, app_config, minter):
    client = limited_app(app_config, {}).test_client()
    r = client.post("/api/v1/verify", json={"items": ["A-0001"] * 5000})
    assert r.status_code == 422 and "Retry-After" not in r.headers
    assert client.post("/api/v1/verify", json={"items": ["A-0001"] * 1000}).status_code == 200


def test_retry_after_only_when_refused(app, app_config):
    client = limited_app(app_config, {"read": "1 per minute"}).test_client()
    ok = client.get("/api/v1/schemes")
    assert ok.status_code == 200 and "Retry-After" not in ok.headers
    refused = client.get("/api/v1/schemes")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


def test_a_spoofed_forwarded_for_does_not_make_a_new_bucket_without_trusted_proxies(app, app_config):
    client = limited_app(app_config, {"read": "2 per minute"}).test_client()
    statuses = [
        client.get("/api/v1/schemes", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(app, app_config):
    client = limited_app(app_config, {"read": "2 per minute"}, trusted_proxies=1).test_client()

    def get(chain):
        return client.get("/api/v1/schemes", headers={"X-Forwarded-For": chain}).status_code

    # The proxy appends the real client; whatever the client wrote before it is ignored.
    assert [get(f"10.9.9.{i}, 203.0.113.7") for i in range(3)] == [200, 200, 429]
    assert get("203.0.113.8") == 200


def test_the_write_bucket_is_the_authenticated_key(app, app_config, session, body, minter):
    _row, key = issue_key(session, body.code)
    commit(session)
    client = limited_app(app_config, {"write": "2 per minute"}).test_client()

    def write(auth):
        doc = json.loads(certificate_input().model_dump_json(exclude_none=True))
        return client.post("/api/v1/certificates", json=doc, headers={"Authorization": auth}).status_code

    # Extra spaces or another spelling of the same key are the same bucket.
    assert [write(f"Bearer {key}"), write(f"Bearer    {key}  "), write(f"bearer {key}")] == [201, 201, 429]
    # Bad keys do not use up the body's allowance, but are limited per address.
    client2 = limited_app(app_config, {"write": "2 per minute"}).test_client()
    statuses = [client2.post("/api/v1/certificates", json={}, headers={"Authorization": "Bearer x.y"}).status_code]
    statuses += [client2.post("/api/v1/certificates", json={}, headers={"Authorization": "Bearer x.z"}).status_code]
    statuses += [client2.post("/api/v1/certificates", json={}, headers={"Authorization": "Bearer x.w"}).status_code]
    assert statuses == [401, 401, 429]
