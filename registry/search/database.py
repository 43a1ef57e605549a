"""Search answered by the database alone: while the index is missing, rebuilding or behind.

Slower (substring scans) but exact, and the same answer as the index: filters and listings are
SQL; a text query narrows candidates with LIKE (a superset of the text rule), then the rule,
the relevance tiers and the sort keys are applied to those rows in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import String, and_, cast, false, func, or_, select, true
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.verdicts import verdict_sql
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.search.interfaces import FACETS, Hits, Row, SearchQuery, ordered_counts
from registry.search.text import TextQuery, matches


def _like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def facet_columns(day: dt.date) -> dict[str, Any]:
    """Each facet as a SQL expression over certificates joined with holders, schemes and bodies."""
    return {
        "scheme": Scheme.code,
        "stars": cast(Certificate.star_level, String),
        "status": verdict_sql(day),
        "body": CertificationBody.code,
        "region": Organisation.region,
        "business_type": Organisation.business_type,
    }


def joined(*columns: Any) -> Any:
    """SELECT `columns` over certificates with their holder, scheme and body."""
    return (
        select(*columns)
        .select_from(Certificate)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .join(Scheme, Scheme.id == Certificate.scheme_id)
        .join(CertificationBody, CertificationBody.id == Certificate.body_id)
    )


def row_columns() -> tuple[Any, ...]:
    return (
        Certificate.number,
        Organisation.credit_code,
        Organisation.name_zh,
        Organisation.name_en,
        Certificate.scope_zh,
        Certificate.scope_en,
        Scheme.code,
        Certificate.star_level,
        Certificate.status,
        CertificationBody.code,
        Organisation.region,
        Organisation.business_type,
        Certificate.expires,
    )


def _text_superset(q: TextQuery) -> Any:
    """A SQL condition every certificate that matches `q` meets (LIKE is looser than the rule)."""
    pieces = []
    for r in q.runs:
        pattern = _like(r)
        pieces.append(
            or_(Organisation.name_zh.like(pattern, escape="\\"), Certificate.scope_zh.like(pattern, escape="\\"))
        )
    for w in q.words:
        pattern = _like(w)
        pieces.append(
            or_(
                *(
                    column.ilike(pattern, escape="\\")
                    for column in (
                        Organisation.name_en,
                        Organisation.name_zh,
                        Certificate.scope_en,
                        Certificate.scope_zh,
                    )
                )
            )
        )
    options = [and_(*pieces)] if pieces else []
    if q.number:
        options.append(
            Certificate.number.like(
                q.number.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%", escape="\\"
            )
        )
    if q.credit_code:
        options.append(Organisation.credit_code == q.credit_code)
    return or_(*options) if options else false()


def number_order(session: Session) -> Any:
    """Certificate numbers in code-point order on every database (PostgreSQL's locales skip hyphens)."""
    return Certificate.number.collate("C") if session.get_bind().dialect.name == "postgresql" else Certificate.number


class DatabaseBackend:
    """Always answers; the reference every other backend must equal."""

    name = "database"

    def sync(self, session: Session, day: dt.date) -> None:
        return None

    def warm(self) -> None:
        return None

    def search(self, session: Session, query: SearchQuery, day: dt.date) -> Hits:
        columns = facet_columns(day)
        conditions = [columns[name].in_(sorted(values)) for name, values in query.filters.items() if name in columns]
        start, limit = (query.page - 1) * query.per_page, query.page * query.per_page
        if query.text.empty:
            where = and_(true(), *conditions)
            total = session.scalar(joined(func.count()).where(where)) or 0
            number = number_order(session)
            order = {
                "stars": [Certificate.star_level.desc(), number],
                "expires": [Certificate.expires, number],
            }.get(query.sort, [Certificate.expires.desc(), number])
            numbers = list(
                session.scalars(
                    joined(Certificate.number).where(where).order_by(*order).offset(start).limit(query.per_page)
                )
            )
            facets: dict[str, dict[str, int]] = {}
            if query.facets:
                for name in FACETS:
                    column = columns[name]
                    rows = session.execute(joined(column, func.count()).where(where).group_by(column)).all()
                    facets[name] = ordered_counts(Counter({str(v): n for v, n in rows if v is not None}))
            return Hits(total=total, numbers=numbers, facets=facets)
        where = and_(_text_superset(query.text), *conditions)
        found = []
        for values in session.execute(joined(*row_columns()).where(where)):
            row = Row(*values)
            if matches(query.text, row.texts()):
                key = row.sort_key(query)
                found.append((key, row))
        found.sort(key=lambda kr: kr[0])
        facets = {}
        if query.facets:
            tallies: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
            for _key, row in found:
                for name, value in row.facet_values(day).items():
                    tallies[name][value] += 1
            facets = {name: ordered_counts(tallies[name]) for name in FACETS}
        return Hits(total=len(found), numbers=[row.number for _k, row in found[start:limit]], facets=facets)
