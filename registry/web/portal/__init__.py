"""The certification bodies' portal: staff sign in, then publish and change their own certificates.

Every write goes through the same services as the API (certificates.service.Register, the
importer, bodies.service) with the signed-in user's e-mail as the event's actor.
Staff also see the public's reports about their body's certificates (`reports.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import LoginManager, current_user, login_required, logout_user
from werkzeug.wrappers import Response

from registry.accounts.models import User
from registry.accounts.service import needs_totp_enrolment
from registry.certificates.service import Actor
from registry.db import get_session
from registry.web.i18n import current_lang

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("portal", __name__, url_prefix="/portal")

# Pages a user who must first change the password or enrol a second factor may still open.
OPEN_WHILE_PENDING = {
    "portal.login",
    "portal.login_code",
    "portal.logout",
    "portal.account",
    "portal.change_password",
    "portal.totp_enrol",
    "portal.totp_confirm",
    "portal.totp_qr",
}
SEEN_KEY = "portal_seen"


def init_app(app: Flask) -> None:
    """Sessions through Flask-Login; cookies HttpOnly, SameSite=Lax, Secure when the site is https."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["BASE_URL"].startswith("https://"),
    )
    manager = LoginManager()
    # Templates get the lazy `current_user` proxy: Flask-Login's own context processor loads the
    # user for every page rendered, the public pages included, which never show who is signed in.
    manager.init_app(app, add_context_processor=False)
    app.context_processor(lambda: {"current_user": current_user})
    manager.login_view = "portal.login"
    manager.login_message = lazy_gettext("Please sign in to continue.")
    manager.login_message_category = "info"
    manager.session_protection = "basic"
    manager.user_loader(load_user)
    manager.unauthorized_handler(_to_login)
    from registry.web.portal import account, admin, auth, certificates, reports, uploads  # noqa: F401  (routes)

    app.register_blueprint(bp)


def load_user(user_id: str) -> User | None:
    """The user of a session: `<id>:<session version>`; an old version is signed out."""
    ident, _sep, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = get_session().get(User, int(ident))
    if user is None or user.session_version != int(version) or user.disabled_at is not None:
        return None
    return user


def _to_login() -> Response:
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("portal.login", next=request.full_path.rstrip("?"), lang=current_lang()))


def safe_next(target: str | None) -> str | None:
    """A post-sign-in destination only when it is a portal path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/portal") or target.startswith("//"):
        return None
    return target


@bp.before_request
def _idle_timeout_and_pending_steps() -> Response | None:
    if not current_user.is_authenticated:
        return None
    now = dt.datetime.now(dt.UTC).timestamp()
    idle = current_app.config["SETTINGS"].session_idle_minutes * 60
    seen = session.get(SEEN_KEY)
    if seen is None or now - float(seen) > idle:
        logout_user()
        session.clear()
        g.pop("csrf_token", None)
        flash(_("Your session expired after a period of inactivity. Please sign in again."), "info")
        return redirect(url_for("portal.login", next=request.full_path.rstrip("?"), lang=current_lang()))
    if now - float(seen) > 30:
        session[SEEN_KEY] = now
    if request.endpoint in OPEN_WHILE_PENDING:
        return None
    user = me()
    if user.must_change_password:
        return redirect(url_for("portal.change_password", lang=current_lang()))
    if needs_totp_enrolment(user):
        return redirect(url_for("portal.totp_enrol", lang=current_lang()))
    return None


@bp.after_request
def _never_cache(response: Response) -> Response:
    # Portal pages show a body's own data (and keys, once): no shared or back-button cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def mark_seen() -> None:
    session[SEEN_KEY] = dt.datetime.now(dt.UTC).timestamp()


def staff_required(view: F) -> F:
    """Signed-in staff of a body (the one place the portal checks sign-in)."""
    return login_required(view)  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Signed-in admins of a body; clerks get 403."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def me() -> User:
    """The signed-in user (the object itself, not Flask-Login's proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def actor() -> Actor:
    """The signed-in user as an event's actor: their e-mail, and the request's id."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    return Actor(me().email, g.request_id)


def lurl(endpoint: str, **values: Any) -> str:
    """url_for in the page's language."""
    return url_for(endpoint, lang=current_lang(), **values)
