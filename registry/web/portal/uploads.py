"""Uploads of issuances (CSV or XLSX): a preview that writes nothing, then an all-or-nothing publish."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import RequestEntityTooLarge

from registry.certificates.service import check_may_publish
from registry.db import get_session, rollback
from registry.errors import Forbidden
from registry.porting.uploads import UnreadableUpload, check_upload, keep, pending
from registry.signing.service import current_minter
from registry.web.errors import html_error_page
from registry.web.i18n import pick
from registry.web.portal import actor, bp, lurl, me, staff_required


def _form(error: str | None, status: int = 200) -> ResponseReturnValue:
    return render_template("portal/upload.html", error=error), status


@bp.get("/upload")
@staff_required
def upload() -> ResponseReturnValue:
    return _form(None)


@bp.post("/upload")
@staff_required
def preview() -> ResponseReturnValue:
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _too_large()
    if upload is None or not upload.filename:
        return _form(_("Choose a CSV or XLSX file to upload."), 400)
    data = upload.read()
    db = get_session()
    body = me().body
    try:
        # No signing and no writes: every row goes through the register's checks only.
        result = check_upload(db, data, body, actor=actor(), minter=None, check_only=True)
    except UnreadableUpload as exc:
        rollback(db)
        return _form(pick(exc.detail_zh, exc.detail), 422)
    rollback(db)
    token = None
    if result.ok:
        token = keep(db, data, upload.filename, result.kind, result.report.rows, me().body, me().id)
    return render_template(
        "portal/preview.html", result=result, token=token, filename=upload.filename
    ), 200 if result.ok else 422


@bp.post("/upload/<token>/publish")
@staff_required
def publish(token: str) -> ResponseReturnValue:
    db = get_session()
    body = me().body
    stored = pending(db, token, body)
    filename, data = stored.filename, stored.content
    try:
        check_may_publish(body)
    except Forbidden as exc:
        return _form(pick(exc.detail_zh, exc.detail), 403)
    # The register may have changed since the preview: every row is checked again while writing.
    result = check_upload(db, data, body, actor=actor(), minter=current_minter(), check_only=False)
    if not result.ok:
        rollback(db)
        return render_template("portal/preview.html", result=result, token=None, filename=filename), 409
    db.delete(stored)
    flash(
        _(
            "Published: %(created)s certificates issued, %(unchanged)s already registered and unchanged.",
            created=result.report.created,
            unchanged=result.report.unchanged,
        ),
        "success",
    )
    return redirect(lurl("portal.certificates"))


def _too_large() -> ResponseReturnValue:
    return _form(_("The file is too large: upload at most 8 MB, or split it into several files."), 413)


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(_exc: RequestEntityTooLarge) -> ResponseReturnValue:
    # The body is refused while the CSRF check reads the form, before the view runs.
    if request.endpoint == "portal.preview" and me().is_authenticated:
        return _too_large()
    return html_error_page(413, "The request is too large.", "请求内容过大。")
