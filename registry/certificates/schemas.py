"""Typed input for certificates and events, shared by the API, the importer and the CLI, and the
certificate as the API answers it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator
from pydantic import ValidationError as PydanticError

from registry.errors import FieldError, ValidationError
from registry.schemas import DAY, TIME, Output

STATUSES = ("valid", "suspended", "revoked", "withdrawn")
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


MAX_BATCH = 1000


class CertificateBatchIn(_Input):
    """Up to 1,000 certificates, published all or nothing."""

    items: list[CertificateIn] = Field(min_length=1, max_length=MAX_BATCH)


class CertificateOrBatchIn(RootModel[CertificateIn | CertificateBatchIn]):
    """One certificate, or {"items": [...]}."""


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


REGISTER_VERDICTS = ["valid", "suspended", "revoked", "withdrawn", "expired"]


class NamedOut(Output):
    code: str
    name_zh: str
    name_en: str


class HolderOut(Output):
    name_zh: str
    name_en: str
    credit_code: str
    region: str
    business_type: str


class CertificateOut(Output):
    """A certificate as the API answers it: its verdict on the day asked about, and where its mark lives."""

    number: str
    verdict: str = Field(json_schema_extra={"enum": REGISTER_VERDICTS})
    status: str = Field(json_schema_extra={"enum": list(STATUSES)})
    star_level: int = Field(ge=1, le=5)
    score: int | float
    scheme: NamedOut
    holder: HolderOut
    body: NamedOut
    scope_zh: str
    scope_en: str
    sites: list[str]
    evaluation: dict[str, int | float]
    issued: str = Field(json_schema_extra=DAY)
    expires: str = Field(json_schema_extra=DAY)
    version: int
    updated_at: str | None = Field(default=None, json_schema_extra=TIME, description="Absent with as_of")
    token: str | None
    verify_url: str | None
    mark_url: str | None
    page_url: str
    as_of: str | None = Field(default=None, json_schema_extra=DAY, description="Only with as_of: the day asked about")


class CertificateBatchOut(Output):
    items: list[CertificateOut]
    created: int
    unchanged: int


class CertificateOrBatchOut(RootModel[CertificateOut | CertificateBatchOut]):
    """One certificate in, one out; a batch in, a batch out."""


class EventOut(Output):
    seq: int
    log_index: int = Field(ge=0, description="The event's leaf in the transparency log")
    type: str
    effective: str = Field(json_schema_extra=DAY)
    recorded_at: str = Field(json_schema_extra=TIME)
    actor: str
    request_id: str | None
    reason: str
    details: dict[str, Any]
    state: dict[str, Any]
    hash: str


class HistoryOut(Output):
    number: str
    events: list[EventOut]


class RegionCountOut(Output):
    code: str
    name_zh: str
    name_en: str
    count: int
    children: list[RegionCountOut]


class StatsOut(Output):
    """Counts by verdict, star level, scheme, body, region (a tree) and business type."""

    as_of: str = Field(json_schema_extra=DAY)
    total: int
    by_verdict: dict[str, int]
    by_star_level: dict[str, int]
    by_scheme: dict[str, int]
    by_body: dict[str, int]
    by_region: list[RegionCountOut]
    by_business_type: dict[str, int]
