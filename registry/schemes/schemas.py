"""A scheme as the API answers it."""

from __future__ import annotations

from pydantic import Field

from registry.schemas import Output


class StarThresholdOut(Output):
    star_level: int = Field(ge=1, le=5)
    min_score: int | float


class ComponentOut(Output):
    code: str
    name_zh: str
    name_en: str


class SchemeOut(Output):
    code: str
    short_name: str
    short_name_zh: str = Field(description="Printed on Chinese marks; empty means short_name only")
    name_zh: str
    name_en: str
    max_score: int
    star_thresholds: list[StarThresholdOut]
    validity_months: int
    surveillance_months: int
    components: list[ComponentOut]
    business_types: list[str]
    notes: str


class SchemeListOut(Output):
    items: list[SchemeOut]
    total: int
