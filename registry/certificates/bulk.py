"""Writing checked issuances with set-based INSERTs, not per-row ORM objects.

Measured: per-row ORM objects and unit-of-work flushes cost about 0.6 ms a row, which kept
imports under 2,000 rows/s; these INSERT ... RETURNING batches write the same rows and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import insert

from registry.certificates.ledger import NewEvent
from registry.certificates.models import Certificate
from registry.certificates.schemas import CertificateIn
from registry.certificates.state import decimal_map, state_of
from registry.certificates.validation import number_skeleton
from registry.db import utcnow
from registry.schemes.models import Scheme

if TYPE_CHECKING:
    from registry.bodies.models import CertificationBody
    from registry.certificates.unit import WriteUnit


@dataclass
class NewCertificate:
    """The attributes a token and an event state need, before the row exists."""

    number: str
    star_level: int
    score: Decimal
    scope_zh: str
    scope_en: str
    issued: dt.date
    expires: dt.date
    sites: list[str] = field(default_factory=list)
    status: str = "valid"
    token: str | None = None
    version: int = 1


def write_rows(reg: WriteUnit, body: CertificationBody, items: list[tuple[CertificateIn, Scheme, dt.date]]) -> None:
    """Insert new holders, the certificates and their issue events for already-checked items."""
    session = reg.session
    codes = [data.holder.credit_code for data, _scheme, _expires in items]
    holder_ids = {code: org.id for code in codes if (org := reg.holders.registered.get(code)) is not None}
    holder_ids.update(reg.holders.insert_new(codes))

    now = utcnow()
    drafts = []
    cert_rows = []
    for data, scheme, expires in items:
        draft = NewCertificate(
            number=data.number,
            star_level=data.star_level,
            score=data.score,
            scope_zh=data.scope_zh,
            scope_en=data.scope_en,
            issued=data.issued,
            expires=expires,
            sites=list(data.sites),
        )
        draft.token = reg.mint(draft)
        drafts.append((draft, data, scheme))
        cert_rows.append(
            {
                "number": draft.number,
                "number_skeleton": number_skeleton(draft.number),
                "scheme_id": scheme.id,
                "holder_id": holder_ids[data.holder.credit_code],
                "body_id": body.id,
                "star_level": draft.star_level,
                "score": draft.score,
                "scope_zh": draft.scope_zh,
                "scope_en": draft.scope_en,
                "sites": draft.sites,
                "evaluation": decimal_map(data.evaluation),
                "issued": draft.issued,
                "expires": draft.expires,
                "status": draft.status,
                "token": draft.token,
                "version": draft.version,
                "created_at": now,
                "updated_at": now,
            }
        )
    rows = session.execute(
        insert(Certificate).returning(Certificate.id, Certificate.number, sort_by_parameter_order=True), cert_rows
    )
    cert_ids = {number: id_ for id_, number in rows}
    reg.ledger.append_rows(
        [
            NewEvent(
                certificate_id=cert_ids[draft.number],
                number=draft.number,
                type="issue",
                effective=draft.issued,
                details={"evaluation": decimal_map(data.evaluation)},
                state=state_of(draft, scheme.code, body.code, data.holder.credit_code),
            )
            for draft, data, scheme in drafts
        ]
    )
