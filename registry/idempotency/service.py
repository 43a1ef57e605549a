"""Replaying the first answer to a retried write: fingerprint, replay, remember."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import Conflict
from registry.idempotency.models import IdempotentRequest


def fingerprint(method: str, path: str, payload: Any) -> str:
    """What the request asked for; the same key with a different request is a client bug."""
    raw = json.dumps([method, path, payload], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def replay(session: Session, api_key_id: int, key: str, print_: str) -> IdempotentRequest | None:
    """The stored answer for this key, or None; Conflict when the key was used for another request."""
    stored = session.scalar(
        select(IdempotentRequest).where(IdempotentRequest.api_key_id == api_key_id, IdempotentRequest.key == key)
    )
    if stored is not None and stored.fingerprint != print_:
        raise Conflict(
            f"Idempotency-Key {key!r} was already used for a different request",
            f"Idempotency-Key {key!r} 已用于另一个请求",
        )
    return stored


def remember(session: Session, api_key_id: int, key: str, print_: str, status: int, body: dict[str, Any]) -> None:
    """Store the answer in the same transaction as the change it reports."""
    session.add(IdempotentRequest(api_key_id=api_key_id, key=key, fingerprint=print_, status=status, body=body))
