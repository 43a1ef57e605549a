"""Browser security headers on every answer, cookies, redirects from the base URL, CSV cells, CSRF."""

import re
import time

import pytest

from registry import create_app
from registry.db import commit
from tests.conftest import issue

PAGES = ["/", "/search?q=北京", "/bodies", "/schemes", "/stats", "/verify", "/?lang=en", "/no-such-page"]


@pytest.fixture
def cert(session, body, minter):
    c = issue(session, body, minter)
    commit(session)
    return c


def every_path(cert):
    return [
        *PAGES,
        f"/certificates/{cert.number}",
        f"/v/{cert.token}",
        f"/certificates/{cert.number}/mark.svg",
        f"/certificates/{cert.number}/mark.png",
        "/static/site.css",
        "/healthz",
        f"/api/v1/certificates/{cert.number}",
        "/api/v1/certificates?q=x",
        "/.well-known/jwks.json",
    ]


def test_every_answer_carries_the_security_headers(client, cert):
    for path in every_path(cert):
        r = client.get(path)
        assert r.status_code in (200, 404), path
        h = r.headers
        csp = h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, path
        if r.mimetype != "image/svg+xml":
            assert csp.startswith("default-src 'self'") and "object-src 'none'" in csp and "base-uri 'none'" in csp
            assert "unsafe-inline" not in csp
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Referrer-Policy"] == "same-origin", path
        assert "camera=(self)" in h["Permissions-Policy"], path
        assert h["Strict-Transport-Security"].startswith("max-age="), path
        assert "Retry-After" not in h, path


def test_no_page_needs_inline_script_or_style(client, cert):
    for path in [*PAGES, f"/certificates/{cert.number}", f"/v/{cert.token}", "/verify?lang=en"]:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\sstyle\s*=|<style", html), path
        assert not re.search(r"\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


def test_no_hsts_on_a_plain_http_registry(app_config):
    app = create_app({**app_config, "base_url": "http://localhost:8000"})
    r = app.test_client().get("/healthz")
    assert "Strict-Transport-Security" not in r.headers
    r = app.test_client().get("/verify")
    assert "Secure" not in r.headers.get("Set-Cookie", "")


def test_session_cookie_is_secure_and_same_site(client):
    cookie = client.get("/verify").headers["Set-Cookie"]
    assert "Secure" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie


def test_redirects_are_built_from_the_base_url_not_the_host_header(client, cert):
    r = client.get(f"/v//{cert.token}", headers={"Host": "evil.example"})
    assert r.status_code in (301, 308)
    assert r.headers["Location"].startswith("https://registry.example.cn/v/")
    r = client.get("/search?q=" + cert.number, headers={"Host": "evil.example"})
    assert r.status_code == 302 and "evil.example" not in r.headers["Location"]


def csrf_token(client, path="/verify"):
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_the_verify_form_still_works_after_a_working_day(client, cert, monkeypatch):
    token = csrf_token(client)
    later = time.time() + 13 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    r = client.post("/verify", data={"items": cert.number, "csrf_token": token})
    assert r.status_code == 200 and cert.number in r.get_data(as_text=True)


def test_the_verify_form_works_behind_an_https_proxy_without_a_referer(app_config, cert):
    app = create_app({**app_config, "trusted_proxies": 1})
    client = app.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    html = client.get("/verify", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)
    r = client.post("/verify", data={"items": cert.number, "csrf_token": token}, headers=headers)
    assert r.status_code == 200 and cert.number in r.get_data(as_text=True)


def test_a_form_sent_from_another_site_is_refused(client, cert):
    token = csrf_token(client)
    r = client.post(
        "/verify", data={"items": cert.number, "csrf_token": token}, headers={"Origin": "https://evil.example"}
    )
    assert r.status_code == 400


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(client, cert):
    token = csrf_token(client)
    items = "\n".join(["=1+1", "+1", "-1", "@SUM(A1)", cert.number])
    page = client.post("/verify", data={"items": items, "csrf_token": token}).get_data(as_text=True)
    receipt = re.search(r'name="receipt" value="([^"]+)"', page).group(1)
    csv_text = client.post("/verify/results.csv", data={"receipt": receipt, "csrf_token": token}).get_data(as_text=True)
    lines = csv_text.splitlines()[1:]
    assert len(lines) == 5
    for line in lines:
        assert line[:1] not in ("=", "+", "-", "@"), line


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@A", "\t=1", "\r=1"])
def test_every_formula_lead_in_is_neutralised(text):
    from registry.porting.cells import safe_cell

    assert safe_cell(text) == "'" + text
