"""Certification bodies and their API keys."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.db import Base, UTCDateTime, utcnow


class CertificationBody(Base):
    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Published contact details, kept by the body's admins in the portal.
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(64), default="", server_default="")
    contact_address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # When set, every portal user of the body must sign in with a TOTP code as well.
    require_totp: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    api_keys: Mapped[list[ApiKey]] = relationship(back_populates="body")

    @property
    def contacts(self) -> list[tuple[str, str, str]]:
        """The body's contact details as (kind, text, link), in the order a consumer would try them."""
        out = []
        if self.contact_phone:
            out.append(
                ("phone", self.contact_phone, "tel:" + "".join(c for c in self.contact_phone if c in "+0123456789"))
            )
        if self.contact_email:
            out.append(("email", self.contact_email, f"mailto:{self.contact_email}"))
        if self.website:
            out.append(("website", self.website, self.website))
        return out

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en}


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    # The public prefix identifies a key in logs and audit trails; only a hash of the rest is kept.
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[CertificationBody] = relationship(back_populates="api_keys")
