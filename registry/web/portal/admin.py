"""What a body's admins manage: API keys, users, contact details and the second-factor rule."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry.accounts.models import ROLES, User
from registry.accounts.passwords import current_passwords
from registry.accounts.service import create_user, list_users, reset_password, set_disabled
from registry.bodies.service import issue_key, list_keys, revoke_key, set_require_totp, update_contacts
from registry.db import get_session, rollback
from registry.errors import RegistryError, ValidationError
from registry.web.i18n import pick
from registry.web.portal import admin_required, bp, lurl, me


@bp.get("/keys")
@admin_required
def keys() -> ResponseReturnValue:
    return render_template("portal/keys.html", keys=list_keys(get_session(), me().body), new_key=None)


@bp.post("/keys")
@admin_required
def issue() -> ResponseReturnValue:
    db = get_session()
    _row, full = issue_key(db, me().body.code)
    # Shown once, in this response only (portal pages are never cached).
    return render_template("portal/keys.html", keys=list_keys(db, me().body), new_key=full), 201


@bp.post("/keys/<prefix>/revoke")
@admin_required
def revoke(prefix: str) -> ResponseReturnValue:
    db = get_session()
    key = revoke_key(db, prefix, body=me().body)
    flash(_("API key %(prefix)s has been revoked; it stops working at once.", prefix=key.prefix), "success")
    return redirect(lurl("portal.keys"))


def _users_page(**extra: object) -> str:
    values: dict[str, object] = {
        "users": list_users(get_session(), me().body),
        "roles": ROLES,
        "errors": [],
        "form": {},
        "new_password": None,
        "for_user": None,
    }
    values.update(extra)
    return render_template("portal/users.html", **values)


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    return _users_page()


@bp.post("/users")
@admin_required
def add_user() -> ResponseReturnValue:
    db = get_session()
    email, role = request.form.get("email", ""), request.form.get("role", "")
    try:
        user, temporary = create_user(db, current_passwords(), email, me().body, role)
    except ValidationError as exc:
        rollback(db)
        return _users_page(errors=exc.errors, form=request.form), 422
    except RegistryError as exc:
        rollback(db)
        return _users_page(message=pick(exc.detail_zh, exc.detail), form=request.form), exc.status
    return _users_page(new_password=temporary, for_user=user.email), 201


def _own_user(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None or user.body_id != me().body_id:
        abort(404)
    return user


@bp.post("/users/<int:user_id>/<action>")
@admin_required
def user_action(user_id: int, action: str) -> ResponseReturnValue:
    db = get_session()
    user = _own_user(user_id)
    if user.id == me().id:
        # Admins change their own password on the account page and cannot lock themselves out.
        return _users_page(message=_("You cannot do this to your own account.")), 409
    if action == "disable":
        set_disabled(db, user, True)
        flash(_("%(email)s can no longer sign in.", email=user.email), "success")
    elif action == "enable":
        set_disabled(db, user, False)
        flash(_("%(email)s can sign in again.", email=user.email), "success")
    elif action == "reset":
        temporary = reset_password(db, current_passwords(), user)
        return _users_page(new_password=temporary, for_user=user.email)
    else:
        abort(404)
    return redirect(lurl("portal.users"))


@bp.route("/body", methods=["GET", "POST"])
@admin_required
def body() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("portal/body.html", errors=[], form=None)
    db = get_session()
    try:
        update_contacts(
            db,
            me().body,
            **{k: request.form.get(k, "") for k in ("contact_email", "contact_phone", "contact_address", "website")},
        )
        set_require_totp(db, me().body, request.form.get("require_totp") == "on")
    except ValidationError as exc:
        rollback(db)
        return render_template("portal/body.html", errors=exc.errors, form=request.form), 422
    flash(_("The contact details have been saved."), "success")
    return redirect(lurl("portal.body"))
