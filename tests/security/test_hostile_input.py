"""Hostile input answers 4xx problems, never 500: deep JSON, NUL, lone surrogates, odd keys, big bodies."""

import io

import pytest

from registry.bodies.service import issue_key
from registry.db import commit
from tests.conftest import issue

POST_ENDPOINTS = [
    "/api/v1/verify",
    "/api/v1/receipts/verify",
    "/api/v1/certificates",
    "/api/v1/certificates/TST-0001/events",
]


@pytest.fixture
def key(session, body, minter):
    _row, full = issue_key(session, body.code)
    commit(session)
    return {"Authorization": f"Bearer {full}"}


def post_raw(client, path, raw, headers=None):
    return client.post(path, data=raw, content_type="application/json", headers=headers or {})


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_deeply_nested_json_is_a_400_problem(client, key, path, depth):
    r = post_raw(client, path, "[" * depth + "]" * depth, key)
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    assert "nests deeper than 64" in r.json["detail"]


def test_json_within_the_depth_limit_is_read_as_usual(client, key):
    nested = '{"items": [' + "[" * 60 + "]" * 60 + "]}"
    r = post_raw(client, "/api/v1/verify", nested)
    assert r.status_code == 422  # a list where a string belongs: an ordinary validation answer


@pytest.mark.parametrize(
    "raw",
    [
        '{"items": ["\\ud800"]}',
        '{"items": ["ZHQ-\\udfff-1"]}',
        '{"items": ["A\\u0000B"]}',
        '{"items": ["A-0001"], "\\ud83d": 1}',
    ],
)
def test_lone_surrogates_and_nul_in_verify_items_are_400(client, raw):
    r = post_raw(client, "/api/v1/verify", raw)
    assert r.status_code == 400 and "NUL" in r.json["detail"]


def test_lone_surrogate_or_nul_in_a_reason_is_400_and_writes_nothing(client, session, body, minter, key):
    cert = issue(session, body, minter)
    for reason in ("\\ud800", "bad\\u0000reason"):
        r = post_raw(
            client, f"/api/v1/certificates/{cert.number}/events", f'{{"type": "suspend", "reason": "{reason}"}}', key
        )
        assert r.status_code == 400, r.json
    assert client.get(f"/api/v1/certificates/{cert.number}").json["status"] == "valid"


def test_a_real_emoji_pair_is_fine(client):
    r = client.post("/api/v1/verify", json={"items": ["\U0001f600"]})
    assert r.status_code in (200, 503)  # 503 only when no signing key exists for the receipt


@pytest.mark.parametrize("secret", ["scr_abcd.sécret", "scr_abcd.密钥", "scr_ab\u00e9.x"])
def test_non_ascii_api_keys_are_401(client, body, secret):
    r = client.post(
        "/api/v1/certificates",
        json={"number": "X-0001"},
        headers={"Authorization": "Bearer " + secret.encode("utf-8").decode("latin-1")},
    )
    assert r.status_code == 401 and r.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path",
    ["/certificates/A%00B", "/api/v1/certificates/A%00B", "/api/v1/certificates/A%00B/history", "/v/A%00B"],
)
def test_nul_in_a_path_is_400(client, path):
    r = client.get(path)
    assert r.status_code == 400


def test_nul_in_a_form_field_is_400(client):
    with client:
        client.get("/verify")
        from flask_wtf.csrf import generate_csrf

        token = generate_csrf()
        r = client.post("/verify", data={"items": "A\x00B", "csrf_token": token})
    assert r.status_code == 400 and r.mimetype == "text/html"


def test_a_body_over_the_limit_is_413_even_when_chunked(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    big = b'{"items": ["' + b"A" * (limit + 10) + b'"]}'
    sized = client.post("/api/v1/verify", data=big, content_type="application/json")
    assert sized.status_code == 413 and sized.mimetype == "application/problem+json"
    chunked = client.post(
        "/api/v1/verify",
        input_stream=io.BytesIO(big),
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert chunked.status_code == 413 and chunked.mimetype == "application/problem+json"
