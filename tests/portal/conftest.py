"""Portal fixtures: staff accounts of two bodies and a signed-in client."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from registry.accounts.passwords import current_passwords
from registry.accounts.service import create_user
from registry.bodies.service import create_body
from registry.db import commit

PASSWORD = "a-long-password-1"


def csrf_of(client, path: str = "/portal/login?lang=en") -> str:  # type: ignore[no-untyped-def]
    """The CSRF token of `client`'s session, from a form page."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


class Browser(FlaskClient):
    """A client whose every request runs in its own app context, as in production.

    The test's own app context (the `session` fixture) would otherwise be shared by every
    request, and with it `g`, where Flask-Login and Flask-WTF keep the request's user and token.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


def browser(app) -> Browser:  # type: ignore[no-untyped-def]
    return Browser(app, app.response_class, use_cookies=True)


def login(client, email: str, password: str = PASSWORD, lang: str = "en"):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/portal/login?lang={lang}")
    return client.post(f"/portal/login?lang={lang}", data={"csrf_token": token, "email": email, "password": password})


def make_user(session, body, email: str, role: str = "clerk", password: str | None = PASSWORD):  # type: ignore[no-untyped-def]
    user, temporary = create_user(session, current_passwords(), email, body, role, password)
    commit(session)
    return user, temporary


@pytest.fixture
def client(app) -> Browser:  # type: ignore[no-untyped-def]
    return browser(app)


@pytest.fixture
def other_body(session):  # type: ignore[no-untyped-def]
    b = create_body(session, "CNCA-R-2099-002", "另一认证中心", "Other Certification Centre")
    commit(session)
    return b


@pytest.fixture
def clerk(session, body):  # type: ignore[no-untyped-def]
    return make_user(session, body, "clerk@body-one.cn")[0]


@pytest.fixture
def admin(session, body):  # type: ignore[no-untyped-def]
    return make_user(session, body, "admin@body-one.cn", "admin")[0]


@pytest.fixture
def clerk_client(app, clerk):  # type: ignore[no-untyped-def]
    client = browser(app)
    assert login(client, clerk.email).status_code == 302
    return client


@pytest.fixture
def admin_client(app, admin):  # type: ignore[no-untyped-def]
    client = browser(app)
    assert login(client, admin.email).status_code == 302
    return client
