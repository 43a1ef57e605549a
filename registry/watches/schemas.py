"""Typed input of the watch API, and its answers."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from registry.schemas import Output

MAX_TARGETS = 1000


class WatchIn(BaseModel):
    """A callback URL and the certificate numbers and holders' credit codes to follow (1,000 at most)."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2000)
    numbers: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)
    credit_codes: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)


class WatchCreatedOut(Output):
    id: str
    secret: str = Field(description="whsec_...: signs every webhook (Standard Webhooks) and manages the watch")
    feed_url: str
    url: str


class WatchOut(Output):
    id: str
    url: str
    status: str = Field(json_schema_extra={"enum": ["active", "disabled"]})
    disabled_reason: str
    feed_url: str
    numbers: list[str]
    credit_codes: list[str]
