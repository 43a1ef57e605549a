"""The delivery worker: takes due messages from the outbox, POSTs them, records what happened.

Why a loop over the outbox table rather than a job-queue library (RQ, Dramatiq, Celery): the
table already is the durable queue, written in the same transaction as the events, on SQLite and
PostgreSQL alike; a broker-based queue would need a second store (Redis, optional here) and a
relay from the table into it, which is where messages get lost or doubled. What the libraries
add (leases, retries with backoff, dead letters) is a few columns and one UPDATE here.

Guarantees: a message stays queued until a 2xx answer is recorded; a worker killed mid-delivery
leaves a lease that runs out, and the message is sent again (receivers deduplicate on
`webhook-id`, as Standard Webhooks asks); a message recorded as delivered is never sent again.
On PostgreSQL several workers may run (FOR UPDATE SKIP LOCKED); on SQLite run one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from registry.certificates.validation import today
from registry.db import utcnow
from registry.watches.delivery import Response, Sender
from registry.watches.models import Delivery, Watch
from registry.watches.outbox import enqueue_expiries
from registry.watches.service import disable_watch
from registry.watches.signatures import headers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    concurrency: int = 16
    batch: int = 200
    timeout: float = 10.0
    # A claimed message is not handed out again before its lease ends (longer than any POST).
    lease: float = 60.0
    # Retries wait retry_base, then three times longer each time (capped at 6 hours) ...
    retry_base: float = 10.0
    # ... until this long after the change; then the message is given up ("dead").
    give_up_after: float = 3 * 24 * 3600.0
    poll: float = 1.0
    # Outcomes recorded per commit (at most 0.2 s apart).
    record_every: int = 20


@dataclass(frozen=True)
class Job:
    id: str
    watch_id: str
    url: str
    secret: str
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime


def retry_delay(attempts: int, base: float) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, 3x base, 9x base, ... at most 6 h."""
    return min(base * 3 ** (attempts - 1), 6 * 3600.0)


class Worker:
    """Delivers the outbox; `run_once` is one round, `run` loops until stopped."""

    def __init__(self, sessions: sessionmaker[Session], sender: Sender, settings: WorkerSettings) -> None:
        self.sessions = sessions
        self.sender = sender
        self.settings = settings
        self.pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="webhook")
        self._expiry_day: dt.date | None = None

    def claim(self, session: Session) -> list[Job]:
        now = utcnow()
        rows = session.execute(
            select(
                Delivery.id,
                Delivery.watch_id,
                Watch.url,
                Watch.secret,
                Delivery.payload,
                Delivery.attempts,
                Delivery.created_at,
            )
            .join(Watch, Watch.id == Delivery.watch_id)
            .where(
                Delivery.state == "pending",
                Delivery.next_attempt_at <= now,
                or_(Delivery.locked_until.is_(None), Delivery.locked_until < now),
                Watch.status == "active",
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(self.settings.batch)
            .with_for_update(skip_locked=True, of=Delivery)
        ).all()
        jobs = [Job(*row) for row in rows]
        if jobs:
            until = now + dt.timedelta(seconds=self.settings.lease)
            session.execute(update(Delivery).where(Delivery.id.in_([j.id for j in jobs])).values(locked_until=until))
        session.commit()
        return jobs

    def send(self, job: Job) -> Response:
        body = json.dumps(job.payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self.sender.post(job.url, headers(job.secret, job.id, int(time.time()), body), body)

    def record(self, session: Session, outcomes: list[tuple[Job, Response]]) -> None:
        """Store attempts' outcomes in the session (the caller commits): successes in one statement."""
        now = utcnow()
        ok = [job.id for job, answer in outcomes if answer.status is not None and 200 <= answer.status < 300]
        if ok:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ok), Delivery.state == "pending")
                .values(
                    state="delivered",
                    delivered_at=now,
                    attempts=Delivery.attempts + 1,
                    last_status=200,
                    last_error="",
                    locked_until=None,
                )
                .execution_options(synchronize_session=False)
            )
        for job, answer in outcomes:
            if answer.status is not None and 200 <= answer.status < 300:
                continue
            values: dict[str, Any] = {"attempts": job.attempts + 1, "last_status": answer.status, "locked_until": None}
            if answer.status == 410:
                values.update(state="cancelled", last_error="410 Gone: the receiver asked to stop")
            else:
                wait = retry_delay(job.attempts + 1, self.settings.retry_base)
                next_at = now + dt.timedelta(seconds=wait)
                gave_up = next_at > job.created_at + dt.timedelta(seconds=self.settings.give_up_after)
                values.update(
                    state="dead" if gave_up else "pending",
                    next_attempt_at=next_at,
                    last_error=answer.error or f"HTTP {answer.status}",
                )
            session.execute(
                update(Delivery)
                .where(Delivery.id == job.id, Delivery.state == "pending")
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if answer.status == 410:
                disable_watch(session, job.watch_id, "the receiver answered 410 Gone")

    def run_once(self) -> int:
        """Claim due messages and deliver them; returns how many were attempted."""
        with self.sessions() as session:
            self.daily_jobs(session)
            jobs = self.claim(session)
            if not jobs:
                return 0
            futures = {self.pool.submit(self.send, job): job for job in jobs}
            # Outcomes are committed in small groups as they come in (a commit per message cost
            # 30 ms each on PostgreSQL here): a crash re-sends at most one group, never a recorded one.
            unsaved: list[tuple[Job, Response]] = []
            saved_at = time.monotonic()
            for future in as_completed(futures):
                job = futures[future]
                try:
                    answer = future.result()
                except Exception as exc:  # a bug in sending must not stop the worker
                    log.exception("delivery %s failed", job.id)
                    answer = Response(None, f"internal error: {type(exc).__name__}")
                log.debug("webhook %s -> %s", job.id, answer.status or answer.error)
                unsaved.append((job, answer))
                if len(unsaved) >= self.settings.record_every or time.monotonic() - saved_at > 0.2:
                    self.record(session, unsaved)
                    session.commit()
                    unsaved, saved_at = [], time.monotonic()
            if unsaved:
                self.record(session, unsaved)
                session.commit()
            failed = sum(1 for f in futures if f.exception() or not 200 <= (f.result().status or 0) < 300)
            log.info("delivered %s of %s webhooks", len(jobs) - failed, len(jobs))
            return len(jobs)

    def daily_jobs(self, session: Session) -> None:
        """Once a day (and at start): queue expiry messages for watched certificates."""
        day = today()
        if self._expiry_day == day:
            return
        queued = enqueue_expiries(session, day)
        session.commit()
        self._expiry_day = day
        if queued:
            log.info("queued %s expiry messages", queued)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker round failed; retrying")
                busy = 0
            if not busy:
                stop.wait(self.settings.poll)

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.sender.close()
