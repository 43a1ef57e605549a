"""Ed25519 signing keys: key files, JWKs, RFC 7638 thumbprints and signers.

JWKs and thumbprints come from joserfc, the JOSE library that also signs and verifies receipts
(see registry/verification/receipts.py for why that library).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from joserfc.jwk import OKPKey

# A kid is the base64url (no padding) of a SHA-256 digest: always 43 characters. Checking
# the shape also keeps a kid from naming a file outside the keys directory.
_KID_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class KeyFileError(Exception):
    """A private key file is missing, unreadable, undecryptable or not an Ed25519 key."""


class Signer(Protocol):
    """Something that signs with one Ed25519 key named by its kid."""

    kid: str
    #: the same private key as the JOSE library's key, for compact JWS (receipts)
    jose_key: OKPKey

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of message."""
        ...


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict inverse of b64url_encode; raises ValueError on anything else."""
    if not re.fullmatch(r"[A-Za-z0-9_-]*", text) or len(text) % 4 == 1:
        raise ValueError("not base64url without padding")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    # Reject non-canonical text (stray low bits in the last character).
    if b64url_encode(data) != text:
        raise ValueError("non-canonical base64url")
    return data


def public_key_to_b64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64url without padding (the JWK "x")."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return b64url_encode(raw)


def public_key_from_b64(x: str) -> Ed25519PublicKey:
    """Inverse of public_key_to_b64; raises ValueError if x is not a 32-byte key."""
    try:
        raw = b64url_decode(x)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"public key is not base64url: {x!r}") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key is 32 bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The key's public JWK (RFC 8037): kty OKP, crv Ed25519, x."""
    members = OKPKey.import_key(public_key).as_dict()
    return {"kty": members["kty"], "crv": members["crv"], "x": members["x"]}


def jwk_thumbprint(public_key: Ed25519PublicKey) -> str:
    """RFC 7638 SHA-256 thumbprint of the key's JWK, base64url without padding: the kid."""
    return OKPKey.import_key(public_key).thumbprint()


def short_key_id(kid: str) -> bytes:
    """The first two bytes of the thumbprint digest, as carried in a mark token."""
    try:
        digest = b64url_decode(kid)
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"kid is not a base64url thumbprint: {kid!r}") from exc
    if len(digest) != 32:
        raise ValueError(f"kid is not a SHA-256 thumbprint: {kid!r}")
    return digest[:2]


def key_file_path(keys_dir: Path, kid: str) -> Path:
    """Where the private key named kid lives: keys_dir/<kid>.pem."""
    if not _KID_RE.fullmatch(kid):
        raise KeyFileError(f"{kid!r} is not a key id (43 base64url characters expected)")
    return Path(keys_dir) / f"{kid}.pem"


def list_key_files(keys_dir: Path) -> list[str]:
    """The kids of the key files in keys_dir, sorted; empty if the directory is missing."""
    directory = Path(keys_dir)
    if not directory.is_dir():
        return []
    return sorted(p.stem for p in directory.glob("*.pem") if _KID_RE.fullmatch(p.stem))


def key_file_is_encrypted(keys_dir: Path, kid: str) -> bool:
    """Whether the key file is passphrase-protected (so callers can warn about dev keys)."""
    path = key_file_path(keys_dir, kid)
    try:
        return b"ENCRYPTED" in path.read_bytes()[:64]
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from exc


def generate_key_file(keys_dir: Path, passphrase: bytes | None) -> tuple[str, Ed25519PublicKey]:
    """Make a new key, write it to keys_dir/<kid>.pem (PKCS#8, mode 0600), return (kid, pk)."""
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key()
    kid = jwk_thumbprint(public_key)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    directory = Path(keys_dir)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = key_file_path(directory, kid)
    # Create with 0600 from the start (O_EXCL) so the key is never briefly world-readable.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return kid, public_key


def encrypt_key_file(keys_dir: Path, kid: str, passphrase: bytes) -> bool:
    """Re-write an unencrypted key file encrypted with `passphrase`; False if it already was."""
    if key_file_is_encrypted(keys_dir, kid):
        return False
    key = load_private_key(keys_dir, kid, None)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(passphrase)
    )
    path = key_file_path(keys_dir, kid)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)  # never a moment without a readable key file
    return True


def load_private_key(keys_dir: Path, kid: str, passphrase: bytes | None) -> Ed25519PrivateKey:
    """Load the private key named kid, raising KeyFileError with a readable reason."""
    path = key_file_path(keys_dir, kid)
    try:
        pem = path.read_bytes()
    except FileNotFoundError as exc:
        raise KeyFileError(f"no key file for kid {kid} (expected {path})") from exc
    except OSError as exc:
        raise KeyFileError(f"cannot read key file {path}: {exc.strerror}") from exc
    encrypted = b"ENCRYPTED" in pem[:64]
    if encrypted and not passphrase:
        raise KeyFileError(f"key file {path} (kid {kid}) is encrypted and no passphrase was given")
    try:
        # An unencrypted dev key still loads when a passphrase is configured.
        key = serialization.load_pem_private_key(pem, passphrase if encrypted else None)
    except ValueError as exc:
        reason = "wrong passphrase" if encrypted else "not a readable PEM private key"
        raise KeyFileError(f"cannot load key file {path} (kid {kid}): {reason}") from exc
    except (TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFileError(f"cannot load key file {path} (kid {kid}): {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"key file {path} (kid {kid}) is not an Ed25519 key")
    if jwk_thumbprint(key.public_key()) != kid:
        raise KeyFileError(f"key file {path} holds a different key than its name, kid {kid}")
    return key


class KeyFileSigner:
    """Signs with a private key loaded from the keys directory."""

    def __init__(self, kid: str, private_key: Ed25519PrivateKey) -> None:
        self.kid = kid
        self._private_key = private_key
        self.public_key = private_key.public_key()
        self.jose_key = OKPKey.import_key(private_key)

    @classmethod
    def from_file(cls, keys_dir: Path, kid: str, passphrase: bytes | None) -> KeyFileSigner:
        """Load keys_dir/<kid>.pem and wrap it."""
        return cls(kid, load_private_key(keys_dir, kid, passphrase))

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of message."""
        return self._private_key.sign(message)


class InMemorySigner:
    """Signs with a key that lives only in memory (tests, worked examples)."""

    def __init__(self, private_key: Ed25519PrivateKey | None = None) -> None:
        self._private_key = private_key or Ed25519PrivateKey.generate()
        self.public_key = self._private_key.public_key()
        self.kid = jwk_thumbprint(self.public_key)
        self.jose_key = OKPKey.import_key(self._private_key)

    def sign(self, message: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature of message."""
        return self._private_key.sign(message)
