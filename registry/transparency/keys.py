"""The log's Ed25519 key: one PKCS#8 file in the keys directory, protected like the mark keys."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.notes import NoteSigner
from registry.signing.keyring import KeyFileError

LOG_KEY_FILE = "log-ed25519.pem"


def log_origin(base_url: str) -> str:
    """The checkpoint origin and key name: the registry's host followed by /log."""
    return f"{urlsplit(base_url).netloc}/log"


def log_key_path(keys_dir: Path) -> Path:
    return Path(keys_dir) / LOG_KEY_FILE


def generate_log_key(keys_dir: Path, passphrase: bytes | None) -> Path:
    """Write a new log key (mode 0600, encrypted when a passphrase is set); refuses to replace one."""
    path = log_key_path(keys_dir)
    key = Ed25519PrivateKey.generate()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def load_log_signer(keys_dir: Path, passphrase: bytes | None, origin: str) -> NoteSigner | None:
    """The log's note signer, or None when no log key exists yet; KeyFileError when it cannot be read."""
    path = log_key_path(keys_dir)
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(f"cannot read the log key {path}: {exc.strerror}") from exc
    encrypted = b"ENCRYPTED" in pem[:64]
    if encrypted and not passphrase:
        raise KeyFileError(f"the log key {path} is encrypted and no passphrase was given")
    try:
        key = serialization.load_pem_private_key(pem, passphrase if encrypted else None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot load the log key {path}: wrong passphrase or not a PEM key") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"the log key {path} is not an Ed25519 key")
    return NoteSigner(origin, key)
