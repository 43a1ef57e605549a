"""The signed-in user's own account: password and second factor."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Response, flash, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_user

from registry.accounts import totp
from registry.accounts.passwords import current_passwords
from registry.accounts.service import change_password as change_password_service
from registry.accounts.service import check_second_factor, disable_totp, enable_totp, needs_totp_enrolment
from registry.db import get_session, rollback
from registry.errors import FieldError, RegistryError, ValidationError
from registry.web.i18n import pick
from registry.web.portal import bp, lurl, mark_seen, me, staff_required

TOTP_KEY = "portal_totp_secret"


@bp.get("/account")
@staff_required
def account() -> ResponseReturnValue:
    return render_template("portal/account.html", errors=[], error=None)


@bp.route("/account/password", methods=["GET", "POST"])
@staff_required
def change_password() -> ResponseReturnValue:
    user = me()
    if request.method == "GET":
        return render_template("portal/password.html", errors=[])
    db = get_session()
    new = request.form.get("password", "")
    try:
        if new != request.form.get("password_again", ""):
            raise ValidationError(
                [FieldError("password_again", "does not match the new password", "两次输入的新密码不一致")]
            )
        change_password_service(db, current_passwords(), user, request.form.get("current_password", ""), new)
    except ValidationError as exc:
        rollback(db)
        return render_template("portal/password.html", errors=exc.errors), 422
    # The change ended every session of this account; this one carries on under the new version.
    login_user(user)
    mark_seen()
    flash(_("Your password has been changed."), "success")
    if needs_totp_enrolment(user):
        return redirect(lurl("portal.totp_enrol"))
    return redirect(lurl("portal.certificates"))


@bp.get("/account/totp")
@staff_required
def totp_enrol() -> ResponseReturnValue:
    if me().totp_enabled:
        return redirect(lurl("portal.account"))
    secret = session.get(TOTP_KEY) or totp.new_secret()
    session[TOTP_KEY] = secret
    return render_template("portal/totp.html", secret=secret, error=None)


@bp.get("/account/totp/qr.svg")
@staff_required
def totp_qr() -> ResponseReturnValue:
    secret = session.get(TOTP_KEY)
    if not secret:
        return Response(status=404)
    image = qrcode.make(
        totp.provisioning_uri(secret, me().email),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=8,
        border=2,
    )
    out = io.BytesIO()
    image.save(out)
    return Response(out.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


@bp.post("/account/totp")
@staff_required
def totp_confirm() -> ResponseReturnValue:
    secret = session.get(TOTP_KEY)
    if not secret:
        return redirect(lurl("portal.totp_enrol"))
    db = get_session()
    try:
        enable_totp(db, me(), secret, request.form.get("code", ""))
    except ValidationError:
        rollback(db)
        return render_template("portal/totp.html", secret=secret, error=_("That code is not correct.")), 422
    session.pop(TOTP_KEY, None)
    flash(_("Two-step sign-in is on: you will be asked for a code from your app at every sign-in."), "success")
    return redirect(lurl("portal.account"))


@bp.post("/account/totp/disable")
@staff_required
def totp_disable() -> ResponseReturnValue:
    db = get_session()
    user = me()
    if not check_second_factor(db, user, request.form.get("code", "")):
        rollback(db)
        return render_template("portal/account.html", errors=[], error=_("That code is not correct.")), 422
    try:
        disable_totp(db, user)
    except RegistryError as exc:
        rollback(db)
        return render_template("portal/account.html", errors=[], error=pick(exc.detail_zh, exc.detail)), 409
    flash(_("Two-step sign-in is off."), "success")
    return redirect(lurl("portal.account"))
