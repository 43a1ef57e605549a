"""C2SP signed notes (Ed25519, type 0x01), checkpoints, verifier keys and tlog cosignatures (type 0x04)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE = 0x04
MAX_SIGNATURES = 32


class NoteError(ValueError):
    """A note, checkpoint or verifier key is malformed or its signature does not verify."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise NoteError(f"not base64: {text[:40]!r}") from exc


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(name: str, sig_type: int, public: bytes) -> bytes:
    """SHA-256(name || 0x0A || type || public key)[:4]."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([sig_type]) + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"key name {name!r} must be non-empty without spaces or '+'")


@dataclass(frozen=True)
class Verifier:
    """A public key that checks note signatures of one type under one name."""

    name: str
    sig_type: int
    public: bytes

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.sig_type, self.public)

    @property
    def vkey(self) -> str:
        """<name>+<hex key ID>+<base64(type || public key)>."""
        return f"{self.name}+{self.id.hex()}+{b64(bytes([self.sig_type]) + self.public)}"

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        """Read a verifier key; the key ID must match the name and key."""
        name, sep1, rest = vkey.strip().partition("+")
        hex_id, sep2, material = rest.partition("+")
        if not (sep1 and sep2):
            raise NoteError(f"not a verifier key: {vkey!r}")
        _check_name(name)
        data = unb64(material)
        if len(data) != 33 or data[0] not in (ED25519, COSIGNATURE):
            raise NoteError("verifier key must hold an Ed25519 key of type 0x01 or 0x04")
        verifier = cls(name, data[0], data[1:])
        if verifier.id.hex() != hex_id.lower() or len(hex_id) != 8:
            raise NoteError(f"verifier key {name}: key ID {hex_id} does not match the key")
        return verifier

    def message(self, text: str, signature: bytes) -> tuple[bytes, bytes]:
        """(signed message, raw Ed25519 signature) for a signature line's payload after the key ID."""
        if self.sig_type == ED25519:
            return text.encode("utf-8"), signature
        if len(signature) != 8 + 64:
            raise NoteError(f"cosignature by {self.name} has the wrong length")
        (timestamp,) = struct.unpack(">Q", signature[:8])
        return cosigned_message(text, timestamp), signature[8:]

    def verify(self, text: str, signature: bytes) -> None:
        message, raw = self.message(text, signature)
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(raw, message)
        except (InvalidSignature, ValueError) as exc:
            raise NoteError(f"signature by {self.name} does not verify") from exc


def cosigned_message(text: str, timestamp: int) -> bytes:
    """What an Ed25519 cosignature (tlog-cosignature v1) signs."""
    return f"cosignature/v1\ntime {timestamp}\n".encode() + text.encode("utf-8")


class NoteSigner:
    """Signs notes with one Ed25519 key under one name (the log key: its name is the origin)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey, sig_type: int = ED25519) -> None:
        _check_name(name)
        self.name = name
        self._key = private_key
        self.verifier = Verifier(name, sig_type, raw_public(private_key.public_key()))

    def signature_line(self, text: str, timestamp: int | None = None) -> str:
        if self.verifier.sig_type == COSIGNATURE:
            if timestamp is None:
                raise ValueError("a cosignature needs a timestamp")
            payload = struct.pack(">Q", timestamp) + self._key.sign(cosigned_message(text, timestamp))
        else:
            payload = self._key.sign(text.encode("utf-8"))
        return f"\u2014 {self.name} {b64(self.verifier.id + payload)}\n"

    def sign(self, text: str) -> str:
        """The signed note: text, a blank line, one signature line."""
        if not text.endswith("\n"):
            raise ValueError("note text must end in a newline")
        return text + "\n" + self.signature_line(text)


@dataclass(frozen=True)
class Signature:
    name: str
    id: bytes
    payload: bytes
    line: str


def split_note(note: str) -> tuple[str, list[Signature]]:
    """(text, signatures) of a signed note; raises NoteError when malformed."""
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("note contains control characters")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("not a signed note: no blank line before the signatures")
    text, block = note[: cut + 1], note[cut + 2 :]
    signatures = []
    for line in block.splitlines():
        if not line.startswith("\u2014 "):
            raise NoteError(f"not a signature line: {line[:60]!r}")
        name, _, data = line[2:].partition(" ")
        raw = unb64(data)
        if len(raw) < 5 or not name:
            raise NoteError("signature line too short")
        signatures.append(Signature(name, raw[:4], raw[4:], line + "\n"))
    if not signatures or len(signatures) > MAX_SIGNATURES:
        raise NoteError("a signed note needs between 1 and 32 signatures")
    return text, signatures


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[Signature]]:
    """Verify a note: every signature by a known key must verify, and at least one must be by `verifiers[0]`'s kind.

    Returns (text, the verified signatures). Unknown signatures are ignored, as the spec requires.
    """
    text, signatures = split_note(note)
    known = {(v.name, v.id): v for v in verifiers}
    verified = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.id))
        if verifier is not None:
            verifier.verify(text, sig.payload)
            verified.append(sig)
    if not verified:
        raise NoteError("no signature by a known key")
    return text, verified


@dataclass(frozen=True)
class Checkpoint:
    """The body of a tlog checkpoint: origin, tree size, root hash."""

    origin: str
    size: int
    root: bytes

    @property
    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{b64(self.root)}\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[0]:
            raise NoteError("a checkpoint has an origin, a size and a root hash line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not size.isdigit() or (size != "0" and size.startswith("0")) or not size.isascii():
            raise NoteError(f"bad tree size {size!r}")
        raw = unb64(root)
        if len(raw) != 32:
            raise NoteError("the root hash must be 32 bytes")
        return cls(origin, int(size), raw)


def open_checkpoint(note: str, log_key: Verifier, witnesses: list[Verifier] = ()) -> tuple[Checkpoint, list[Signature]]:  # type: ignore[assignment]
    """Verify a checkpoint signed by `log_key`, whose name must be its origin.

    Returns the checkpoint and the witness cosignatures that verified.
    """
    text, signatures = split_note(note)
    if not any(s.name == log_key.name and s.id == log_key.id for s in signatures):
        raise NoteError(f"the checkpoint is not signed by the log key {log_key.name}")
    _, verified = open_note(note, [log_key, *witnesses])
    checkpoint = Checkpoint.parse(text)
    if checkpoint.origin != log_key.name:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not the log {log_key.name!r}")
    return checkpoint, [s for s in verified if (s.name, s.id) != (log_key.name, log_key.id)]


def cosigner_key(vkey: str) -> Verifier:
    """A witness's verifier key, which must be a cosignature key."""
    verifier = Verifier.parse(vkey)
    if verifier.sig_type != COSIGNATURE:
        raise NoteError(f"witness key {verifier.name} must be a cosignature key (type 0x04)")
    return verifier


def parse_witnesses(raw: str) -> tuple[tuple[str, str], ...]:
    """REGISTRY_LOG_WITNESSES: comma-separated `<vkey> <submission URL>` pairs."""
    out = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        vkey, _, url = part.partition(" ")
        url = url.strip()
        cosigner_key(vkey)
        if not url.startswith(("http://", "https://")):
            raise NoteError(f"witness URL {url!r} must start with http:// or https://")
        out.append((vkey, url))
    return tuple(out)
