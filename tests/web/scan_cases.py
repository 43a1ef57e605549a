"""Marks in every state a scan page can show, for the page tests and the browser tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from registry.certificates.models import Certificate
from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from tests.conftest import issue

# Every headline of the scan page: the API verdict and whether the mark is current.
HEADLINES = {
    "valid": ("valid", "true"),
    "valid_outdated": ("valid", "false"),
    "suspended": ("suspended", "true"),
    "revoked": ("revoked", "true"),
    "withdrawn": ("withdrawn", "true"),
    "expired": ("expired", "true"),
    "not_found": ("not_found", "false"),
    "forged": ("forged", "false"),
    "unreadable": ("forged", "false"),
}


def scan_token(session: Any, body: Any, minter: Any, headline: str) -> str:
    """A token whose scan page should show `headline`."""
    if headline == "not_found":
        # Genuinely signed by this registry, for a number the register does not hold.
        gone = Certificate(number="GONE-2024-0001", star_level=3, expires=today() + dt.timedelta(days=90))
        return minter.mint(gone)
    issued = today() - dt.timedelta(days=4 * 365 if headline == "expired" else 100)
    cert = issue(session, body, minter, issued=issued)
    token = cert.token
    register = Register(session, Actor("t"), body=body, minter=minter)
    if headline == "valid_outdated":
        # The shop still shows its 4-star mark; the register now says 2 stars.
        register.apply(cert.number, EventIn(type="amend", star_level=2, score=Decimal(72), reason="复评降级"))
    elif headline in ("suspended", "revoked", "withdrawn"):
        kind = {"suspended": "suspend", "revoked": "revoke", "withdrawn": "withdraw"}[headline]
        register.apply(cert.number, EventIn(type=kind, reason="原因"))
    commit(session)
    if headline == "forged":
        return token[:-10] + ("B" if token[-10] != "B" else "C") + token[-9:]
    if headline == "unreadable":
        return token[: len(token) // 2]  # a code the camera read only half of
    return token
