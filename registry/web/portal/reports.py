"""Reports from the public about the body's certificates (filed on scan pages or through the API)."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from registry.db import get_session
from registry.reports.service import list_reports
from registry.web.portal import bp, me, staff_required

PER_PAGE = 100


@bp.get("/reports")
@staff_required
def reports() -> ResponseReturnValue:
    user = me()
    since_raw = request.args.get("since", "").strip()
    since, error = None, None
    if since_raw:
        try:
            since = dt.date.fromisoformat(since_raw)
        except ValueError:
            error = _("Enter the date as YYYY-MM-DD.")
    items = list_reports(get_session(), user.body.code, since)
    # Newest first: what a clerk acts on today is what came in lately.
    items.reverse()
    return render_template(
        "portal/reports.html", reports=items[:PER_PAGE], total=len(items), since=since_raw, error=error
    )
