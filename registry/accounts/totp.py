"""The optional second factor: time-based one-time codes (RFC 6238) through pyotp."""

from __future__ import annotations

import time

import pyotp
from pyotp.utils import strings_equal

ISSUER = "Service Certificate Registry"


def new_secret() -> str:
    """A fresh base32 secret for an authenticator app."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// link an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def matching_step(secret: str, code: str, after: int | None = None, at: float | None = None) -> int | None:
    """The time step `code` belongs to (now, or one step either side), or None.

    A step at or before `after` (the last one accepted) is refused: a code works once.
    """
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = int((time.time() if at is None else at) // totp.interval)
    for step in (now, now - 1, now + 1):
        if after is not None and step <= after:
            continue
        if strings_equal(totp.generate_otp(step), code):
            return step
    return None
