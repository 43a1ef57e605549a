"""Search answered by the database alone: used while the index is missing, rebuilding or behind.

Slower (substring scans) but always right, so search never fails for want of an index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.search.query import Hits, ParsedQuery
from registry.search.schema import FACETS


def _verdict(day: dt.date) -> Any:
    return case(
        (Certificate.status.in_(("revoked", "withdrawn")), Certificate.status),
        (Certificate.expires < day, literal("expired")),
        else_=Certificate.status,
    )


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(
    session: Session,
    parsed: ParsedQuery,
    filters: dict[str, str],
    day: dt.date,
    *,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> Hits:
    """The same answer shape as the index, from SQL."""
    columns = {
        "scheme": Scheme.code,
        "stars": cast(Certificate.star_level, String),
        "status": _verdict(day),
        "body": CertificationBody.code,
        "region": Organisation.region,
        "business_type": Organisation.business_type,
    }
    conditions: list[Any] = []
    for piece in parsed.text.split():
        pattern = _like(piece)
        conditions.append(
            or_(
                Organisation.name_zh.ilike(pattern, escape="\\"),
                Organisation.name_en.ilike(pattern, escape="\\"),
                Certificate.scope_zh.ilike(pattern, escape="\\"),
                Certificate.scope_en.ilike(pattern, escape="\\"),
                Certificate.number.ilike(_like(piece.upper()), escape="\\"),
                Organisation.credit_code == piece.upper(),
            )
        )
    for name, value in filters.items():
        if value and name in columns:
            conditions.append(columns[name] == value)
    where = and_(*conditions) if conditions else literal(True)

    def base(*cols: Any) -> Any:
        return (
            select(*cols)
            .select_from(Certificate)
            .join(Organisation, Organisation.id == Certificate.holder_id)
            .join(Scheme, Scheme.id == Certificate.scheme_id)
            .join(CertificationBody, CertificationBody.id == Certificate.body_id)
            .where(where)
        )

    total = session.scalar(base(func.count())) or 0
    order: list[Any]
    if sort == "stars":
        order = [Certificate.star_level.desc(), Certificate.number]
    elif sort == "expires":
        order = [Certificate.expires, Certificate.number]
    else:
        order = [Certificate.expires.desc(), Certificate.number]
    numbers = list(
        session.scalars(base(Certificate.number).order_by(*order).offset((page - 1) * per_page).limit(per_page))
    )
    counts: dict[str, dict[str, int]] = {}
    if facets:
        for name in FACETS:
            column = columns[name].label("value")
            rows = session.execute(base(column, func.count()).group_by(column).order_by(func.count().desc())).all()
            counts[name] = {str(value): n for value, n in rows if value is not None}
    return Hits(total=total, numbers=numbers, facets=counts)
