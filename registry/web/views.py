"""The public site's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from registry.certificates.models import Certificate
from registry.certificates.stats import register_stats
from registry.certificates.validation import today
from registry.db import get_session

bp = Blueprint("web", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    session = get_session()
    numbers = register_stats(session, today())
    latest = session.scalars(select(Certificate).order_by(Certificate.issued.desc(), Certificate.id.desc()).limit(10))
    return render_template("home.html", total=numbers["total"], by_verdict=numbers["by_verdict"], latest=list(latest))


@bp.get("/certificates/<path:number>")
def certificate(number: str) -> ResponseReturnValue:
    from urllib.parse import quote

    from registry.certificates.service import get_certificate, history, state_as_of
    from registry.certificates.verdicts import verdict_of
    from registry.organisations.business_types import BUSINESS_TYPES
    from registry.organisations.validation import region_name
    from registry.signing.marks import mark_version

    session = get_session()
    cert = get_certificate(session, number)
    now = today()
    day, date_error = _as_of_argument(request.args.get("as_of", ""))
    shown: dict[str, Any] | None = _current_state(cert)
    if day is not None:
        state = state_as_of(session, cert, day)
        shown = None if state is None else _recorded_state(state)
    if shown is not None:
        shown["verdict"] = verdict_of(shown["status"], shown["expires"], day or now)
    page = render_template(
        "certificate.html",
        cert=cert,
        shown=shown,
        as_of=day,
        date_error=date_error,
        # The mark is today's object whatever date is shown: its use depends on the verdict now.
        current_verdict=verdict_of(cert.status, cert.expires, now),
        events=history(session, cert),
        region_name=region_name,
        business_types=BUSINESS_TYPES,
        mark_base=f"/certificates/{quote(cert.number)}/mark",
        mark_v=mark_version(cert.token) if cert.token else None,
    )
    return page, 400 if date_error else 200


def _as_of_argument(raw: str) -> tuple[dt.date | None, str | None]:
    """The `as_of` date asked for, or an error message in the page language."""
    raw = raw.strip()
    if not raw:
        return None, None
    try:
        return dt.date.fromisoformat(raw), None
    except ValueError:
        return None, gettext(
            "“%(given)s” is not a date. Give the date as YYYY-MM-DD, for example 2026-11-20.", given=raw[:40]
        )


def _current_state(cert: Certificate) -> dict[str, Any]:
    from registry.certificates.validation import score_out

    return {
        "status": cert.status,
        "star_level": cert.star_level,
        "score": score_out(cert.score),
        "scope_zh": cert.scope_zh,
        "scope_en": cert.scope_en,
        "sites": list(cert.sites),
        "issued": cert.issued,
        "expires": cert.expires,
    }


def _recorded_state(state: dict[str, Any]) -> dict[str, Any]:
    """An event's recorded state with its dates as dates, as the page shows it."""
    return {
        **state,
        "issued": dt.date.fromisoformat(state["issued"]),
        "expires": dt.date.fromisoformat(state["expires"]),
    }
