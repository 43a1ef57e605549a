"""Signed verification receipts, kept under their hash so a page and a PDF can show them later."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, UTCDateTime, utcnow


class StoredReceipt(Base):
    """One receipt (compact JWS) as issued; `id` is the SHA-256 of its text, in hex."""

    __tablename__ = "receipts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    jws: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
