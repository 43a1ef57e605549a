"""`flask --app registry users ...`."""

from __future__ import annotations

from registry.accounts.service import find_user
from tests.portal.conftest import browser, login


def test_create_prints_a_one_time_password_that_works_once_changed(app, runner, session, body):
    r = runner.invoke(args=["users", "create", "Boss@Body-One.cn", "--body", body.code, "--role", "admin"])
    assert r.exit_code == 0, r.output
    temporary = r.stdout.strip().splitlines()[-1]
    user = find_user(session, "boss@body-one.cn")
    assert user.role == "admin" and user.must_change_password
    assert user.password_hash.startswith("$argon2id$")
    client = browser(app)
    assert login(client, "boss@body-one.cn", temporary).status_code == 302
    assert client.get("/portal/?lang=en").headers["Location"].startswith("/portal/account/password")


def test_create_with_password_stdin(runner, session, body):
    r = runner.invoke(
        args=["users", "create", "clerk@body-one.cn", "--body", body.code, "--role", "clerk", "--password-stdin"],
        input="a-long-password-1\n",
    )
    assert r.exit_code == 0 and "a-long-password-1" not in r.output
    assert not find_user(session, "clerk@body-one.cn").must_change_password
    short = runner.invoke(
        args=["users", "create", "c2@body-one.cn", "--body", body.code, "--role", "clerk", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_bad_input_is_explained(runner, body):
    assert (
        "is not an e-mail address"
        in runner.invoke(args=["users", "create", "nope", "--body", body.code, "--role", "clerk"]).output
    )
    assert (
        "no certification body"
        in runner.invoke(args=["users", "create", "a@b.cn", "--body", "NOPE-1", "--role", "clerk"]).output
    )
    runner.invoke(args=["users", "create", "a@b.cn", "--body", body.code, "--role", "clerk"])
    again = runner.invoke(args=["users", "create", "a@b.cn", "--body", body.code, "--role", "clerk"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_list_disable_and_reset_password(app, runner, session, body):
    runner.invoke(
        args=["users", "create", "clerk@body-one.cn", "--body", body.code, "--role", "clerk", "--password-stdin"],
        input="a-long-password-1\n",
    )
    listing = runner.invoke(args=["users", "list"]).output
    assert "clerk@body-one.cn\tCNCA-R-2099-001\tclerk\tactive\t-\tnever" in listing
    assert runner.invoke(args=["users", "disable", "clerk@body-one.cn"]).exit_code == 0
    assert "\tdisabled\t" in runner.invoke(args=["users", "list", "--body", body.code]).output
    assert login(browser(app), "clerk@body-one.cn").status_code == 401
    runner.invoke(args=["users", "enable", "clerk@body-one.cn"])
    reset = runner.invoke(args=["users", "reset-password", "clerk@body-one.cn"])
    temporary = reset.stdout.strip().splitlines()[-1]
    assert login(browser(app), "clerk@body-one.cn").status_code == 401
    assert login(browser(app), "clerk@body-one.cn", temporary).status_code == 302
    assert "no user" in runner.invoke(args=["users", "disable", "ghost@body-one.cn"]).output
