"""`/verify`: procurement officers check a list at once and keep a signed receipt."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry.api.keys import jwks_document
from registry.api.verify import verify_items
from registry.verification.bulk_input import NoInputColumn, decode_upload, items_from_csv, items_from_text, limit_items
from registry.verification.receipts import check_receipt

bp = Blueprint("verify_page", __name__)

CSV_COLUMNS = ("input", "number", "verdict", "star_level", "status", "signature", "mark_current", "reason", "reason_zh")


def _form_error(message: str, status: int = 400) -> tuple[str, int]:
    return render_template("verify.html", error=message, result=None, form=request.form), status


@bp.get("/verify")
def form() -> ResponseReturnValue:
    return render_template("verify.html", result=None, error=None, form={})


@bp.post("/verify")
def check() -> ResponseReturnValue:
    items = items_from_text(request.form.get("items", ""))
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        try:
            items += items_from_csv(decode_upload(upload.read()))
        except (NoInputColumn, csv.Error):
            return _form_error(
                _(
                    "No column of certificate numbers or mark links was found in the file. Check that it is "
                    "a CSV with a column of certificate numbers (a header such as 'number' helps)."
                )
            )
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
    result = verify_items(items, as_of)
    return render_template("verify.html", result=result, dropped=dropped, error=None, form=request.form)


def _receipt_payload() -> dict[str, object] | None:
    check = check_receipt(request.form.get("receipt", ""), jwks_document(), current_app.config["BASE_URL"])
    return check.payload if check.valid else None


@bp.post("/verify/results.csv")
def results_csv() -> ResponseReturnValue:
    payload = _receipt_payload()
    if payload is None:
        return _form_error(_("The receipt is not valid or was altered."))
    out = io.StringIO()
    # A BOM so that Excel opens the UTF-8 file with Chinese text intact.
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, "checked_at", "as_of"])
    for row in payload.get("results", []):  # type: ignore[union-attr]
        writer.writerow(
            [_cell(row.get(c)) for c in CSV_COLUMNS] + [payload.get("checked_at"), payload.get("as_of") or ""]
        )
    stamp = str(payload.get("checked_at", "")).replace(":", "").replace("-", "")
    return Response(
        out.getvalue().encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="verification-{stamp}.csv"'},
    )


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    # Cells starting with = + - @ (or TAB, CR before them) would run as formulas in Excel.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
