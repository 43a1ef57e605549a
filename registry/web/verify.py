"""The scan landing page `/v/<token>` (and `/V/<token>`, as printed in QR codes), and its report form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError

from registry.db import get_session
from registry.organisations.validation import region_name
from registry.reports.schemas import KINDS, ReportIn
from registry.reports.service import file_report
from registry.verification import current_verifier
from registry.verification.core import Verification

bp = Blueprint("scan", __name__)

DEAD = ("suspended", "revoked", "withdrawn", "expired")


def headline(result: Verification) -> str:
    """What the page's headline says: the verdict, told apart where a glance could mislead.

    `valid_outdated`: a genuine mark whose stars or expiry the register has since changed;
    `unreadable`: a token that does not parse (a camera glitch, not evidence of forgery).
    """
    if result.unreadable:
        return "unreadable"
    if result.verdict == "valid" and result.mark_current is False:
        return "valid_outdated"
    return result.verdict


def suggested_kind(key: str) -> str:
    """The report kind a reader who saw headline `key` most likely means."""
    if key in ("forged", "not_found"):
        return "forged_mark"
    if key in DEAD:
        return "dead_mark_displayed"
    return "other" if key == "unreadable" else "wrong_holder"


def _page(token: str, form: dict[str, Any] | None = None, errors: list[str] | None = None) -> str:
    result = current_verifier(detail=True).verify_token(token, "".join(token.split()).upper(), None)
    key = headline(result)
    star_change = next((c for c in result.changes if c.field == "star_level"), None)
    return render_template(
        "scan.html",
        r=result,
        cert=result.certificate,
        key=key,
        dead=key in DEAD,
        star_change=star_change,
        region_name=region_name,
        token=token,
        kinds=KINDS,
        form=form or {"kind": suggested_kind(key)},
        errors=errors or [],
        reported=request.args.get("reported", "").isdigit(),
    )


@bp.get("/v/<path:token>")
@bp.get("/V/<path:token>")
def landing(token: str) -> ResponseReturnValue:
    # The answer follows the register: never cache a verdict.
    return _page(token), 200, {"Cache-Control": "no-store"}


@bp.post("/report")
def report() -> ResponseReturnValue:
    """The scan page's report form: store it, then show the scan page again with a thank-you."""
    form = {k: request.form.get(k, "") for k in ("token", "kind", "message", "location", "contact")}
    token = form["token"].strip()
    try:
        data = ReportIn.model_validate({**form, "token": token or None})
    except PydanticError as exc:
        fields = sorted({str(e["loc"][0]) if e["loc"] else "token" for e in exc.errors()})
        if not token:
            return redirect(url_for("web.home", lang=request.args.get("lang")))
        return _page(token, form, fields), 422, {"Cache-Control": "no-store"}
    session = get_session()
    filed = file_report(session, current_verifier(), data)
    target = url_for("scan.landing", token=token, lang=request.args.get("lang"), reported=filed.id)
    return redirect(target + "#report", code=303)
