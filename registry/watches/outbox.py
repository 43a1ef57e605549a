"""The webhook outbox: filled in the same transaction as the events it reports, from one place.

`Register` registers `fill_outbox` as a before-commit step the first time a unit of work takes
the chain head, so every event of that unit of work (single changes and bulk imports alike) is
matched against the watch lists before the commit that makes it durable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import and_, exists, insert, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.reads import verdict_rows
from registry.certificates.validation import today
from registry.certificates.verdicts import verdict_of
from registry.db import utcnow
from registry.organisations.models import Organisation
from registry.watches.models import Delivery, Watch, WatchTarget

CHUNK = 1000

# The changes a watch hears about, and the webhook event type each one is sent as.
EVENT_TYPES = {
    "issue": "certificate.issued",
    "suspend": "certificate.suspended",
    "reinstate": "certificate.reinstated",
    "revoke": "certificate.revoked",
    "withdraw": "certificate.withdrawn",
    "renew": "certificate.renewed",
    "amend": "certificate.amended",
    "surveillance": "certificate.surveilled",
    "expire": "certificate.expired",
}


def _base_url() -> str:
    return current_app.config["BASE_URL"] if has_app_context() else ""


def event_message(kind: str, number: str, state: dict[str, Any], holder: Any, **extra: Any) -> dict[str, Any]:
    """The JSON a watch receives for one change (Standard Webhooks shape: type, timestamp, data)."""
    expires = dt.date.fromisoformat(state["expires"])
    data = {
        "event": kind,
        "number": number,
        "status": state["status"],
        "verdict": verdict_of(state["status"], expires, today()),
        "star_level": state["star_level"],
        "expires": state["expires"],
        "scheme": state["scheme"],
        "holder": {"name_zh": holder.name_zh, "name_en": holder.name_en, "credit_code": holder.credit_code},
        "url": f"{_base_url()}/certificates/{number}",
        **extra,
    }
    return {"type": EVENT_TYPES[kind], "timestamp": utcnow().isoformat().replace("+00:00", "Z"), "data": data}


def _watching(target_kind: str, value_column: Any) -> Any:
    return and_(WatchTarget.kind == target_kind, WatchTarget.value == value_column)


def any_active_watch(session: Session) -> bool:
    return bool(session.scalar(select(exists().where(Watch.status == "active"))))


def watchers(session: Session, numbers: set[str], codes: set[str]) -> dict[tuple[str, str], list[str]]:
    """Active watches by what they follow: {("number" | "credit_code", value): [watch ids]}."""
    found: dict[tuple[str, str], list[str]] = {}
    for kind, values in (("number", sorted(numbers)), ("credit_code", sorted(codes))):
        for start in range(0, len(values), CHUNK):
            rows = session.execute(
                select(WatchTarget.value, WatchTarget.watch_id)
                .join(Watch, and_(Watch.id == WatchTarget.watch_id, Watch.status == "active"))
                .where(WatchTarget.kind == kind, WatchTarget.value.in_(values[start : start + CHUNK]))
            )
            for value, watch_id in rows:
                found.setdefault((kind, value), []).append(watch_id)
    return found


def fill_outbox(session: Session, after_seq: int) -> int:
    """Queue one message per (new event, active watch that follows its certificate or holder).

    Driven from the unit of work's own events (seq > after_seq, by primary key), then one indexed
    lookup of the watch targets they name: a join driven from the targets took 300 ms on
    PostgreSQL with 1,000 watches.
    """
    if not any_active_watch(session):
        return 0
    events = session.execute(
        select(
            CertificateEvent.seq,
            CertificateEvent.type,
            CertificateEvent.effective,
            CertificateEvent.reason,
            CertificateEvent.state,
            Certificate.number,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.credit_code,
        )
        .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .where(CertificateEvent.seq > after_seq, CertificateEvent.type.in_(list(EVENT_TYPES)))
        .order_by(CertificateEvent.seq)
    ).all()
    if not events:
        return 0
    watching = watchers(session, {e.number for e in events}, {e.credit_code for e in events})
    rows = []
    for e in events:
        ids = watching.get(("number", e.number), []) + watching.get(("credit_code", e.credit_code), [])
        for watch_id in dict.fromkeys(ids):
            message = event_message(
                e.type, e.number, e.state, e, seq=e.seq, effective=e.effective.isoformat(), reason=e.reason
            )
            rows.append(_delivery(f"msg_{e.seq}_{watch_id}", watch_id, message))
    if rows:
        session.execute(insert(Delivery), rows)
    return len(rows)


def _delivery(msg_id: str, watch_id: str, message: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    return {
        "id": msg_id,
        "watch_id": watch_id,
        "event_type": message["type"],
        "payload": message,
        "created_at": now,
        "state": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "locked_until": None,
        "delivered_at": None,
        "last_status": None,
        "last_error": "",
    }


def enqueue_expiries(session: Session, day: dt.date, lookback_days: int = 7) -> int:
    """Queue `certificate.expired` for watched certificates that expired in the last days (the daily job).

    Message ids are derived from the certificate, its expiry date and the watch, so running the job
    again (or after a restart) queues nothing twice.
    """
    if not any_active_watch(session):
        return 0
    since = day - dt.timedelta(days=lookback_days)
    live = ("valid", "suspended")
    found: dict[str, tuple[Any, Any]] = {}
    for target_kind, column in (("number", Certificate.number), ("credit_code", Organisation.credit_code)):
        query = (
            verdict_rows(WatchTarget.watch_id)
            .join(WatchTarget, _watching(target_kind, column))
            .join(Watch, and_(Watch.id == WatchTarget.watch_id, Watch.status == "active"))
            .where(Certificate.expires >= since, Certificate.expires < day, Certificate.status.in_(live))
        )
        for row in session.execute(query):
            found.setdefault(f"msg_expire_{row.id}_{row.expires.isoformat()}_{row.watch_id}", row)
    if not found:
        return 0
    queued = set(session.scalars(select(Delivery.id).where(Delivery.id.in_(list(found)))))
    rows = []
    for msg_id, row in sorted(found.items()):
        if msg_id in queued:
            continue
        state = {
            "status": row.status,
            "star_level": row.star_level,
            "expires": row.expires.isoformat(),
            "scheme": row.scheme,
        }
        message = event_message("expire", row.number, state, row, effective=row.expires.isoformat(), reason="")
        rows.append(_delivery(msg_id, row.watch_id, message))
    if rows:
        session.execute(insert(Delivery), rows)
    return len(rows)
