"""What an event records as the certificate's state after it (the same for every write path)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from registry.certificates.validation import score_out


def state_of(values: Any, scheme: str, body: str, holder: str) -> dict[str, Any]:
    """An event's state (what the certificate says after it) from anything with its attributes."""
    return {
        "status": values.status,
        "star_level": values.star_level,
        "score": score_out(values.score),
        "scope_zh": values.scope_zh,
        "scope_en": values.scope_en,
        "sites": list(values.sites),
        "issued": values.issued.isoformat(),
        "expires": values.expires.isoformat(),
        "scheme": scheme,
        "body": body,
        "holder": holder,
        "token": values.token,
        "version": values.version,
    }


def decimal_map(values: dict[str, Decimal]) -> dict[str, int | float]:
    """Component scores as stored and recorded: sorted by code, numbers as JSON numbers."""
    return {k: score_out(v) for k, v in sorted(values.items())}


def snapshot(cert: Any) -> dict[str, Any]:
    """A stored certificate's state as recorded in an event."""
    return state_of(cert, cert.scheme.code, cert.body.code, cert.holder.credit_code)
