"""The public site's pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from registry.certificates.models import Certificate
from registry.db import get_session

bp = Blueprint("web", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    session = get_session()
    total = session.scalar(select(func.count()).select_from(Certificate)) or 0
    by_status = dict(session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all())
    latest = session.scalars(select(Certificate).order_by(Certificate.created_at.desc(), Certificate.id.desc()).limit(10))
    return render_template("home.html", total=total, by_status=by_status, latest=list(latest))
