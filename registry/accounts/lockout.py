"""Sign-in throttling: 10 failures within 15 minutes lock the account, or the client, for 15 minutes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registry.accounts.models import LoginFailure
from registry.db import utcnow

MAX_FAILURES = 10
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)
# Failures older than this are deleted when new ones are recorded.
KEEP = dt.timedelta(days=1)


def locked_until(session: Session, scope: str, key: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the lock on `key` ends, or None when it is not locked."""
    now = now or utcnow()
    recent = list(
        session.scalars(
            select(LoginFailure.failed_at)
            .where(LoginFailure.scope == scope, LoginFailure.key == key, LoginFailure.failed_at > now - WINDOW - LOCK)
            .order_by(LoginFailure.failed_at.desc())
            .limit(MAX_FAILURES)
        )
    )
    if len(recent) < MAX_FAILURES or recent[0] - recent[-1] > WINDOW:
        return None
    until = recent[0] + LOCK
    return until if until > now else None


def record_failure(session: Session, scope: str, key: str, now: dt.datetime | None = None) -> None:
    """Count one failed sign-in against `key`."""
    now = now or utcnow()
    session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - KEEP))
    session.add(LoginFailure(scope=scope, key=key, failed_at=now))
    session.flush()


def clear(session: Session, scope: str, key: str) -> None:
    """Forget the failures of `key` (after a successful sign-in or a password reset)."""
    session.execute(delete(LoginFailure).where(LoginFailure.scope == scope, LoginFailure.key == key))
