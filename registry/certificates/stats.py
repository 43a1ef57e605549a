"""Counts of the register, straight from the database: what the home page, /stats and the API show."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.verdicts import REGISTER_VERDICTS, verdict_sql
from registry.organisations import regions as region_tree
from registry.organisations.models import Organisation
from registry.organisations.validation import regions
from registry.schemes.models import Scheme


def _grouped(session: Session, column: Any) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count())
        .select_from(Certificate)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .join(Scheme, Scheme.id == Certificate.scheme_id)
        .join(CertificationBody, CertificationBody.id == Certificate.body_id)
        .group_by(column)
    ).all()
    return {str(k): int(n) for k, n in sorted(rows, key=lambda kn: (-kn[1], str(kn[0]))) if k is not None}


def region_tree_counts(leaves: dict[str, int]) -> list[dict[str, Any]]:
    """Leaf region counts as a tree (province, city, district), each node with its total."""
    totals: Counter[str] = Counter()
    for code, n in leaves.items():
        for node in (*region_tree.ancestors(code), code):
            totals[node] += n

    def node(code: str) -> dict[str, Any]:
        info = regions()[code]
        kids = [node(c) for c in region_tree.children(code) if totals[c]]
        return {
            "code": code,
            "name_zh": info["name_zh"],
            "name_en": info["name_en"],
            "count": totals[code],
            "children": sorted(kids, key=lambda k: (-k["count"], k["code"])),
        }

    return sorted((node(c) for c in region_tree.children(None) if totals[c]), key=lambda k: (-k["count"], k["code"]))


def register_stats(session: Session, day: dt.date) -> dict[str, Any]:
    """Totals by verdict (the one rule), star level, scheme, body, region (as a tree) and business type."""
    by_verdict = _grouped(session, verdict_sql(day))
    by_region = _grouped(session, Organisation.region)
    return {
        "as_of": day.isoformat(),
        "total": sum(by_verdict.values()),
        "by_verdict": {v: by_verdict.get(v, 0) for v in REGISTER_VERDICTS},
        "by_star_level": {
            str(s): n for s, n in sorted(_grouped(session, Certificate.star_level).items(), reverse=True)
        },
        "by_scheme": _grouped(session, Scheme.code),
        "by_body": _grouped(session, CertificationBody.code),
        "by_region": region_tree_counts(by_region),
        "by_business_type": _grouped(session, Organisation.business_type),
    }
