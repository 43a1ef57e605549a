"""Certificates and their append-only, hash-chained event history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.bodies.models import CertificationBody
from registry.certificates.rules import FINAL_STATUSES, STATUSES
from registry.db import Base, JSONDoc, UTCDateTime, utcnow
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme

__all__ = ["FINAL_STATUSES", "STATUSES", "Certificate", "CertificateEvent", "ChainHead"]


class Certificate(Base):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    # number_skeleton(number): look-alike numbers (O/0, I/1, doubled dashes) share it.
    number_skeleton: Mapped[str | None] = mapped_column(String(40), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    star_level: Mapped[int]
    score: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    scope_zh: Mapped[str] = mapped_column(Text)
    scope_en: Mapped[str] = mapped_column(Text, default="")
    sites: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    issued: Mapped[dt.date] = mapped_column(Date)
    expires: Mapped[dt.date] = mapped_column(Date, index=True)
    # Stored status never says "expired": that is derived from `expires` when read.
    status: Mapped[str] = mapped_column(String(16), index=True)
    token: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    scheme: Mapped[Scheme] = relationship(lazy="joined")
    holder: Mapped[Organisation] = relationship(lazy="joined")
    body: Mapped[CertificationBody] = relationship(lazy="joined")


class CertificateEvent(Base):
    """One change to one certificate; never updated or deleted.

    `seq` numbers every event of the register; `hash` covers the event's content and the
    previous event's hash, so editing, inserting or deleting any row breaks the chain.
    """

    __tablename__ = "certificate_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"))
    type: Mapped[str] = mapped_column(String(16))
    effective: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(120))
    request_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    state: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    certificate: Mapped[Certificate] = relationship()

    __table_args__ = (Index("ix_certificate_events_cert_effective", "certificate_id", "effective"),)


class ChainHead(Base):
    """The single row holding the last event's sequence number and hash.

    Writers lock it (SELECT ... FOR UPDATE) so events chain in one order across app servers.
    """

    __tablename__ = "chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))
