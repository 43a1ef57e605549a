"""The import fast path: validated issuances written with set-based INSERTs, not per-row ORM objects.

Measured: per-row ORM objects and unit-of-work flushes cost about 0.6 ms a row, which kept
imports under 2,000 rows/s; these INSERT ... RETURNING batches write the same rows and events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from registry.certificates.chain import content_of, event_hash
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.schemas import CertificateIn
from registry.certificates.validation import number_skeleton
from registry.db import utcnow
from registry.organisations.models import Organisation
from registry.organisations.names import name_key
from registry.schemes.models import Scheme

if TYPE_CHECKING:
    from registry.bodies.models import CertificationBody
    from registry.certificates.service import Register


@dataclass
class _NewCertificate:
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


def write_bulk(register: Register, body: CertificationBody, items: list[tuple[CertificateIn, Scheme, dt.date]]) -> None:
    """Insert holders, certificates and their issue events for already-validated items."""
    from registry.certificates.service import _decimal_map, state_of

    session = register.session
    holder_ids: dict[str, int] = {}
    new_holders: dict[str, dict[str, Any]] = {}
    for data, _scheme, _expires in items:
        h = data.holder
        known = register._holders.get(h.credit_code)
        if known is not None:
            # Its details were checked against the register (Register._holder_for) before this.
            holder_ids[h.credit_code] = known.id
        else:
            new_holders[h.credit_code] = {
                "credit_code": h.credit_code,
                "name_zh": h.name_zh,
                "name_en": h.name_en,
                "name_key": name_key(h.name_zh),
                "name_en_key": name_key(h.name_en),
                "region": h.region,
                "business_type": h.business_type,
            }
    if new_holders:
        rows = session.execute(
            insert(Organisation).returning(Organisation.id, Organisation.credit_code, sort_by_parameter_order=True),
            list(new_holders.values()),
        )
        holder_ids.update({code: id_ for id_, code in rows})

    now = utcnow()
    drafts = []
    cert_rows = []
    for data, scheme, expires in items:
        draft = _NewCertificate(
            number=data.number,
            star_level=data.star_level,
            score=data.score,
            scope_zh=data.scope_zh,
            scope_en=data.scope_en,
            issued=data.issued,
            expires=expires,
            sites=list(data.sites),
        )
        if register.minter is not None:
            draft.token = register.minter.mint(draft)  # type: ignore[arg-type]
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
                "evaluation": _decimal_map(data.evaluation),
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

    head = register._lock_head()
    event_rows = []
    for draft, data, scheme in drafts:
        state = state_of(draft, scheme.code, body.code, data.holder.credit_code)
        details = {"evaluation": _decimal_map(data.evaluation)}
        seq, recorded = head.seq + 1, utcnow()
        digest = event_hash(
            head.hash,
            content_of(
                seq,
                draft.number,
                "issue",
                draft.issued,
                recorded,
                register.actor.name,
                register.actor.request_id,
                "",
                details,
                state,
            ),
        )
        event_rows.append(
            {
                "seq": seq,
                "certificate_id": cert_ids[draft.number],
                "type": "issue",
                "effective": draft.issued,
                "recorded_at": recorded,
                "actor": register.actor.name,
                "request_id": register.actor.request_id,
                "reason": "",
                "details": details,
                "state": state,
                "prev_hash": head.hash,
                "hash": digest,
            }
        )
        head.seq, head.hash = seq, digest
    session.execute(insert(CertificateEvent), event_rows)
