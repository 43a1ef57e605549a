"""Organisations that hold certificates."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    # Comparison keys of the names (registry.organisations.names.name_key), for checks by name.
    name_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    name_en_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    region: Mapped[str] = mapped_column(String(6), index=True)
    business_type: Mapped[str] = mapped_column(String(32), index=True)

    def to_dict(self) -> dict[str, str]:
        return {
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "credit_code": self.credit_code,
            "region": self.region,
            "business_type": self.business_type,
        }
