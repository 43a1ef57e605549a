"""Typed input of the verification API, and its answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from registry.schemas import DAY, TIME, Output

MAX_ITEMS = 1000
VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged")


class VerifyIn(BaseModel):
    """Up to 1,000 certificate numbers, mark tokens or scanned URLs, mixed; duplicates allowed."""

    model_config = ConfigDict(extra="forbid")
    items: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    as_of: dt.date | None = None


class ReceiptCheckIn(BaseModel):
    """A receipt (compact JWS) to check online."""

    model_config = ConfigDict(extra="forbid")
    receipt: str = Field(min_length=1, max_length=4_000_000)


class ResultHolderOut(Output):
    name_zh: str
    name_en: str
    credit_code: str


class HolderCertificateOut(Output):
    number: str
    verdict: str = Field(json_schema_extra={"enum": ["valid", "suspended", "revoked", "withdrawn", "expired"]})
    star_level: int
    scheme: str
    expires: str = Field(json_schema_extra=DAY)
    holder_credit_code: str


class ChangeOut(Output):
    field: str
    on_mark: str | int | None
    in_register: str | int | None


class VerifyResultOut(Output):
    input: str
    input_kind: str = Field(json_schema_extra={"enum": ["number", "token", "url", "credit_code", "name", "unknown"]})
    verdict: str = Field(json_schema_extra={"enum": list(VERDICTS)})
    reason: str
    reason_zh: str
    number: str | None
    holder: ResultHolderOut | None
    star_level: int | None
    status: str | None
    scheme: str | None
    expires: str | None = Field(json_schema_extra=DAY)
    signature: str = Field(json_schema_extra={"enum": ["valid", "invalid", "none"]})
    mark_current: bool | None
    changes: list[ChangeOut] = Field(description="Where the mark no longer matches the register")
    normalised: str | None = Field(description="The input as read, when cleaning it changed it")
    # Only for a credit code or a name: every holder it names, and all their certificates.
    holders: list[ResultHolderOut] | None = None
    certificates: list[HolderCertificateOut] | None = None
    log_index: int | None = Field(description="The logged event this verdict rests on (null when not found)")


class LogCheckpointOut(Output):
    origin: str
    size: int
    checkpoint: str


class VerifyOut(Output):
    checked_at: str = Field(json_schema_extra=TIME)
    as_of: str | None = Field(json_schema_extra=DAY)
    results: list[VerifyResultOut]
    log: LogCheckpointOut | None = Field(
        description="The log checkpoint that covers every result (null without a log key)"
    )
    receipt: str = Field(description="A compact JWS over the results, signed by the registry")
    receipt_id: str
    receipt_url: str


class ReceiptCheckOut(Output):
    valid: bool
    kid: str | None
    reason: str
    payload: dict[str, Any] | None
