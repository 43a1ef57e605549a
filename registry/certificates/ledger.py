"""The ledger: the one place register events are appended to the hash chain.

Every write (the API, the portal, imports, the command line, the demo seed, key re-signing)
appends its events through a Ledger. It takes the chain head's lock once per unit of work,
hashes each event with `chain.event_hash` over `chain.content_of` (one definition of what an
event's hash covers), and on the first append tells the app's subscribers (the webhook outbox
before the commit; the search index and the transparency log after it) through
`registry.db.events_appended`. It never commits: the unit of work does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from registry.certificates.chain import content_of, event_hash
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.db import appending, events_appended, utcnow


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as recorded in the event: e.g. "body:CNCA-R-2017-101 key:scr_ab12"."""

    name: str
    request_id: str | None = None


@dataclass(frozen=True)
class NewEvent:
    """An event to append for a certificate row written without an ORM object (bulk issuance)."""

    certificate_id: int
    number: str
    type: str
    effective: dt.date
    details: dict[str, Any]
    state: dict[str, Any]
    reason: str = ""


class Ledger:
    """Appends events for one unit of work, as one actor."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor
        self.head: ChainHead | None = None

    def lock(self) -> ChainHead:
        """Take the chain head for this unit of work (a row lock; SQLite's write lock)."""
        if self.head is None or not appending(self.session):
            # Once per unit of work: a commit or rollback ends it, and the next append locks again.
            # Writing first makes SQLite take its write lock before we read the head, and
            # row-locks it on PostgreSQL, so concurrent writers chain one after another.
            self.session.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=ChainHead.seq))
            head = self.session.get(ChainHead, 1, populate_existing=True)
            if head is None:
                raise RuntimeError("the register's chain head is missing: run `flask --app registry db upgrade`")
            self.head = head
            events_appended(self.session, head.seq)
        return self.head

    def _link(
        self, number: str, kind: str, effective: dt.date, reason: str, details: dict[str, Any], state: dict[str, Any]
    ) -> dict[str, Any]:
        """The next event's chain fields (seq, time, actor, hashes), advancing the head."""
        head = self.lock()
        seq, recorded = head.seq + 1, utcnow()
        digest = event_hash(
            head.hash,
            content_of(
                seq, number, kind, effective, recorded, self.actor.name, self.actor.request_id, reason, details, state
            ),
        )
        fields = {
            "seq": seq,
            "type": kind,
            "effective": effective,
            "recorded_at": recorded,
            "actor": self.actor.name,
            "request_id": self.actor.request_id,
            "reason": reason,
            "details": details,
            "state": state,
            "prev_hash": head.hash,
            "hash": digest,
        }
        head.seq, head.hash = seq, digest
        return fields

    def append(
        self,
        cert: Certificate,
        kind: str,
        effective: dt.date,
        reason: str,
        details: dict[str, Any],
        state: dict[str, Any],
    ) -> CertificateEvent:
        """Append one event for a certificate held as an ORM object."""
        event = CertificateEvent(certificate=cert, **self._link(cert.number, kind, effective, reason, details, state))
        self.session.add(event)
        return event

    def append_rows(self, events: list[NewEvent]) -> None:
        """Append events for certificates written as rows, in order, with one INSERT."""
        if not events:
            return
        rows = [
            {
                "certificate_id": e.certificate_id,
                **self._link(e.number, e.type, e.effective, e.reason, e.details, e.state),
            }
            for e in events
        ]
        self.session.execute(insert(CertificateEvent), rows)
