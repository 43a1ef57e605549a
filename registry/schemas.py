"""The base of every response document the API answers with (each domain declares its own in its schemas.py)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

DAY: dict[str, Any] = {"format": "date"}
TIME: dict[str, Any] = {"format": "date-time"}


class Output(BaseModel):
    """A response document: every field declared, so an answer and its description cannot drift apart.

    A field appears in the answer when the code that builds it sets it (the API dumps with
    exclude_unset), in the order declared here.
    """

    model_config = ConfigDict(extra="forbid")
