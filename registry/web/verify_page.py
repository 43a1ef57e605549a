"""`/verify`: procurement officers check a list at once and keep a signed receipt."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from registry.api.keys import jwks_document
from registry.api.verify import verify_items
from registry.certificates.models import Certificate
from registry.db import get_session
from registry.organisations.models import Organisation
from registry.verification.bulk_input import NoInputColumn, decode_upload, items_from_csv, items_from_text, limit_items
from registry.verification.receipts import check_receipt

bp = Blueprint("verify_page", __name__)

CSV_COLUMNS = ("input", "number", "verdict", "star_level", "status", "signature", "mark_current", "reason", "reason_zh")


def _form_error(message: str, status: int = 400, form: object = None) -> tuple[str, int]:
    form = request.form if form is None else form
    return render_template("verify.html", error=message, result=None, form=form), status


def _results_page(result: dict[str, object], dropped: int, form: object) -> str:
    numbers = {r["number"] for r in result["results"] if r.get("number")}  # type: ignore[attr-defined]
    return render_template(
        "verify.html", result=result, dropped=dropped, error=None, form=form, holders=_holders(numbers)
    )


def _holders(numbers: set[str]) -> dict[str, tuple[str, str]]:
    """Holder names (zh, en) of the registered certificates among `numbers`, for the result cards."""
    names: dict[str, tuple[str, str]] = {}
    session = get_session()
    ordered = sorted(numbers)
    for start in range(0, len(ordered), 500):
        rows = session.execute(
            select(Certificate.number, Organisation.name_zh, Organisation.name_en)
            .join(Organisation, Organisation.id == Certificate.holder_id)
            .where(Certificate.number.in_(ordered[start : start + 500]))
        )
        names.update({number: (zh, en or "") for number, zh, en in rows})
    return names


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
    return _results_page(result, dropped, request.form)


@bp.post("/verify/results")
def results() -> ResponseReturnValue:
    """The results of an earlier check, again from its signed receipt (e.g. in the other language)."""
    payload = _receipt_payload()
    if payload is None:
        return _form_error(_("The receipt is not valid or was altered."), form={})
    rows = payload.get("results", [])
    result = {
        "checked_at": payload.get("checked_at"),
        "as_of": payload.get("as_of"),
        "results": rows,
        "receipt": request.form["receipt"].strip(),
    }
    dropped = request.form.get("dropped", "0")
    form = {"items": "\n".join(str(r.get("input", "")) for r in rows), "as_of": payload.get("as_of") or ""}  # type: ignore[union-attr]
    return _results_page(result, int(dropped) if dropped.isdigit() else 0, form)


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
