"""Typed input of the verification API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

MAX_ITEMS = 1000


class VerifyIn(BaseModel):
    """Up to 1,000 certificate numbers, mark tokens or scanned URLs, mixed; duplicates allowed."""

    model_config = ConfigDict(extra="forbid")
    items: list[str] = Field(min_length=1, max_length=MAX_ITEMS)
    as_of: dt.date | None = None


class ReceiptCheckIn(BaseModel):
    """A receipt (compact JWS) to check online."""

    model_config = ConfigDict(extra="forbid")
    receipt: str = Field(min_length=1, max_length=4_000_000)
