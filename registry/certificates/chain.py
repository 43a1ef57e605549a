"""The hash chain over every certificate event, and its audit."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.formats import canonical_json, format_time

__all__ = [
    "GENESIS",
    "AuditFailure",
    "audit",
    "canonical_json",
    "content_of",
    "event_content",
    "event_hash",
    "format_time",
    "iter_events",
]

GENESIS = "0" * 64


def event_content(event: CertificateEvent, number: str) -> dict[str, Any]:
    """Everything the hash covers, in a backend-independent form."""
    return content_of(
        event.seq,
        number,
        event.type,
        event.effective,
        event.recorded_at,
        event.actor,
        event.request_id,
        event.reason,
        event.details,
        event.state,
    )


def content_of(
    seq: int,
    number: str,
    kind: str,
    effective: dt.date,
    recorded_at: dt.datetime,
    actor: str,
    request_id: str | None,
    reason: str,
    details: dict[str, Any],
    state: dict[str, Any],
) -> dict[str, Any]:
    """The hashed content of an event given as plain values."""
    return {
        "seq": seq,
        "certificate": number,
        "type": kind,
        "effective": effective.isoformat(),
        "recorded_at": format_time(recorded_at),
        "actor": actor,
        "request_id": request_id,
        "reason": reason,
        "details": details,
        "state": state,
    }


def event_hash(prev_hash: str, content: dict[str, Any]) -> str:
    """SHA-256 over the previous hash and the event's canonical content."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical_json(content).encode("utf-8"))
    return digest.hexdigest()


@dataclass(frozen=True)
class AuditFailure:
    seq: int
    certificate: str | None
    problem: str


def iter_events(session: Session, batch: int = 2000, upto: int | None = None) -> Iterator[tuple[CertificateEvent, str]]:
    """Every event (up to seq `upto`) in sequence order with its certificate number, fetched in batches."""
    last = 0
    while True:
        bound = [CertificateEvent.seq <= upto] if upto is not None else []
        rows = session.execute(
            select(CertificateEvent, Certificate.number)
            .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
            .where(CertificateEvent.seq > last, *bound)
            .order_by(CertificateEvent.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0].seq


def audit(session: Session) -> tuple[int, AuditFailure | None]:
    """Check the whole chain; returns (events checked, first failure or None)."""
    # The head first: on a live register, writers commit events and head together, so every event
    # up to the head's seq is visible to the reads below, and later ones are not this audit's.
    head = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).first()
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event, number in iter_events(session, upto=head.seq if head is not None else None):
        if event.seq != expected_seq:
            return count, AuditFailure(
                event.seq, number, f"sequence gap: expected event {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != prev_hash:
            return count, AuditFailure(event.seq, number, "does not link to the previous event's hash")
        if event_hash(prev_hash, event_content(event, number)) != event.hash:
            return count, AuditFailure(event.seq, number, "content does not match its stored hash")
        prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
    last_seq = session.scalar(select(func.max(CertificateEvent.seq))) or 0
    if head is not None and last_seq > head.seq:
        # Beyond the head we read: a writer committed since, or a row was slipped in after the head.
        latest = session.scalar(select(ChainHead.seq).where(ChainHead.id == 1)) or 0
        if last_seq > latest:
            return count, AuditFailure(last_seq, None, f"event {last_seq} lies beyond the chain head ({latest})")
    if head is not None and (head.seq != count or head.hash != prev_hash):
        return count, AuditFailure(head.seq, None, f"chain head says {head.seq} events but {count} are in the register")
    return count, None
