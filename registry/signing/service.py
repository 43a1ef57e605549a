"""The registry's keyring over the database (public keys) and the keys directory (private keys)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.config import Settings
from registry.db import utcnow
from registry.errors import Conflict, NotFound
from registry.signing.keyring import (
    KeyFileError,
    KeyFileSigner,
    Signer,
    encrypt_key_file,
    generate_key_file,
    list_key_files,
    public_key_from_b64,
    public_key_to_b64,
    short_key_id,
)
from registry.signing.models import SigningKey
from registry.signing.token import MarkClaims, encode_token, normalise_origin

log = logging.getLogger(__name__)


class Claimed(Protocol):
    """What a mark states: a certificate row, or its values before the row exists."""

    number: str
    star_level: int
    expires: dt.date


class TokenMinter:
    """Mints a certificate's mark token with one signer for one registry origin."""

    def __init__(self, signer: Signer, origin: str) -> None:
        self.signer = signer
        self.origin = normalise_origin(origin)

    def mint(self, certificate: Claimed) -> str:
        claims = MarkClaims(certificate.number, certificate.star_level, certificate.expires)
        return encode_token(claims, self.signer, self.origin)


def _passphrase(settings: Settings) -> bytes | None:
    return settings.key_passphrase.encode("utf-8") if settings.key_passphrase else None


def active_key(session: Session) -> SigningKey | None:
    """The key that signs new marks: the newest neither retired nor revoked."""
    return session.scalar(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None), SigningKey.revoked_at.is_(None))
        .order_by(SigningKey.created_at.desc())
        .limit(1)
    )


def list_keys(session: Session) -> list[SigningKey]:
    """Every key, oldest first."""
    return list(session.scalars(select(SigningKey).order_by(SigningKey.created_at)))


def generate_key(session: Session, settings: Settings) -> SigningKey:
    """Make the first signing key; refuses when an active key exists (use rotate)."""
    current = active_key(session)
    if current is not None:
        raise Conflict(
            f"key {current.kid} is already active; use `keys rotate` to replace it",
            f"已有启用中的密钥 {current.kid}；请使用 keys rotate 轮换",
        )
    return _new_key(session, settings)


def _new_key(session: Session, settings: Settings) -> SigningKey:
    passphrase = _passphrase(settings)
    if passphrase is None:
        log.warning(
            "signing key written WITHOUT a passphrase: fine for development, set REGISTRY_KEY_PASSPHRASE in production"
        )
    kid, public_key = generate_key_file(settings.keys_dir, passphrase)
    key = SigningKey(kid=kid, public_key=public_key_to_b64(public_key), created_at=utcnow())
    session.add(key)
    session.flush()
    current_keyring().forget()
    return key


def rotate_key(session: Session, settings: Settings) -> tuple[SigningKey, SigningKey | None]:
    """Make a new active key and retire the old one (its marks still verify)."""
    old = active_key(session)
    if old is not None:
        old.retired_at = utcnow()
    new = _new_key(session, settings)
    encrypt_dev_keys(settings)
    return new, old


def encrypt_dev_keys(settings: Settings) -> list[str]:
    """Once a passphrase is set, encrypt key files written without one (retired dev keys); their kids."""
    passphrase = _passphrase(settings)
    if passphrase is None:
        return []
    return [kid for kid in list_key_files(settings.keys_dir) if encrypt_key_file(settings.keys_dir, kid, passphrase)]


def revoke_key(session: Session, kid: str) -> SigningKey:
    """Mark a key compromised: every mark it signed now verifies as forged."""
    key = session.get(SigningKey, kid)
    if key is None:
        raise NotFound(f"no signing key {kid!r}", f"没有签名密钥 {kid!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        if key.retired_at is None:
            key.retired_at = key.revoked_at
    session.flush()
    current_keyring().forget()
    return key


def key_has_private_file(settings: Settings, kid: str) -> bool:
    return (Path(settings.keys_dir) / f"{kid}.pem").exists()


def minter_for(session: Session, settings: Settings, *, required: bool = True) -> TokenMinter | None:
    """A minter using the active key (its signer from the app's keyring) for `settings.base_url`;
    None (or an error when `required`) without one."""
    key = active_key(session)
    if key is None:
        if required:
            raise Conflict(
                "the registry has no active signing key: run `flask --app registry keys generate`",
                "登记簿没有可用的签名密钥：请运行 flask --app registry keys generate",
            )
        return None
    try:
        signer = current_keyring().signer(key.kid)
    except KeyFileError as exc:
        if required:
            raise Conflict(f"cannot sign marks: {exc}", "无法签发标志：签名私钥不可用") from None
        log.warning("cannot sign marks: %s", exc)
        return None
    return TokenMinter(signer, settings.base_url)


def current_minter(*, required: bool = True) -> TokenMinter | None:
    """The minter for the current app and request/command session."""
    from registry.db import get_session

    return minter_for(get_session(), current_app.config["SETTINGS"], required=required)


@dataclass(frozen=True)
class PublicKey:
    kid: str
    short_id: bytes
    key: Ed25519PublicKey
    status: str


class PublicKeyCache:
    """Public keys by short id, refreshed every few seconds so a revocation spreads quickly."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._loaded_at = -1e9
        self._by_short: dict[bytes, list[PublicKey]] = {}
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._loaded_at = -1e9

    def lookup(self, session: Session, short_id: bytes) -> list[PublicKey]:
        """Keys whose short id matches (usually one)."""
        now = time.monotonic()
        if now - self._loaded_at > self.ttl:
            with self._lock:
                table: dict[bytes, list[PublicKey]] = {}
                for row in session.scalars(select(SigningKey)):
                    entry = PublicKey(row.kid, short_key_id(row.kid), public_key_from_b64(row.public_key), row.status)
                    table.setdefault(entry.short_id, []).append(entry)
                self._by_short, self._loaded_at = table, now
        return self._by_short.get(short_id, [])


class Keyring:
    """One app's signing keys in memory: each signer loaded once, the active kid and the public keys
    re-read every few seconds (a receipt is signed and a mark checked on every verify call)."""

    def __init__(self, settings: Settings, ttl: float = 5.0) -> None:
        self.settings = settings
        self.ttl = ttl
        self.public_keys = PublicKeyCache(ttl)
        self._signers: dict[str, KeyFileSigner] = {}
        self._signers_lock = threading.Lock()
        self._active: tuple[float, str | None] = (-1e9, None)

    def signer(self, kid: str) -> KeyFileSigner:
        """The signer for `kid`, loaded from the keys directory on first use."""
        with self._signers_lock:
            signer = self._signers.get(kid)
            if signer is None:
                signer = KeyFileSigner.from_file(self.settings.keys_dir, kid, _passphrase(self.settings))
                self._signers[kid] = signer
            return signer

    def active_kid(self, session: Session) -> str | None:
        """The active key's kid, re-read at most every `ttl` seconds."""
        now = time.monotonic()
        loaded_at, kid = self._active
        if now - loaded_at > self.ttl:
            key = active_key(session)
            kid = key.kid if key else None
            self._active = (now, kid)
        return kid

    def forget(self) -> None:
        """Re-read the active key and the public keys on next use (after generate, rotate or revoke)."""
        self._active = (-1e9, None)
        self.public_keys.invalidate()


def current_keyring() -> Keyring:
    """The current app's keyring (made by `registry.signing.init_app`)."""
    keyring: Keyring = current_app.extensions["registry.keyring"]
    return keyring
