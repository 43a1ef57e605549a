"""Asking witnesses for cosignatures with the tlog-witness protocol (add-checkpoint)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from registry.notes import (
    Checkpoint,
    NoteError,
    Verifier,
    b64,
    cosigner_key,
    split_note,
    unb64,
)
from registry.transparency.merkle import consistency_proof
from registry.transparency.tiles import TileFetch, TileNodes

log = logging.getLogger(__name__)
TIMEOUT = 5.0


@dataclass
class Witness:
    """A witness: its cosigner key and its submission prefix; `size` is what it last cosigned, as far as we know."""

    verifier: Verifier
    url: str
    size: int = 0
    last_error: str = field(default="", compare=False)

    @classmethod
    def parse(cls, vkey: str, url: str) -> Witness:
        return cls(cosigner_key(vkey), url.rstrip("/"))


def request_body(old: int, proof: list[bytes], note: str) -> bytes:
    """The add-checkpoint request: old size line, proof lines, blank line, the checkpoint."""
    lines = [f"old {old}\n"] + [b64(p) + "\n" for p in proof]
    return ("".join(lines) + "\n" + note).encode("utf-8")


def _post(url: str, body: bytes) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain; charset=utf-8"})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def cosign(w: Witness, note: str, tiles: TileFetch) -> str | None:
    """One witness's verified cosignature line for `note`, or None (the reason is kept in last_error)."""
    text, _ = split_note(note)
    checkpoint = Checkpoint.parse(text)
    nodes = TileNodes(checkpoint.size, tiles)
    for _attempt in range(2):
        old = min(w.size, checkpoint.size)
        proof = consistency_proof(nodes, old, checkpoint.size) if old else []
        try:
            status, body = _post(f"{w.url}/add-checkpoint", request_body(old, proof, note))
        except OSError as exc:
            w.last_error = f"unreachable: {exc}"
            return None
        if status == 409 and body.strip().isdigit():
            w.size = int(body.strip())  # it cosigned a different size before: prove from there
            continue
        if status != 200:
            w.last_error = f"HTTP {status}: {body.strip()[:200]}"
            return None
        for line in body.splitlines():
            name, _, data = line.removeprefix("\u2014 ").partition(" ")
            try:
                raw = unb64(data)
                if name == w.verifier.name and raw[:4] == w.verifier.id:
                    w.verifier.verify(text, raw[4:])
                    w.size = checkpoint.size
                    w.last_error = ""
                    return line + "\n"
            except NoteError as exc:
                w.last_error = str(exc)
                return None
        w.last_error = "no cosignature by its key in the answer"
        return None
    return None


def collect(witnesses: list[Witness], note: str, tiles: TileFetch) -> list[str]:
    """Cosignature lines from every witness that answers correctly; failures are logged, never fatal."""
    lines = []
    for w in witnesses:
        line = cosign(w, note, tiles)
        if line is None:
            log.warning("witness %s did not cosign: %s", w.verifier.name, w.last_error)
        else:
            lines.append(line)
    return lines
