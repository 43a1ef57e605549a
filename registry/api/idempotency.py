"""`Idempotency-Key` for event posts: a retry replays the first answer instead of acting twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from registry.db import Base, JSONDoc, UTCDateTime, utcnow
from registry.errors import Conflict


class IdempotencyHeaders(BaseModel):
    """The header that makes an event post safe to retry (at most 128 characters, checked by the view)."""

    model_config = ConfigDict(populate_by_name=True)
    idempotency_key: str | None = Field(default=None, alias="Idempotency-Key", max_length=128)


class IdempotentRequest(Base):
    __tablename__ = "idempotent_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("api_key_id", "key"),)


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
