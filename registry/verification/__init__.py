"""Verification of marks, scanned URLs and certificate numbers, and signed receipts."""

from __future__ import annotations

from flask import current_app

from registry.db import get_session
from registry.signing.service import current_keyring
from registry.verification.core import Verifier


def current_verifier(*, detail: bool = False) -> Verifier:
    """A verifier for the current app and request (`detail`: always look up the last status change)."""
    return Verifier(get_session(), current_app.config["BASE_URL"], current_keyring().public_keys, detail=detail)
