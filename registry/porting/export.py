"""Export the whole register as JSON Lines (a lossless backup and interchange format)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import ApiKey, CertificationBody
from registry.certificates.chain import canonical_json, format_time
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.validation import score_out
from registry.idempotency.models import IdempotentRequest
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.signing.models import SigningKey

FORMAT = "service-certificate-registry/export"
VERSION = 1


def _time(value: Any) -> str | None:
    return None if value is None else format_time(value)


def _batched(session: Session, stmt: Any, key: Any, batch: int = 2000) -> Iterator[Any]:
    """Stream rows ordered by `key` in batches, so memory stays flat on big registers."""
    last = None
    while True:
        query = stmt.order_by(key).limit(batch)
        if last is not None:
            query = query.where(key > last)
        rows = list(session.scalars(query))
        if not rows:
            return
        yield from rows
        last = getattr(rows[-1], key.key)


def export_lines(session: Session, *, with_api_keys: bool = False) -> Iterator[str]:
    """Every record of the register as one canonical JSON line each, in a fixed order."""
    yield canonical_json({"kind": "header", "format": FORMAT, "version": VERSION})
    for s in session.scalars(select(Scheme).order_by(Scheme.code)):
        yield canonical_json({"kind": "scheme", **s.to_dict(), "thresholds": s.thresholds})
    for k in session.scalars(select(SigningKey).order_by(SigningKey.created_at, SigningKey.kid)):
        yield canonical_json(
            {
                "kind": "signing_key",
                "kid": k.kid,
                "public_key": k.public_key,
                "created_at": _time(k.created_at),
                "retired_at": _time(k.retired_at),
                "revoked_at": _time(k.revoked_at),
            }
        )
    bodies = {}
    for b in session.scalars(select(CertificationBody).order_by(CertificationBody.code)):
        bodies[b.id] = b.code
        yield canonical_json(
            {
                "kind": "body",
                "code": b.code,
                "name_zh": b.name_zh,
                "name_en": b.name_en,
                "status": b.status,
                "created_at": _time(b.created_at),
                "contact_phone": b.contact_phone,
                "contact_email": b.contact_email,
                "website": b.website,
            }
        )
    prefixes: dict[int, str] = {}
    if with_api_keys:
        for a in session.scalars(select(ApiKey).order_by(ApiKey.prefix)):
            prefixes[a.id] = a.prefix
            yield canonical_json(
                {
                    "kind": "api_key",
                    "body": bodies[a.body_id],
                    "prefix": a.prefix,
                    "key_hash": a.key_hash,
                    "created_at": _time(a.created_at),
                    "last_used_at": _time(a.last_used_at),
                    "revoked_at": _time(a.revoked_at),
                }
            )
    schemes = {s.id: s.code for s in session.scalars(select(Scheme))}
    holders: dict[int, str] = {}
    for o in _batched(session, select(Organisation), Organisation.credit_code):
        holders[o.id] = o.credit_code
        yield canonical_json({"kind": "holder", **o.to_dict()})
    numbers: dict[int, str] = {}
    for c in _batched(session, select(Certificate), Certificate.number):
        numbers[c.id] = c.number
        yield canonical_json(
            {
                "kind": "certificate",
                "number": c.number,
                "scheme": schemes[c.scheme_id],
                "holder": holders[c.holder_id],
                "body": bodies[c.body_id],
                "star_level": c.star_level,
                "score": score_out(c.score),
                "scope_zh": c.scope_zh,
                "scope_en": c.scope_en,
                "sites": c.sites,
                "evaluation": c.evaluation,
                "issued": c.issued.isoformat(),
                "expires": c.expires.isoformat(),
                "status": c.status,
                "token": c.token,
                "version": c.version,
                "created_at": _time(c.created_at),
                "updated_at": _time(c.updated_at),
            }
        )
    for e in _batched(session, select(CertificateEvent), CertificateEvent.seq):
        yield canonical_json(
            {
                "kind": "event",
                "seq": e.seq,
                "certificate": numbers[e.certificate_id],
                "type": e.type,
                "effective": e.effective.isoformat(),
                "recorded_at": _time(e.recorded_at),
                "actor": e.actor,
                "request_id": e.request_id,
                "reason": e.reason,
                "details": e.details,
                "state": e.state,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
        )
    # Remembered answers to Idempotency-Key retries belong to API keys: exported with them, so a
    # retry after a restore replays instead of acting twice.
    for r in _batched(session, select(IdempotentRequest), IdempotentRequest.id) if with_api_keys else ():
        yield canonical_json(
            {
                "kind": "idempotent_request",
                "api_key": prefixes[r.api_key_id],
                "key": r.key,
                "fingerprint": r.fingerprint,
                "status": r.status,
                "body": r.body,
                "created_at": _time(r.created_at),
            }
        )
