"""What admins manage in the portal (API keys, users, contact details), and what clerks may not."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from registry.accounts.models import User
from registry.bodies.service import issue_key
from registry.db import commit
from tests.conftest import certificate_input
from tests.portal.conftest import browser, csrf_of, login


@pytest.mark.parametrize("path", ["/portal/keys", "/portal/users", "/portal/body"])
def test_clerks_get_403_on_admin_pages(clerk_client, path):
    assert clerk_client.get(f"{path}?lang=en").status_code == 403
    token = csrf_of(clerk_client, "/portal/?lang=en")
    assert clerk_client.post(f"{path}?lang=en", data={"csrf_token": token}).status_code == 403


def test_an_admin_issues_a_key_shown_once_that_publishes_then_revokes_it(admin, admin_client, minter):
    token = csrf_of(admin_client, "/portal/keys?lang=en")
    r = admin_client.post("/portal/keys?lang=en", data={"csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store"
    key = re.search(r'id="new-key">([^<]+)<', html).group(1)
    prefix = key.split(".")[0]
    listing = admin_client.get("/portal/keys?lang=en").get_data(as_text=True)
    assert prefix in listing and key not in listing and "never" in listing
    doc = json.loads(certificate_input().model_dump_json(exclude_none=True))
    api = admin_client.post("/api/v1/certificates", json=doc, headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 201
    assert "never" not in admin_client.get("/portal/keys?lang=en").get_data(as_text=True)
    revoked = admin_client.post(f"/portal/keys/{prefix}/revoke?lang=en", data={"csrf_token": token})
    assert revoked.status_code == 302
    again = admin_client.post("/api/v1/certificates", json=doc, headers={"Authorization": f"Bearer {key}"})
    assert again.status_code == 401


def test_an_admin_cannot_revoke_another_bodys_key(session, other_body, admin_client):
    row, _full = issue_key(session, other_body.code)
    commit(session)
    token = csrf_of(admin_client, "/portal/keys?lang=en")
    assert admin_client.post(f"/portal/keys/{row.prefix}/revoke?lang=en", data={"csrf_token": token}).status_code == 404
    session.expire_all()
    assert row.revoked_at is None


def test_an_admin_adds_a_clerk_who_signs_in_with_the_one_time_password(app, session, admin_client):
    token = csrf_of(admin_client, "/portal/users?lang=en")
    r = admin_client.post(
        "/portal/users?lang=en", data={"csrf_token": token, "email": "New@Body-One.cn", "role": "clerk"}
    )
    assert r.status_code == 201
    temporary = re.search(r'id="new-password">([^<]+)<', r.get_data(as_text=True)).group(1)
    newcomer = browser(app)
    assert login(newcomer, "new@body-one.cn", temporary).status_code == 302
    assert newcomer.get("/portal/?lang=en").headers["Location"].startswith("/portal/account/password")
    duplicate = admin_client.post(
        "/portal/users?lang=en", data={"csrf_token": token, "email": "new@body-one.cn", "role": "clerk"}
    )
    assert duplicate.status_code == 409 and "already exists" in duplicate.get_data(as_text=True)
    bad = admin_client.post(
        "/portal/users?lang=en", data={"csrf_token": token, "email": "not-an-address", "role": "boss"}
    )
    assert bad.status_code == 422 and "is not an e-mail address" in bad.get_data(as_text=True)


def test_an_admin_disables_resets_and_enables_a_clerk(app, session, clerk, admin, admin_client, clerk_client):
    token = csrf_of(admin_client, "/portal/users?lang=en")
    assert admin_client.post(f"/portal/users/{clerk.id}/disable?lang=en", data={"csrf_token": token}).status_code == 302
    assert clerk_client.get("/portal/?lang=en").status_code == 302
    assert login(browser(app), clerk.email).status_code == 401
    assert admin_client.post(f"/portal/users/{clerk.id}/enable?lang=en", data={"csrf_token": token}).status_code == 302
    reset = admin_client.post(f"/portal/users/{clerk.id}/reset?lang=en", data={"csrf_token": token})
    temporary = re.search(r'id="new-password">([^<]+)<', reset.get_data(as_text=True)).group(1)
    assert login(browser(app), clerk.email).status_code == 401
    assert login(browser(app), clerk.email, temporary).status_code == 302
    own = admin_client.post(f"/portal/users/{admin.id}/disable?lang=en", data={"csrf_token": token})
    assert own.status_code == 409


def test_an_admin_cannot_touch_another_bodys_users(session, other_body, admin_client):
    from tests.portal.conftest import make_user

    stranger, _ = make_user(session, other_body, "clerk@body-two.cn")
    token = csrf_of(admin_client, "/portal/users?lang=en")
    for action in ("disable", "reset", "enable"):
        r = admin_client.post(f"/portal/users/{stranger.id}/{action}?lang=en", data={"csrf_token": token})
        assert r.status_code == 404
    assert "clerk@body-two.cn" not in admin_client.get("/portal/users?lang=en").get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(User).where(User.email == "clerk@body-two.cn")).disabled_at is None


def test_contact_details_are_checked_saved_and_published(client, admin_client):
    token = csrf_of(admin_client, "/portal/body?lang=en")
    bad = admin_client.post(
        "/portal/body?lang=en", data={"csrf_token": token, "contact_email": "nope", "website": "ftp://x"}
    )
    assert bad.status_code == 422 and "contact_email" in bad.get_data(as_text=True)
    ok = admin_client.post(
        "/portal/body?lang=en",
        data={
            "csrf_token": token,
            "contact_email": "cert@body-one.cn",
            "contact_phone": "+86 10 1234 5678",
            "contact_address": "北京市朝阳区示例路1号",
            "website": "https://body-one.cn",
        },
    )
    assert ok.status_code == 302
    page = client.get("/for-bodies?lang=en").get_data(as_text=True)
    assert "cert@body-one.cn" in page and "+86 10 1234 5678" in page


def test_the_keys_page_shows_the_authorization_header_as_text(admin_client):
    for lang, placeholder in (("en", "&lt;key&gt;"), ("zh", "&lt;密钥&gt;")):
        html = admin_client.get(f"/portal/keys?lang={lang}").get_data(as_text=True)
        assert f"Bearer {placeholder}" in html and "Bearer <" not in html
