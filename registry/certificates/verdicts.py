"""The one verdict rule, in Python and in SQL: final statuses stand, otherwise a passed expiry wins."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, literal

from registry.certificates.models import FINAL_STATUSES, Certificate

VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged")
# The verdicts a stored certificate can have (the others describe inputs, not certificates).
REGISTER_VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired")


def verdict_of(status: str, expires: dt.date, day: dt.date) -> str:
    """The verdict for a stored status on `day`: final statuses stand, otherwise expiry wins."""
    if status in FINAL_STATUSES:
        return status
    if expires < day:
        return "expired"
    return status


def verdict_sql(day: dt.date) -> Any:
    """`verdict_of` as a SQL expression over the certificates table."""
    return case(
        (Certificate.status.in_(FINAL_STATUSES), Certificate.status),
        (Certificate.expires < day, literal("expired")),
        else_=Certificate.status,
    )
