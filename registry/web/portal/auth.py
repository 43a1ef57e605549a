"""Signing in (password, then a TOTP code when enrolled) and out."""

from __future__ import annotations

import datetime as dt

from flask import flash, g, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from registry.accounts import lockout
from registry.accounts.models import User
from registry.accounts.passwords import current_passwords
from registry.accounts.service import Locked, authenticate, check_second_factor, record_sign_in
from registry.db import get_session, keep_work
from registry.web.i18n import pick
from registry.web.portal import bp, lurl, mark_seen, safe_next

PENDING_KEY = "portal_pending"
# The code must follow the password within this time.
PENDING_FOR = dt.timedelta(minutes=5)


def _client() -> str:
    return request.remote_addr or "unknown"


def _clear_session() -> None:
    session.clear()
    # The CSRF token this request already made belonged to the old session.
    g.pop("csrf_token", None)


def _start_session(user: User, target: str | None) -> ResponseReturnValue:
    # A fresh session at sign-in: nothing from before (a planted cookie included) carries over.
    _clear_session()
    login_user(user)
    mark_seen()
    record_sign_in(get_session(), user)
    return redirect(safe_next(target) or lurl("portal.certificates"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(lurl("portal.certificates"))
        return render_template("portal/login.html", error=None, email="", next=request.args.get("next", ""))
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    target = request.form.get("next") or None
    db = get_session()
    result = authenticate(db, current_passwords(), email, password, _client())
    # Failures are counted even though the sign-in fails.
    keep_work(db)
    if result.refused is not None or result.user is None:
        exc = result.refused
        message = pick(exc.detail_zh, exc.detail) if exc is not None else _("Sign-in failed.")
        headers = {"Retry-After": str(exc.minutes * 60)} if isinstance(exc, Locked) else {}
        status = exc.status if exc is not None else 401
        return render_template("portal/login.html", error=message, email=email, next=target or ""), status, headers
    user = result.user
    if user.totp_enabled:
        session[PENDING_KEY] = {
            "user": user.id,
            "version": user.session_version,
            "at": dt.datetime.now(dt.UTC).timestamp(),
            "next": target,
        }
        return redirect(lurl("portal.login_code"))
    return _start_session(user, target)


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if dt.datetime.now(dt.UTC).timestamp() - float(pending.get("at", 0)) > PENDING_FOR.total_seconds():
        return None
    user = get_session().get(User, int(pending.get("user", 0)))
    if user is None or user.session_version != pending.get("version") or user.disabled_at is not None:
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
def login_code() -> ResponseReturnValue:
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please sign in again."), "info")
        return redirect(lurl("portal.login"))
    if request.method == "GET":
        return render_template("portal/login_code.html", error=None)
    db = get_session()
    for scope, key in (("account", user.email), ("client", _client())):
        until = lockout.locked_until(db, scope, key)
        if until is not None:
            exc = Locked(until)
            return render_template("portal/login_code.html", error=pick(exc.detail_zh, exc.detail)), 429
    if not check_second_factor(db, user, request.form.get("code", "")):
        # A wrong code counts like a wrong password: the same lockout applies.
        lockout.record_failure(db, "account", user.email)
        lockout.record_failure(db, "client", _client())
        keep_work(db)
        return render_template("portal/login_code.html", error=_("That code is not correct.")), 401
    target = session.get(PENDING_KEY, {}).get("next")
    return _start_session(user, target)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    _clear_session()
    flash(_("You have signed out."), "info")
    return redirect(lurl("portal.login"))
