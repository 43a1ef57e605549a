"""Password hashing (Argon2id through argon2-cffi), the password rule and one-time passwords."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from registry.errors import FieldError, ValidationError

MIN_LENGTH = 10
MAX_LENGTH = 200


def make_hasher(testing: bool = False) -> PasswordHasher:
    """Argon2id with RFC 9106's low-memory profile (64 MiB, 3 passes; about 0.2 s here).

    Tests use the library's cheapest profile, still Argon2id, so that a sign-in costs no 0.2 s.
    """
    return PasswordHasher.from_parameters(profiles.CHEAPEST if testing else profiles.RFC_9106_LOW_MEMORY)


def check_password_rule(password: str, email: str) -> None:
    """Raise ValidationError when `password` is too short, too long or is the e-mail address."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            [FieldError("password", f"must be at least {MIN_LENGTH} characters", f"密码至少需要 {MIN_LENGTH} 个字符")]
        )
    if len(password) > MAX_LENGTH:
        raise ValidationError(
            [FieldError("password", f"must be at most {MAX_LENGTH} characters", f"密码最多 {MAX_LENGTH} 个字符")]
        )
    if password.strip().lower() == email.strip().lower():
        raise ValidationError([FieldError("password", "must not be the e-mail address", "密码不能与电子邮箱相同")])


def verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash (never raises for a wrong password)."""
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def one_time_password() -> str:
    """A random password to hand over once; it must be changed at the first sign-in."""
    return secrets.token_urlsafe(12)


class Passwords:
    """Hashes and checks passwords with one hasher."""

    def __init__(self, hasher: PasswordHasher) -> None:
        self.hasher = hasher
        self._dummy: str | None = None

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether `password` matches `stored`; with no stored hash, spend the same time and say no."""
        if stored is None:
            if self._dummy is None:
                self._dummy = self.hasher.hash(secrets.token_urlsafe(16))
            verify(self.hasher, self._dummy, password)
            return False
        return verify(self.hasher, stored, password)

    def needs_rehash(self, stored: str) -> bool:
        return self.hasher.check_needs_rehash(stored)


def current_passwords() -> Passwords:
    """The app's password hasher (made on first use from its settings)."""
    from flask import current_app

    passwords = current_app.extensions.get("registry.passwords")
    if passwords is None:
        passwords = Passwords(make_hasher(current_app.config["SETTINGS"].testing))
        current_app.extensions["registry.passwords"] = passwords
    return passwords
