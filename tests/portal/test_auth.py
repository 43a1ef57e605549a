"""Signing in and out of the portal: passwords, lockout, sessions, CSRF, second factor."""

from __future__ import annotations

import datetime as dt
import time

import pyotp
from sqlalchemy import select

from registry.accounts.models import LoginFailure
from registry.db import commit
from tests.portal.conftest import PASSWORD, browser, csrf_of, login, make_user


def test_the_portal_needs_a_sign_in(client):
    r = client.get("/portal/?lang=en")
    assert r.status_code == 302 and r.headers["Location"].startswith("/portal/login?next=")


def test_sign_in_then_out(client, clerk):
    r = login(client, clerk.email)
    assert r.status_code == 302 and r.headers["Location"] == "/portal/?lang=en"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    page = client.get("/portal/?lang=en")
    assert page.status_code == 200 and "clerk@body-one.cn" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    token = csrf_of(client, "/portal/?lang=en")
    out = client.post("/portal/logout?lang=en", data={"csrf_token": token})
    assert out.status_code == 302
    assert client.get("/portal/?lang=en").status_code == 302


def test_sign_in_is_case_insensitive_on_the_address(client, clerk):
    assert login(client, "Clerk@Body-One.CN").status_code == 302


def test_a_wrong_password_is_refused_in_the_readers_language(client, clerk):
    en = login(client, clerk.email, "not-the-password")
    assert en.status_code == 401 and "Wrong e-mail address or password." in en.get_data(as_text=True)
    zh = login(client, clerk.email, "not-the-password", lang="zh")
    assert zh.status_code == 401 and "电子邮箱或密码不正确" in zh.get_data(as_text=True)
    unknown = login(client, "nobody@body-one.cn", "whatever-password")
    assert unknown.status_code == 401 and "Wrong e-mail address or password." in unknown.get_data(as_text=True)


def test_ten_failures_lock_the_account_for_fifteen_minutes(client, session, clerk):
    for _ in range(10):
        assert login(client, clerk.email, "wrong-password").status_code == 401
    locked = login(client, clerk.email)
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.get_data(as_text=True)
    assert int(locked.headers["Retry-After"]) <= 15 * 60
    zh = login(client, clerk.email, lang="zh")
    assert "登录失败次数过多" in zh.get_data(as_text=True)
    # Fifteen minutes later the right password works again.
    for failure in session.scalars(select(LoginFailure)):
        failure.failed_at -= dt.timedelta(minutes=16)
    commit(session)
    assert login(client, clerk.email).status_code == 302


