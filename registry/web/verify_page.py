"""`/verify`: procurement officers check a list at once and keep a signed receipt."""

from __future__ import annotations

import csv
import datetime as dt
import json

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from registry.db import get_session
from registry.signing.jwks import jwks_document
from registry.verification.bulk_input import NoInputColumn, decode_upload, items_from_text, limit_items, read_csv
from registry.verification.receipts import check_receipt, receipt_id
from registry.verification.service import receipt_url, verify_items
from registry.web.i18n import current_lang
from registry.web.results_csv import results_csv as build_csv

bp = Blueprint("verify_page", __name__)


def _form_error(message: str, status: int = 400, form: object = None) -> tuple[str, int]:
    form = request.form if form is None else form
    return render_template("verify.html", error=message, result=None, form=form), status


def _results_page(result: dict[str, object], dropped: int, form: object, source: str = "") -> str:
    """The results, with the upload's own columns kept for the CSV download (`source`)."""
    return render_template("verify.html", result=result, dropped=dropped, error=None, form=form, source=source)


@bp.errorhandler(CSRFError)
def _stale_form(exc: CSRFError) -> ResponseReturnValue:
    # Flask-WTF's reasons are English sentences about tokens; say what happened and keep the input.
    return _form_error(
        _("This form has expired or was opened in another browser session. Check your input and submit it again.")
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    return _form_error(
        _(
            "The file is larger than the registry accepts (%(limit)s MiB at most). Split it and check each part.",
            limit=f"{limit:g}",
        ),
        413,
        form={},
    )


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
    source = ""
    if table is not None:
        kept = table.rows[: max(0, len(items) - pasted)]
        source = json.dumps({"header": table.header, "rows": kept}, ensure_ascii=False)
    return _results_page(result, dropped, request.form, source)


@bp.post("/verify/results")
def results() -> ResponseReturnValue:
    """The results of an earlier check, again from its signed receipt (e.g. in the other language)."""
    payload = _receipt_payload()
    if payload is None:
        return _form_error(_("The receipt is not valid or was altered."), form={})
    rows = payload.get("results", [])
    receipt = request.form["receipt"].strip()
    result = {
        "checked_at": payload.get("checked_at"),
        "as_of": payload.get("as_of"),
        "results": rows,
        "receipt": receipt,
        "receipt_id": receipt_id(receipt),
    }
    dropped = request.form.get("dropped", "0")
    form = {"items": "\n".join(str(r.get("input", "")) for r in rows), "as_of": payload.get("as_of") or ""}  # type: ignore[union-attr]
    return _results_page(result, int(dropped) if dropped.isdigit() else 0, form, request.form.get("source", ""))


def _receipt_payload() -> dict[str, object] | None:
    check = check_receipt(request.form.get("receipt", ""), jwks_document(get_session()), current_app.config["BASE_URL"])
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
