"""Certification schemes: scoring rules, star thresholds, validity."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base, JSONDoc


class Scheme(Base):
    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    short_name: Mapped[str] = mapped_column(String(32))
    # The short name printed on Chinese marks ("北京零售"); empty means print short_name only.
    short_name_zh: Mapped[str] = mapped_column(String(32), default="", server_default="")
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    max_score: Mapped[int]
    # thresholds[i] is the minimum score for star level i + 1.
    thresholds: Mapped[list[int]] = mapped_column(JSONDoc)
    validity_months: Mapped[int]
    surveillance_months: Mapped[int]
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc)
    business_types: Mapped[list[str]] = mapped_column(JSONDoc)
    notes: Mapped[str] = mapped_column(String(2000), default="")

    def star_for_score(self, score: float) -> int | None:
        """The star level a score earns under this scheme, or None below one star."""
        earned = None
        for level, minimum in enumerate(self.thresholds, start=1):
            if score >= minimum:
                earned = level
        return earned

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "short_name": self.short_name,
            "short_name_zh": self.short_name_zh,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "max_score": self.max_score,
            "star_thresholds": [{"star_level": i, "min_score": m} for i, m in enumerate(self.thresholds, start=1)],
            "validity_months": self.validity_months,
            "surveillance_months": self.surveillance_months,
            "components": self.components,
            "business_types": self.business_types,
            "notes": self.notes,
        }
