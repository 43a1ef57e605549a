"""Typed input for certificates and events, shared by the API, the importer and the CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic import ValidationError as PydanticError

from registry.errors import FieldError, ValidationError

EVENT_TYPES = ("suspend", "reinstate", "revoke", "withdraw", "renew", "amend", "surveillance", "holder")


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HolderIn(_Input):
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(default="", max_length=300)
    credit_code: str = Field(min_length=1, max_length=40)
    region: str = Field(min_length=1, max_length=12)
    business_type: str = Field(min_length=1, max_length=32)

    @field_validator("credit_code")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.upper()


class HolderChangeIn(_Input):
    """New details for a holder (its credit code never changes); omitted fields stay as they are."""

    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=300)
    region: str | None = Field(default=None, min_length=1, max_length=12)
    business_type: str | None = Field(default=None, min_length=1, max_length=32)


class CertificateIn(_Input):
    """One certificate as a certification body publishes it."""

    number: str = Field(min_length=1, max_length=60)
    scheme: str = Field(min_length=1, max_length=64)
    holder: HolderIn
    star_level: int
    score: Decimal = Field(max_digits=7, decimal_places=2)
    scope_zh: str = Field(min_length=1, max_length=2000)
    scope_en: str = Field(default="", max_length=4000)
    issued: dt.date
    expires: dt.date | None = None
    sites: list[str] = Field(default_factory=list, max_length=100)
    evaluation: dict[str, Decimal] = Field(default_factory=dict, max_length=20)
    # An existing holder with other details is a 409 unless the body asks to change them
    # (allowed only to a body that already certifies the holder): a recorded `holder` event.
    update_holder: bool = False

    @field_validator("number")
    @classmethod
    def _number_upper(cls, v: str) -> str:
        return v.upper()


class EventIn(_Input):
    """A status change or amendment of one certificate."""

    type: Literal["suspend", "reinstate", "revoke", "withdraw", "renew", "amend", "surveillance", "holder"]
    effective: dt.date | None = None
    reason: str = Field(default="", max_length=2000)
    star_level: int | None = None
    score: Decimal | None = Field(default=None, max_digits=7, decimal_places=2)
    scope_zh: str | None = Field(default=None, min_length=1, max_length=2000)
    scope_en: str | None = Field(default=None, max_length=4000)
    sites: list[str] | None = Field(default=None, max_length=100)
    evaluation: dict[str, Decimal] | None = Field(default=None, max_length=20)
    expires: dt.date | None = None
    result: Literal["passed", "failed"] | None = None
    holder: HolderChangeIn | None = None


ZH_MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不允许的字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "decimal_parsing": "应为数字",
    "date_from_datetime_parsing": "应为 YYYY-MM-DD 日期",
    "date_parsing": "应为 YYYY-MM-DD 日期",
    "date_type": "应为 YYYY-MM-DD 日期",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "literal_error": "取值不在允许范围内",
}


def field_errors(exc: PydanticError, prefix: str = "") -> list[FieldError]:
    """Pydantic's errors as FieldErrors with dotted field names."""
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        out.append(FieldError(prefix + loc, err["msg"], ZH_MESSAGES.get(err["type"], "格式不正确")))
    return out


def parse_certificate(data: Any, prefix: str = "") -> CertificateIn:
    """Validate raw data into a CertificateIn or raise ValidationError naming each field."""
    try:
        return CertificateIn.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(field_errors(exc, prefix)) from None


def parse_event(data: Any) -> EventIn:
    """Validate raw data into an EventIn or raise ValidationError naming each field."""
    try:
        return EventIn.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None
