"""Staff accounts: create, list, disable, reset, change passwords, sign in, second factor."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import lockout, totp
from registry.accounts.models import ROLES, User
from registry.accounts.passwords import Passwords, check_password_rule, one_time_password
from registry.bodies.models import CertificationBody
from registry.db import utcnow
from registry.errors import Conflict, FieldError, NotFound, RegistryError, Unauthorized, ValidationError

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class Locked(RegistryError):
    """Too many failed sign-ins for the account or from the client address."""

    status = 429
    title = "Too many requests"

    def __init__(self, until: dt.datetime) -> None:
        minutes = max(1, int((until - utcnow()).total_seconds() + 59) // 60)
        super().__init__(
            f"Too many failed sign-ins: try again in {minutes} minutes.",
            f"登录失败次数过多，请 {minutes} 分钟后再试。",
        )
        self.until = until
        self.minutes = minutes


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_email(email: str) -> str:
    """The address in lower case, or ValidationError."""
    email = normalise_email(email)
    if len(email) > 120 or not EMAIL_RE.match(email):
        raise ValidationError([FieldError("email", "is not an e-mail address", "电子邮箱格式不正确")])
    return email


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def get_user(session: Session, email: str, body: CertificationBody | None = None) -> User:
    """The user with `email` (within `body` when given: other bodies' users do not exist for it)."""
    user = find_user(session, email)
    if user is None or (body is not None and user.body_id != body.id):
        raise NotFound(f"no user {normalise_email(email)!r}", f"没有用户 {normalise_email(email)!r}")
    return user


def create_user(
    session: Session,
    passwords: Passwords,
    email: str,
    body: CertificationBody,
    role: str,
    password: str | None = None,
) -> tuple[User, str | None]:
    """Create a user; without `password`, returns a one-time password that must be changed at first sign-in."""
    email = check_email(email)
    if role not in ROLES:
        raise ValidationError([FieldError("role", "must be admin or clerk", "角色应为 admin 或 clerk")])
    if find_user(session, email) is not None:
        raise Conflict(f"user {email} already exists", f"用户 {email} 已存在")
    temporary = None
    if password is None:
        password = temporary = one_time_password()
    else:
        check_password_rule(password, email)
    user = User(
        body=body,
        email=email,
        role=role,
        password_hash=passwords.hash(password),
        must_change_password=temporary is not None,
        session_version=1,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user, temporary


def list_users(session: Session, body: CertificationBody | None = None) -> list[User]:
    query = select(User).order_by(User.email)
    if body is not None:
        query = query.where(User.body_id == body.id)
    return list(session.scalars(query))


def set_disabled(session: Session, user: User, disabled: bool) -> User:
    """Disable (every session ends at once) or re-enable an account."""
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
        user.session_version += 1
    elif not disabled:
        user.disabled_at = None
    session.flush()
    return user


def reset_password(session: Session, passwords: Passwords, user: User, *, clear_totp: bool = False) -> str:
    """Give the user a one-time password (shown once); their sessions end and the lockout is lifted."""
    temporary = one_time_password()
    user.password_hash = passwords.hash(temporary)
    user.must_change_password = True
    user.session_version += 1
    if clear_totp:
        user.totp_secret, user.totp_last_step = None, None
    lockout.clear(session, "account", user.email)
    session.flush()
    return temporary


def change_password(session: Session, passwords: Passwords, user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one; other sessions end."""
    if not passwords.verify(user.password_hash, current):
        raise ValidationError([FieldError("current_password", "is not correct", "当前密码不正确")])
    check_password_rule(new, user.email)
    if new == current:
        raise ValidationError([FieldError("password", "must differ from the current one", "新密码不能与当前密码相同")])
    user.password_hash = passwords.hash(new)
    user.must_change_password = False
    user.session_version += 1
    session.flush()


@dataclass
class SignIn:
    """The outcome of a password check: the user, or why not. Failures are recorded either way."""

    user: User | None = None
    refused: RegistryError | None = None


def authenticate(session: Session, passwords: Passwords, email: str, password: str, client: str) -> SignIn:
    """Check an e-mail and password, counting failures per account and per client address.

    The caller commits in both cases, so that failures count even though the sign-in fails.
    """
    email = normalise_email(email)
    for scope, key in (("account", email), ("client", client)):
        until = lockout.locked_until(session, scope, key)
        if until is not None:
            return SignIn(refused=Locked(until))
    user = find_user(session, email)
    ok = passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None:
        lockout.record_failure(session, "account", email)
        lockout.record_failure(session, "client", client)
        return SignIn(refused=Unauthorized("Wrong e-mail address or password.", "电子邮箱或密码不正确。"))
    if user.disabled_at is not None:
        return SignIn(refused=Unauthorized("This account is disabled.", "该账户已停用。"))
    lockout.clear(session, "account", email)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash(password)
    session.flush()
    return SignIn(user=user)


def record_sign_in(session: Session, user: User) -> None:
    user.last_login_at = utcnow()
    session.flush()


def check_second_factor(session: Session, user: User, code: str) -> bool:
    """Whether `code` is the user's current TOTP code (each code works once)."""
    if user.totp_secret is None:
        return False
    step = totp.matching_step(user.totp_secret, code, after=user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    session.flush()
    return True


def enable_totp(session: Session, user: User, secret: str, code: str) -> None:
    """Turn the second factor on once the user proves their app shows the right code."""
    step = totp.matching_step(secret, code)
    if step is None:
        raise ValidationError([FieldError("code", "is not the code your app shows", "验证码与应用显示的不一致")])
    user.totp_secret, user.totp_last_step = secret, step
    session.flush()


def disable_totp(session: Session, user: User) -> None:
    """Turn the second factor off, unless the user's body requires it."""
    if user.body.require_totp:
        raise Conflict(
            "your certification body requires a second factor for every user",
            "贵机构要求所有用户使用第二重验证",
        )
    user.totp_secret, user.totp_last_step = None, None
    session.flush()


def needs_totp_enrolment(user: User) -> bool:
    return user.body.require_totp and user.totp_secret is None