def test_ten_failures_from_one_client_lock_that_client_for_every_account(app, session, body, clerk):
    attacker = browser(app)
    for i in range(10):
        assert login(attacker, f"guess{i}@body-one.cn", "wrong-password").status_code == 401
    assert login(attacker, clerk.email).status_code == 429
    elsewhere = browser(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert login(elsewhere, clerk.email).status_code == 302


def test_a_success_resets_the_account_count(client, clerk):
    for _ in range(9):
        login(client, clerk.email, "wrong-password")
    assert login(client, clerk.email).status_code == 302
    client.post("/portal/logout", data={"csrf_token": csrf_of(client, "/portal/?lang=en")})
    other = browser(client.application)
    other.environ_base["REMOTE_ADDR"] = "203.0.113.10"
    assert login(other, clerk.email, "wrong-password").status_code == 401
    assert login(other, clerk.email).status_code == 302


def test_forms_need_the_csrf_token(client, clerk):
    r = client.post("/portal/login?lang=en", data={"email": clerk.email, "password": PASSWORD})
    assert r.status_code == 400 and "This form has expired" in r.get_data(as_text=True)
    zh = client.post("/portal/login?lang=zh", data={"email": clerk.email, "password": PASSWORD})
    assert zh.status_code == 400 and "此表单已过期" in zh.get_data(as_text=True)


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(app, session, clerk, clerk_client):
    from registry.accounts.service import set_disabled

    set_disabled(session, clerk, True)
    commit(session)
    assert clerk_client.get("/portal/?lang=en").status_code == 302
    r = login(browser(app), clerk.email)
    assert r.status_code == 401 and "This account is disabled." in r.get_data(as_text=True)


def test_an_idle_session_expires(app, clerk_client):
    with clerk_client.session_transaction() as s:
        s["portal_seen"] = time.time() - 31 * 60
    r = clerk_client.get("/portal/?lang=en")
    assert r.status_code == 302 and r.headers["Location"].startswith("/portal/login")
    page = clerk_client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Your session expired after a period of inactivity" in page


def test_a_one_time_password_must_be_changed_first(app, session, body):
    user, temporary = make_user(session, body, "new@body-one.cn", password=None)
    client = browser(app)
    assert login(client, user.email, temporary).status_code == 302
    r = client.get("/portal/?lang=en")
    assert r.status_code == 302 and r.headers["Location"].startswith("/portal/account/password")
    token = csrf_of(client, "/portal/account/password?lang=en")
    short = client.post(
        "/portal/account/password?lang=en",
        data={"csrf_token": token, "current_password": temporary, "password": "short", "password_again": "short"},
    )
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    ok = client.post(
        "/portal/account/password?lang=en",
        data={"csrf_token": token, "current_password": temporary, "password": PASSWORD, "password_again": PASSWORD},
    )
    assert ok.status_code == 302
    assert client.get("/portal/?lang=en").status_code == 200
    assert login(browser(app), user.email, temporary).status_code == 401


def test_no_redirect_off_the_portal_after_sign_in(client, clerk):
    token = csrf_of(client)
    r = client.post(
        "/portal/login?lang=en",
        data={"csrf_token": token, "email": clerk.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert r.headers["Location"] == "/portal/?lang=en"


def _enrol(client) -> str:  # type: ignore[no-untyped-def]
    page = client.get("/portal/account/totp?lang=en").get_data(as_text=True)
    import re

    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    qr = client.get("/portal/account/totp/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    token = csrf_of(client, "/portal/account/totp?lang=en")
    wrong = client.post("/portal/account/totp?lang=en", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 422
    r = client.post("/portal/account/totp?lang=en", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert r.status_code == 302
    return secret


def test_totp_enrolment_then_sign_in_needs_the_code(app, clerk, clerk_client):
    secret = _enrol(clerk_client)
    client = browser(app)
    r = login(client, clerk.email)
    assert r.status_code == 302 and r.headers["Location"].startswith("/portal/login/code")
    assert client.get("/portal/?lang=en").status_code == 302
    token = csrf_of(client, "/portal/login/code?lang=en")
    bad = client.post("/portal/login/code?lang=en", data={"csrf_token": token, "code": "123456"})
    assert bad.status_code == 401 and "That code is not correct." in bad.get_data(as_text=True)
    # The code accepted at enrolment cannot be used again; the next time step's code works.
    step = int(time.time() // 30) + 1
    code = pyotp.TOTP(secret).generate_otp(step)
    ok = client.post("/portal/login/code?lang=en", data={"csrf_token": token, "code": code})
    assert ok.status_code == 302 and ok.headers["Location"] == "/portal/?lang=en"
    assert client.get("/portal/?lang=en").status_code == 200


def test_a_body_can_require_totp(app, session, body, admin_client, clerk):
    token = csrf_of(admin_client, "/portal/body?lang=en")
    r = admin_client.post("/portal/body?lang=en", data={"csrf_token": token, "require_totp": "on"})
    assert r.status_code == 302
    client = browser(app)
    login(client, clerk.email)
    r = client.get("/portal/?lang=en")
    assert r.status_code == 302 and r.headers["Location"].startswith("/portal/account/totp")
    _enrol(client)
    assert client.get("/portal/?lang=en").status_code == 200
