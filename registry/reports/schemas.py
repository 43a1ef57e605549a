"""Typed input of a report, shared by the API and the scan page's form, and the API's answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from registry.schemas import Output

KINDS = ("forged_mark", "wrong_holder", "dead_mark_displayed", "service_complaint", "other")
MAX_MESSAGE = 2000
MAX_SHORT = 200


class ReportIn(BaseModel):
    """What a member of the public reports about one mark (`token`) or certificate (`number`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    token: str | None = Field(default=None, min_length=1, max_length=400)
    number: str | None = Field(default=None, min_length=1, max_length=60)
    kind: Literal["forged_mark", "wrong_holder", "dead_mark_displayed", "service_complaint", "other"]
    message: str = Field(default="", max_length=MAX_MESSAGE)
    location: str = Field(default="", max_length=MAX_SHORT)
    contact: str = Field(default="", max_length=MAX_SHORT)

    @model_validator(mode="after")
    def _one_subject(self) -> ReportIn:
        if (self.token is None) == (self.number is None):
            raise ValueError("give either token or number")
        return self


class ReportOut(Output):
    id: int
