"""The public site's pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
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
    latest = session.scalars(
        select(Certificate).order_by(Certificate.created_at.desc(), Certificate.id.desc()).limit(10)
    )
    return render_template("home.html", total=numbers["total"], by_verdict=numbers["by_verdict"], latest=list(latest))


@bp.get("/certificates/<path:number>")
def certificate(number: str) -> ResponseReturnValue:
    from urllib.parse import quote

    from registry.certificates.service import get_certificate, history
    from registry.certificates.validation import score_out
    from registry.certificates.verdicts import verdict_of
    from registry.organisations.business_types import BUSINESS_TYPES
    from registry.organisations.validation import region_name
    from registry.web.marks import mark_version

    session = get_session()
    cert = get_certificate(session, number)
    return render_template(
        "certificate.html",
        cert=cert,
        verdict=verdict_of(cert.status, cert.expires, today()),
        events=history(session, cert),
        score=score_out(cert.score),
        region_name=region_name,
        business_types=BUSINESS_TYPES,
        mark_base=f"/certificates/{quote(cert.number)}/mark",
        mark_v=mark_version(cert.token) if cert.token else None,
    )
