"""Certification bodies and their API keys: create, issue, revoke, authenticate."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from sqlalchemy import func, select
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


def create_body(session: Session, code: str, name_zh: str, name_en: str = "") -> CertificationBody:
    """Register a certification body; its code must be new."""
    errors = []
    if not BODY_CODE_RE.match(code):
        errors.append(FieldError("code", "must be 2-64 letters, digits, '.', '_', '/' or '-'", "机构代码格式不正确"))
    if not name_zh.strip():
        errors.append(FieldError("name_zh", "is required", "必填"))
    if errors:
        raise ValidationError(errors)
    if session.scalar(select(CertificationBody).where(CertificationBody.code == code)):
        raise Conflict(f"certification body {code} already exists", f"认证机构 {code} 已存在")
    body = CertificationBody(code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), status="active")
    session.add(body)
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


def list_bodies(session: Session) -> list[tuple[CertificationBody, int]]:
    """Every body with its number of certificates."""
    from registry.certificates.models import Certificate

    counts = dict(session.execute(select(Certificate.body_id, func.count()).group_by(Certificate.body_id)).all())
    bodies = session.scalars(select(CertificationBody).order_by(CertificationBody.code))
    return [(b, counts.get(b.id, 0)) for b in bodies]


def issue_key(session: Session, code: str) -> tuple[ApiKey, str]:
    """Make a new API key for a body; returns the row and the full key (shown only once)."""
    body = get_body(session, code)
    prefix = f"{KEY_PREFIX}_{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    key = ApiKey(body=body, prefix=prefix, key_hash=_hash_secret(secret), created_at=utcnow())
    session.add(key)
    session.flush()
    return key, f"{prefix}.{secret}"


def revoke_key(session: Session, key_id: str) -> ApiKey:
    """Revoke a key by its public prefix (or numeric id); it fails at once."""
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == key_id))
    if key is None and key_id.isdigit():
        key = session.get(ApiKey, int(key_id))
    if key is None:
        raise NotFound(f"no API key {key_id!r}", f"没有 API 密钥 {key_id!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    session.flush()
    return key


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
