"""POST/GET/DELETE /api/v1/watches: the secret manages the watch; bad input and refused URLs are problems."""

from random import Random

import pytest

from registry.demo.seed import credit_code

CODE = credit_code(Random(5), "110105")


def test_create_read_and_delete_with_the_secret(client, allow_local):
    r = client.post(
        "/api/v1/watches",
        json={"url": "http://127.0.0.1:8125/hook", "numbers": ["hac-1", "HAC-2"], "credit_codes": [CODE]},
    )
    assert r.status_code == 201, r.json
    doc = r.json
    assert doc["id"].startswith("wat_") and doc["secret"].startswith("whsec_")
    assert doc["feed_url"] == f"https://registry.example.cn/feeds/watches/{doc['id']}.atom"
    assert client.get(doc["feed_url"].removeprefix("https://registry.example.cn")).status_code == 200
    auth = {"Authorization": f"Bearer {doc['secret']}"}
    shown = client.get(f"/api/v1/watches/{doc['id']}", headers=auth).json
    assert (shown["numbers"], shown["credit_codes"], shown["status"]) == (["HAC-1", "HAC-2"], [CODE], "active")
    assert client.delete(f"/api/v1/watches/{doc['id']}").status_code == 401
    wrong = client.delete(f"/api/v1/watches/{doc['id']}", headers={"Authorization": "Bearer whsec_AAAA"})
    assert wrong.status_code == 401 and wrong.mimetype == "application/problem+json"
    assert client.delete(f"/api/v1/watches/{doc['id']}", headers=auth).status_code == 204
    assert client.get(f"/api/v1/watches/{doc['id']}", headers=auth).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://example.com/hook"},
        {"url": "https://example.com/hook", "numbers": ["X"]},
        {"url": "https://example.com/hook", "credit_codes": ["911101050000000000"]},
        {"url": "https://example.com/hook", "numbers": [f"N-{i:05d}" for i in range(1001)]},
        {"url": "https://example.com/hook", "numbers": [f"N-{i:05d}" for i in range(600)], "credit_codes": [CODE] * 1}
        | {"credit_codes": [credit_code(Random(i), "110105") for i in range(401)]},
        {"numbers": ["HAC-1"]},
        {"url": "not a url", "numbers": ["HAC-1"]},
        {"url": "ftp://example.com/x", "numbers": ["HAC-1"]},
        {"url": "https://example.com/hook", "numbers": "HAC-1"},
        {"url": "https://example.com/hook", "numbers": ["HAC-1"], "extra": 1},
        {"url": "https://example.com:99999/hook", "numbers": ["HAC-1"]},
    ],
)
def test_bad_watches_are_422_problems(client, body):
    r = client.post("/api/v1/watches", json=body)
    assert r.status_code == 422 and r.mimetype == "application/problem+json", r.json
    assert r.json["errors"]


def test_a_nul_in_a_watch_is_refused_at_the_edge(client):
    # Like every POST body with a NUL or an unpaired surrogate (docs/security.md): a 400 problem.
    r = client.post("/api/v1/watches", json={"url": "https://exa\u0000mple.com/hook", "numbers": ["HAC-1"]})
    assert r.status_code == 400 and r.mimetype == "application/problem+json", r.json


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://127.0.0.1/hook", "127.0.0.1"),
        ("https://10.0.0.1/hook", "10.0.0.1"),
        ("https://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("https://[::1]/hook", "::1"),
        ("https://localhost:8443/hook", "127.0.0.1"),
        ("https://192.168.1.20/hook", "192.168.1.20"),
        ("https://[::ffff:127.0.0.1]/hook", "127.0.0.1"),
        ("http://8.8.8.8/hook", "https"),
        ("https://user:pw@8.8.8.8/hook", "password"),
    ],
)
def test_callbacks_to_private_addresses_are_refused(client, url, said):
    r = client.post("/api/v1/watches", json={"url": url, "numbers": ["HAC-1"]})
    assert r.status_code == 422, r.json
    problem = r.json["errors"][0]
    assert problem["field"] == "url" and said in problem["message"]


def test_listed_hosts_may_use_http_and_private_addresses(client, allow_local):
    assert (
        client.post("/api/v1/watches", json={"url": "http://127.0.0.1:8125/", "numbers": ["HAC-1"]}).status_code == 201
    )
    assert client.post("/api/v1/watches", json={"url": "http://10.0.0.1/", "numbers": ["HAC-1"]}).status_code == 422
