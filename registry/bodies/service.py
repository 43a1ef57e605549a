"""Certification bodies and their API keys: create, issue, revoke, authenticate."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import ApiKey, CertificationBody
from registry.db import utcnow
from registry.errors import (
    Conflict,
    FieldError,
    NotFound,
    Unauthorized,
    ValidationError,
)

KEY_PREFIX = "scr"
BODY_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{1,63}$")


def _hash_secret(secret: str) -> str:
    # Keys carry 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{2,38}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
WEBSITE_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[^\s<>\"']*)?$")
CONTACT_FIELDS = {
    "contact_phone": (PHONE_RE, 40, "a phone number such as 400-123-4567 or +86 10 1234 5678", "电话号码格式不正确"),
    "contact_email": (EMAIL_RE, 200, "an e-mail address", "电子邮箱格式不正确"),
    "website": (WEBSITE_RE, 300, "a web address starting with https:// or http://", "网址应以 https:// 开头"),
}


def _check_contacts(contacts: dict[str, str | None]) -> tuple[dict[str, str], list[FieldError]]:
    """Cleaned contact fields (empty text clears one) and the errors of the malformed ones."""
    clean, errors = {}, []
    for name, value in contacts.items():
        if value is None:
            continue
        pattern, limit, what, what_zh = CONTACT_FIELDS[name]
        value = value.strip()
        if value and (len(value) > limit or not pattern.match(value)):
            errors.append(FieldError(name, f"must be {what}", what_zh))
        clean[name] = value
    return clean, errors


def create_body(
    session: Session, code: str, name_zh: str, name_en: str = "", **contacts: str | None
) -> CertificationBody:
    """Register a certification body; its code must be new. `contacts`: contact_phone/_email/_website."""
    errors = []
    if not BODY_CODE_RE.match(code):
        errors.append(FieldError("code", "must be 2-64 letters, digits, '.', '_', '/' or '-'", "机构代码格式不正确"))
    if not name_zh.strip():
        errors.append(FieldError("name_zh", "is required", "必填"))
    clean, contact_errors = _check_contacts(contacts)
    errors += contact_errors
    if errors:
        raise ValidationError(errors)
    if session.scalar(select(CertificationBody).where(CertificationBody.code == code)):
        raise Conflict(f"certification body {code} already exists", f"认证机构 {code} 已存在")
    body = CertificationBody(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), status="active", **clean)
    session.add(body)
    session.flush()
    return body


def update_body(
    session: Session, code: str, name_zh: str | None = None, name_en: str | None = None, **contacts: str | None
) -> CertificationBody:
    """Change a body's names or contact details; None leaves a field as it is, "" clears an optional one."""
    body = get_body(session, code)
    clean, errors = _check_contacts(contacts)
    if name_zh is not None and not name_zh.strip():
        errors.append(FieldError("name_zh", "is required", "必填"))
    if errors:
        raise ValidationError(errors)
    if name_zh is not None:
        body.name_zh = name_zh.strip()
    if name_en is not None:
        body.name_en = name_en.strip()
    for name, value in clean.items():
        setattr(body, name, value)
    session.flush()
    return body


def get_body(session: Session, code: str) -> CertificationBody:
    """The body with `code`, or NotFound."""
    body = session.scalar(select(CertificationBody).where(CertificationBody.code == code))
    if body is None:
        raise NotFound(f"no certification body {code!r}", f"没有认证机构 {code!r}")
    return body


def set_body_status(session: Session, code: str, status: str) -> CertificationBody:
    """Suspend or re-activate a body (a suspended body cannot publish)."""
    if status not in ("active", "suspended"):
        raise ValidationError([FieldError("status", "must be active or suspended", "应为 active 或 suspended")])
    body = get_body(session, code)
    body.status = status
    session.flush()
    return body


def issue_key(session: Session, code: str) -> tuple[ApiKey, str]:
    """Make a new API key for a body; returns the row and the full key (shown only once)."""
    body = get_body(session, code)
    prefix = f"{KEY_PREFIX}_{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    key = ApiKey(body=body, prefix=prefix, key_hash=_hash_secret(secret), created_at=utcnow())
    session.add(key)
    session.flush()
    return key, f"{prefix}.{secret}"


def revoke_key(session: Session, key_id: str, body: CertificationBody | None = None) -> ApiKey:
    """Revoke a key by its public prefix (or numeric id); it fails at once.

    With `body`, only that body's keys can be named: another body's key is not found.
    """
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == key_id))
    if key is None and key_id.isdigit():
        key = session.get(ApiKey, int(key_id))
    if key is None or (body is not None and key.body_id != body.id):
        raise NotFound(f"no API key {key_id!r}", f"没有 API 密钥 {key_id!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    session.flush()
    return key


def list_keys(session: Session, body: CertificationBody) -> list[ApiKey]:
    """The body's API keys, newest first."""
    return list(session.scalars(select(ApiKey).where(ApiKey.body_id == body.id).order_by(ApiKey.id.desc())))


CONTACT_LIMITS = {"contact_email": 254, "contact_phone": 64, "contact_address": 300, "website": 300}
PHONE_RE = re.compile(r"^[0-9+()\- ]{5,64}$")


def update_contacts(session: Session, body: CertificationBody, **values: str) -> CertificationBody:
    """Set the body's published contact details; each is optional, each checked when given."""
    errors = []
    clean = {name: (values.get(name) or "").strip() for name in CONTACT_LIMITS}
    for name, limit in CONTACT_LIMITS.items():
        if len(clean[name]) > limit:
            errors.append(FieldError(name, f"must be at most {limit} characters", f"最多 {limit} 个字符"))
    email = clean["contact_email"]
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        errors.append(FieldError("contact_email", "is not an e-mail address", "电子邮箱格式不正确"))
    if clean["contact_phone"] and not PHONE_RE.match(clean["contact_phone"]):
        errors.append(
            FieldError("contact_phone", "may hold only digits, spaces and + - ( )", "电话只能包含数字、空格和 + - ( )")
        )
    if clean["website"] and not re.match(r"^https?://[^\s/]+\.[^\s]+$", clean["website"]):
        errors.append(
            FieldError("website", "must be an http:// or https:// address", "网址应以 http:// 或 https:// 开头")
        )
    if errors:
        raise ValidationError(errors)
    for name, value in clean.items():
        setattr(body, name, value)
    session.flush()
    return body


def authenticate(session: Session, presented: str) -> ApiKey:
    """The live key matching `presented`, or Unauthorized. Records the time of use."""
    prefix, _, secret = presented.strip().partition(".")
    # Keys are ASCII; anything else is a wrong key, not a server error.
    well_formed = secret and presented.isascii() and "\x00" not in presented
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if well_formed else None
    if key is None or not hmac.compare_digest(key.key_hash, _hash_secret(secret)):
        raise Unauthorized("the API key is not valid", "API 密钥无效")
    if key.revoked_at is not None:
        raise Unauthorized(f"API key {key.prefix} has been revoked", f"API 密钥 {key.prefix} 已被吊销")
    key.last_used_at = utcnow()
    return key


def set_require_totp(session: Session, body: CertificationBody, required: bool) -> CertificationBody:
    """Require (or stop requiring) a second factor of every portal user of the body."""
    body.require_totp = required
    session.flush()
    return body
