"""A certification body's staff accounts and the failed sign-ins that lock them out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.bodies.models import CertificationBody
from registry.db import Base, UTCDateTime, utcnow

ROLES = ("admin", "clerk")


class User(Base):
    """A person who signs in to the portal for one certification body."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("bodies.id"), index=True)
    # Kept lower-case: addresses are compared case-insensitively. At most 120 characters, the
    # width of an event's actor, where the address is recorded.
    email: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    # A password the operator or an admin handed out must be replaced at the next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped by a password change, reset or disabling: every older session stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last TOTP time step accepted, so a code cannot be replayed within its window.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    body: Mapped[CertificationBody] = relationship()

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None

    # Flask-Login's user protocol.
    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The version makes a session die when the password changes or the account is disabled.
        return f"{self.id}:{self.session_version}"


class LoginFailure(Base):
    """One failed sign-in, counted against the account (`email`) and the client address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_scope_key", "scope", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(254))
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
