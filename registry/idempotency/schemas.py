"""What the API says about idempotent requests (the document reads it; the view checks the header)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IdempotencyHeaders(BaseModel):
    """The header that makes an event post safe to retry (at most 128 characters, checked by the view)."""

    model_config = ConfigDict(populate_by_name=True)
    idempotency_key: str | None = Field(default=None, alias="Idempotency-Key", max_length=128)
