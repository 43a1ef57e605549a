"""c2sp.org/tlog-proof@v1: an entry's inclusion proof with the checkpoint it leads to."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.certificates.models import CertificateEvent
from registry.certificates.service import get_certificate
from registry.errors import NotFound
from registry.notes import Checkpoint, NoteError, Verifier, b64, open_checkpoint, unb64
from registry.transparency.entries import entry_bytes
from registry.transparency.merkle import inclusion_proof, leaf_hash, verify_inclusion
from registry.transparency.service import LogService, LogUnavailable, served_note
from registry.transparency.store import DatabaseTiles
from registry.transparency.tiles import TileNodes

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: list[bytes]
    checkpoint: str  # the signed note, verbatim
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64(h) for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> TlogProof:
        head, sep, checkpoint = text.partition("\n\n")
        lines = head.split("\n")
        if not sep or not lines or lines[0] != HEADER:
            raise NoteError(f"not a {HEADER} proof")
        extra = None
        pos = 1
        if len(lines) > pos and lines[pos].startswith("extra "):
            extra = unb64(lines[pos][6:])
            pos += 1
        if len(lines) <= pos or not lines[pos].startswith("index "):
            raise NoteError("the proof has no index line")
        number = lines[pos][6:]
        if not number.isdigit() or (number != "0" and number.startswith("0")):
            raise NoteError(f"bad index {number!r}")
        hashes = [unb64(line) for line in lines[pos + 1 :]]
        return cls(int(number), hashes, checkpoint, extra)


def check_proof(text: str, log_key: Verifier, entry: bytes | None = None) -> tuple[Checkpoint, bytes]:
    """Verify a tlog proof offline: the log's signature and the inclusion of `entry` (or of its extra data).

    Returns (checkpoint, entry bytes); raises NoteError or ProofError.
    """
    proof = TlogProof.parse(text)
    checkpoint, _ = open_checkpoint(proof.checkpoint, log_key)
    data = entry if entry is not None else proof.extra
    if data is None:
        raise NoteError("no entry given and the proof carries none")
    verify_inclusion(proof.index, checkpoint.size, leaf_hash(data), proof.hashes, checkpoint.root)
    return checkpoint, data


def certificate_proof(session: Session, service: LogService, number: str, index: int | None = None) -> TlogProof:
    """The proof for a certificate's latest event, or for its event at log index `index`."""
    cert = get_certificate(session, number)
    query = select(CertificateEvent).where(CertificateEvent.certificate_id == cert.id)
    if index is None:
        event = session.scalar(query.order_by(CertificateEvent.seq.desc()).limit(1))
    else:
        event = session.scalar(query.where(CertificateEvent.seq == index + 1))
    if event is None:
        raise NotFound(
            f"log entry {index} is not an event of certificate {cert.number}",
            f"日志条目 {index} 不是证书 {cert.number} 的事件",
        )
    log_index = event.seq - 1
    checkpoint = service.checkpoint_covering(session, log_index)
    hashes = inclusion_proof(TileNodes(checkpoint.size, DatabaseTiles(session)), log_index, checkpoint.size)
    return TlogProof(log_index, hashes, served_note(checkpoint), entry_bytes(event, cert.number))


def log_indexes(session: Session, numbers: list[str], as_of_day: dt.date | None = None) -> dict[str, int]:
    """For each number, the log index of the event its verdict rests on (latest, or in effect on `as_of_day`)."""
    from registry.certificates.models import Certificate

    if not numbers:
        return {}
    if as_of_day is None:
        latest = (
            select(Certificate.number, func.max(CertificateEvent.seq))
            .join(CertificateEvent, CertificateEvent.certificate_id == Certificate.id)
            .where(Certificate.number.in_(numbers))
            .group_by(Certificate.number)
        )
        return {number: seq - 1 for number, seq in session.execute(latest)}
    query = (
        select(Certificate.number, CertificateEvent.seq, CertificateEvent.effective)
        .join(CertificateEvent, CertificateEvent.certificate_id == Certificate.id)
        .where(Certificate.number.in_(numbers), CertificateEvent.effective <= as_of_day)
    )
    # The state in effect on a day is the event with the latest effective date (then the latest seq).
    best: dict[str, tuple] = {}  # type: ignore[type-arg]
    for number, seq, effective in session.execute(query):
        key = (effective, seq)
        if number not in best or key > best[number][0]:
            best[number] = (key, seq)
    return {number: seq - 1 for number, (_key, seq) in best.items()}


def log_positions(session: Session, results: list[dict[str, Any]], as_of: dt.date | None) -> dict[str, Any] | None:
    """Give each verification result its `log_index`; return the checkpoint that covers them all.

    The checkpoint is None when the log has no key (results then carry their indexes only).
    """
    from registry.transparency import log_service

    found = [r["number"] for r in results if r.get("number") and r["verdict"] not in ("forged", "not_found")]
    indexes = log_indexes(session, found, as_of)
    for result in results:
        ok = result.get("number") and result["verdict"] not in ("forged", "not_found")
        result["log_index"] = indexes.get(result["number"]) if ok else None
    try:
        checkpoint = log_service().checkpoint_covering(session, max(indexes.values(), default=-1))
    except LogUnavailable:
        return None
    return {"origin": log_service().origin, "size": checkpoint.size, "checkpoint": served_note(checkpoint)}
