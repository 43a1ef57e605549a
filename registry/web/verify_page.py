"""`/verify`: procurement officers check a list at once and keep a signed receipt."""

from __future__ import annotations

import csv
import datetime as dt
import json

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry.api.keys import jwks_document
from registry.db import commit, get_session
from registry.verification.bulk_input import NoInputColumn, decode_upload, items_from_text, limit_items, read_csv
from registry.verification.receipts import check_receipt, receipt_id
from registry.verification.service import receipt_url, verify_items
from registry.web.i18n import current_lang
from registry.web.results_csv import results_csv as build_csv

bp = Blueprint("verify_page", __name__)


def _form_error(message: str, status: int = 400) -> tuple[str, int]:
    return render_template("verify.html", error=message, result=None, form=request.form), status


@bp.get("/verify")
def form() -> ResponseReturnValue:
    return render_template("verify.html", result=None, error=None, form={})


@bp.post("/verify")
def check() -> ResponseReturnValue:
    items = items_from_text(request.form.get("items", ""))
    upload = request.files.get("file")
    table = None
    if upload is not None and upload.filename:
        try:
            table = read_csv(decode_upload(upload.read()))
        except (NoInputColumn, csv.Error):
            return _form_error(
                _(
                    "No column of certificate numbers, mark links, credit codes or names was found in the file. "
                    "Check that it is a CSV with such a column (a header such as 'number' helps)."
                )
            )
    pasted = len(items)
    items += table.items if table is not None else []
    if not items:
        return _form_error(_("Paste certificate numbers or upload a CSV file."))
    items, dropped = limit_items(items)
    as_of = None
    raw_day = request.form.get("as_of", "").strip()
    if raw_day:
        try:
            as_of = dt.date.fromisoformat(raw_day)
        except ValueError:
            return _form_error(_("The date must be in the form YYYY-MM-DD."))
    session = get_session()
    result = verify_items(session, items, as_of)
    commit(session)
    source = ""
    if table is not None:
        kept = table.rows[: max(0, len(items) - pasted)]
        source = json.dumps({"header": table.header, "rows": kept}, ensure_ascii=False)
    return render_template("verify.html", result=result, dropped=dropped, error=None, form=request.form, source=source)


def _receipt_payload() -> dict[str, object] | None:
    check = check_receipt(request.form.get("receipt", ""), jwks_document(), current_app.config["BASE_URL"])
    return check.payload if check.valid else None


@bp.post("/verify/results.csv")
def results_csv() -> ResponseReturnValue:
    payload = _receipt_payload()
    if payload is None:
        return _form_error(_("The receipt is not valid or was altered."))
    header, rows = _source_columns(request.form.get("source", ""))
    url = receipt_url(receipt_id(request.form["receipt"]))
    body = build_csv(payload, current_lang(), url, header, rows)
    stamp = str(payload.get("checked_at", "")).replace(":", "").replace("-", "")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="verification-{stamp}.csv"'},
    )


def _source_columns(raw: str) -> tuple[list[str] | None, list[list[str]] | None]:
    """The upload's own header and rows, sent back by the results page (ignored when malformed)."""
    try:
        data = json.loads(raw) if raw else None
    except ValueError:
        return None, None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        return None, None
    header = data.get("header")
    header = [str(c) for c in header] if isinstance(header, list) else None
    rows = [[str(c) for c in row] for row in data["rows"] if isinstance(row, list)]
    return header, rows


@bp.post("/verify/receipt.jws")
def receipt_download() -> ResponseReturnValue:
    payload = _receipt_payload()
    if payload is None:
        return _form_error(_("The receipt is not valid or was altered."))
    stamp = str(payload.get("checked_at", "")).replace(":", "").replace("-", "")
    return Response(
        request.form["receipt"].strip() + "\n",
        mimetype="application/jose",
        headers={"Content-Disposition": f'attachment; filename="verification-receipt-{stamp}.jws"'},
    )
