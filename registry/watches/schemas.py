"""Typed input of the watch API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MAX_TARGETS = 1000


class WatchIn(BaseModel):
    """A callback URL and the certificate numbers and holders' credit codes to follow (1,000 at most)."""

    model_config = ConfigDict(extra="forbid")
    url: str = Field(min_length=1, max_length=2000)
    numbers: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)
    credit_codes: list[str] = Field(default_factory=list, max_length=MAX_TARGETS)
