"""A certification body's own certificates, searched and filtered (the portal's list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import FINAL_STATUSES, Certificate
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme

STATUS_FILTERS = ("valid", "suspended", "revoked", "withdrawn", "expired")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    status: str = ""
    scheme: str = ""
    stars: int | None = None


def _filtered(query: Select, f: Filters, day: dt.date) -> Select:  # type: ignore[type-arg]
    if f.q:
        needle = f.q.strip().lower()
        query = query.where(
            or_(
                func.lower(Certificate.number).contains(needle, autoescape=True),
                func.lower(Organisation.name_zh).contains(needle, autoescape=True),
                func.lower(Organisation.name_en).contains(needle, autoescape=True),
                func.lower(Organisation.credit_code).contains(needle, autoescape=True),
            )
        )
    # The status filter follows the verdict: a stored "valid" past its expiry is "expired".
    if f.status in FINAL_STATUSES:
        query = query.where(Certificate.status == f.status)
    elif f.status == "expired":
        query = query.where(Certificate.status.not_in(FINAL_STATUSES), Certificate.expires < day)
    elif f.status in ("valid", "suspended"):
        query = query.where(Certificate.status == f.status, Certificate.expires >= day)
    if f.scheme:
        query = query.where(Scheme.code == f.scheme)
    if f.stars is not None:
        query = query.where(Certificate.star_level == f.stars)
    return query


def body_certificates(
    session: Session, body: CertificationBody, f: Filters, day: dt.date, *, page: int = 1, per_page: int = 50
) -> tuple[list[Certificate], int]:
    """One page of the body's certificates matching `f`, most recently changed first, and the total."""
    base = (
        select(Certificate)
        .join(Organisation, Certificate.holder_id == Organisation.id)
        .join(Scheme, Certificate.scheme_id == Scheme.id)
        .where(Certificate.body_id == body.id)
    )
    query = _filtered(base, f, day)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = session.scalars(
        query.order_by(Certificate.updated_at.desc(), Certificate.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return list(items.unique()), total


def body_certificate(session: Session, body: CertificationBody, number: str) -> Certificate | None:
    """The body's certificate `number`, or None (another body's certificate is not shown)."""
    return session.scalar(
        select(Certificate).where(Certificate.number == number.strip().upper(), Certificate.body_id == body.id)
    )


def bodies_with_counts(session: Session) -> list[tuple[CertificationBody, int]]:
    """Every body with its number of certificates."""
    counts = dict(session.execute(select(Certificate.body_id, func.count()).group_by(Certificate.body_id)).all())
    bodies = session.scalars(select(CertificationBody).order_by(CertificationBody.code))
    return [(b, counts.get(b.id, 0)) for b in bodies]
