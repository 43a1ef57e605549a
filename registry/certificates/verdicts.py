"""The one verdict rule, in Python and in SQL: final statuses stand, otherwise a passed expiry wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, literal

from registry.certificates.models import Certificate
from registry.certificates.rules import FINAL_STATUSES, verdict_of

__all__ = ["REGISTER_VERDICTS", "VERDICTS", "verdict_of", "verdict_sql"]

VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged")
# The verdicts a stored certificate can have (the others describe inputs, not certificates).
REGISTER_VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired")


def verdict_sql(day: dt.date) -> Any:
    """`verdict_of` as a SQL expression over the certificates table."""
    return case(
        (Certificate.status.in_(FINAL_STATUSES), Certificate.status),
        (Certificate.expires < day, literal("expired")),
        else_=Certificate.status,
    )
