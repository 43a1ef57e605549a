"""Watch lists and the webhook outbox: who wants to hear about which certificates, and what to send."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, JSONDoc, UTCDateTime, utcnow


class Watch(Base):
    """A callback URL following some certificate numbers and holders; its secret manages it."""

    __tablename__ = "watches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    # Kept as given (whsec_...): it keys every signature, so it cannot be stored as a hash.
    secret: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="active")
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    targets: Mapped[list[WatchTarget]] = relationship(back_populates="watch", cascade="all, delete-orphan")


class WatchTarget(Base):
    """One thing a watch follows: a certificate number or a holder's credit code."""

    __tablename__ = "watch_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[str] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # "number" | "credit_code"
    value: Mapped[str] = mapped_column(String(40))

    watch: Mapped[Watch] = relationship(back_populates="targets")

    __table_args__ = (
        UniqueConstraint("watch_id", "kind", "value"),
        Index("ix_watch_targets_kind_value", "kind", "value"),
    )


class Delivery(Base):
    """One webhook message in the outbox. `id` is its webhook-id, derived from the event and the
    watch, so the same change can never be queued twice for one watch."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    watch_id: Mapped[str] = mapped_column(ForeignKey("watches.id", ondelete="CASCADE"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # pending -> delivered | dead (gave up after the backoff schedule) | cancelled (watch disabled)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A worker that took the message holds it until then; a killed worker's lease simply runs out.
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_webhook_deliveries_state_next", "state", "next_attempt_at"),)
