"""A report filed by a member of the public, stored with the certificate and body it concerns."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.db import Base, UTCDateTime, utcnow


class Report(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    # What was reported: the scanned token and/or the number it names (as claimed, even when forged).
    token: Mapped[str | None] = mapped_column(String(400))
    number: Mapped[str | None] = mapped_column(String(60))
    # The verdict the reporter saw, so a body can tell reports of forgeries from reports of dead marks.
    verdict: Mapped[str] = mapped_column(String(16))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id"), index=True)
    message: Mapped[str] = mapped_column(String(2000), default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(200), default="")

    certificate: Mapped[Certificate | None] = relationship()
    body: Mapped[CertificationBody | None] = relationship()
