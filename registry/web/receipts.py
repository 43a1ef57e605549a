"""Receipts people can read and file: `/r/<id>` (page), `/r/<id>.pdf` (A4 report), `/r/<id>.jws`,
and `/receipts`, where anyone pastes or uploads a receipt and sees it checked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry.certificates.validation import CHINA_TZ
from registry.db import get_session
from registry.errors import NotFound
from registry.signing.jwks import jwks_document
from registry.verification.receipts import ReceiptCheck, check_receipt, receipt_id
from registry.verification.report import ReportFacts, render_pdf
from registry.verification.service import receipt_url, stored_receipt
from registry.web.verify_page import decode_upload

bp = Blueprint("receipts", __name__)

MAX_RECEIPT_CHARS = 4_000_000


def _times(checked_at: str) -> tuple[str, str]:
    """(Beijing time, UTC) for a receipt's RFC 3339 `checked_at`."""
    try:
        moment = dt.datetime.fromisoformat(checked_at.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return checked_at, checked_at
    return (
        moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"),
        moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )


def _load(rid: str) -> tuple[str, str, ReceiptCheck]:
    """(id, receipt text, its check) for a stored receipt, or a friendly 404."""
    stored = stored_receipt(get_session(), rid.removesuffix(".jws").removesuffix(".pdf"))
    if stored is None:
        raise NotFound(
            "No receipt with this id is stored here. Check the link, or paste the receipt on the receipts page.",
            "本登记簿没有此编号的回执。请检查链接，或在回执核验页粘贴回执内容。",
        )
    check = check_receipt(stored.jws, jwks_document(get_session()), current_app.config["BASE_URL"])
    return stored.id, stored.jws, check


def _view(rid: str | None, check: ReceiptCheck) -> dict[str, Any]:
    payload = check.payload or {}
    beijing, utc = _times(str(payload.get("checked_at", "")))
    return {
        "rid": rid,
        "check": check,
        "payload": payload,
        "results": [r for r in payload.get("results") or [] if isinstance(r, dict) and "verdict" in r],
        "beijing": beijing,
        "utc": utc,
        "page_url": receipt_url(rid) if rid else None,
    }


@bp.get("/r/<rid>")
def show(rid: str) -> ResponseReturnValue:
    rid, _text, check = _load(rid)
    return render_template("receipt.html", view=_view(rid, check))


@bp.get("/r/<rid>.pdf")
def pdf(rid: str) -> ResponseReturnValue:
    rid, _text, check = _load(rid)
    view = _view(rid, check)
    facts = ReportFacts(
        registry_name="服务认证证书登记簿 Service Certificate Registry",
        page_url=view["page_url"],
        receipt_hash=rid,
        kid=check.kid,
        genuine=check.valid,
        checked_at_beijing=view["beijing"],
        checked_at_utc=view["utc"],
        as_of=view["payload"].get("as_of"),
    )
    return Response(
        render_pdf(facts, view["payload"]),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="verification-report-{rid[:16]}.pdf"'},
    )


@bp.get("/r/<rid>.jws")
def jws(rid: str) -> ResponseReturnValue:
    rid, text, _check = _load(rid)
    return Response(
        text + "\n",
        mimetype="application/jose",
        headers={"Content-Disposition": f'attachment; filename="verification-receipt-{rid[:16]}.jws"'},
    )


@bp.get("/receipts")
def form() -> ResponseReturnValue:
    return render_template("receipts.html", view=None, error=None)


@bp.post("/receipts")
def check() -> ResponseReturnValue:
    text = request.form.get("receipt", "").strip()
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        text = decode_upload(upload.read(MAX_RECEIPT_CHARS + 1)).strip()
    if not text:
        return render_template("receipts.html", view=None, error=_("Paste a receipt or upload a .jws file.")), 400
    if len(text) > MAX_RECEIPT_CHARS:
        return render_template("receipts.html", view=None, error=_("This file is too large to be a receipt.")), 413
    result = check_receipt(text, jwks_document(get_session()), current_app.config["BASE_URL"])
    rid = receipt_id(text)
    stored = stored_receipt(get_session(), rid) if result.valid else None
    return render_template("receipts.html", view=_view(stored.id if stored else None, result), error=None)
