"""The log over the database: append committed events, sign checkpoints, read tiles and entries.

Publishing is one unit of work under a lock on the single `log_head` row (a row lock on
PostgreSQL, the write lock on SQLite), so any number of workers and servers append each
event once and never sign two checkpoints for one size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.certificates.chain import event_content, event_hash
from registry.certificates.models import Certificate, CertificateEvent
from registry.db import utcnow
from registry.notes import Checkpoint, NoteSigner
from registry.transparency.entries import bundle, entry_bytes
from registry.transparency.merkle import EMPTY_ROOT, HASH_SIZE, leaf_hash, perfect_root, root
from registry.transparency.models import LogCheckpoint, LogHead, LogTile
from registry.transparency.tiles import TILE_WIDTH, TileNodes


class LogError(RuntimeError):
    """The register's events cannot be appended (a gap or a broken hash chain): nothing is published."""


@dataclass(frozen=True)
class Published:
    size: int
    root: bytes
    appended: int
    note: str


def lock_head(session: Session) -> LogHead:
    """Take the log head for this unit of work (write first: SQLite's lock, PostgreSQL's row lock)."""
    session.execute(update(LogHead).where(LogHead.id == 1).values(size=LogHead.size))
    head = session.get(LogHead, 1, populate_existing=True)
    if head is None:
        raise LogError("the log head is missing: run `flask --app registry db upgrade`")
    return head


def events_after(session: Session, seq: int, limit: int) -> list[tuple[CertificateEvent, str]]:
    """Up to `limit` events after `seq`, in order, with their certificate numbers."""
    rows = session.execute(
        select(CertificateEvent, Certificate.number)
        .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
        .where(CertificateEvent.seq > seq)
        .order_by(CertificateEvent.seq)
        .limit(limit)
    ).all()
    return [(event, number) for event, number in rows]


class TileWriter:
    """The rightmost tiles of every level, appended to in memory and written back once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tiles: dict[tuple[int, int], bytearray] = {}

    def tile(self, level: int, index: int) -> bytearray:
        key = (level, index)
        if key not in self.tiles:
            row = self.session.get(LogTile, key)
            self.tiles[key] = bytearray(row.hashes if row is not None else b"")
        return self.tiles[key]

    def append(self, level: int, position: int, digest: bytes) -> None:
        index, offset = divmod(position, TILE_WIDTH)
        tile = self.tile(level, index)
        if len(tile) != offset * HASH_SIZE:
            raise LogError(f"tile {level}/{index} holds {len(tile) // HASH_SIZE} hashes, expected {offset}")
        tile += digest
        if offset == TILE_WIDTH - 1:
            hashes = [bytes(tile[i : i + HASH_SIZE]) for i in range(0, len(tile), HASH_SIZE)]
            self.append(level + 1, index, perfect_root(hashes))

    def fetch(self, level: int, index: int, width: int) -> bytes:
        return bytes(self.tile(level, index)[: width * HASH_SIZE])

    def save(self) -> None:
        for (level, index), data in self.tiles.items():
            row = self.session.get(LogTile, (level, index))
            if row is None:
                self.session.add(LogTile(level=level, idx=index, hashes=bytes(data)))
            elif row.hashes != bytes(data):
                row.hashes = bytes(data)


def publish(session: Session, signer: NoteSigner, *, batch: int = 5000) -> Published:
    """Append the next committed events (at most `batch`) and sign a checkpoint; the caller commits.

    Each event is checked against the hash chain before it is logged: an edited, missing or
    inserted row stops publishing with LogError instead of entering the public log.
    """
    head = lock_head(session)
    size, chain = head.size, head.chain_hash
    rows = events_after(session, size, batch)
    writer = TileWriter(session)
    for event, number in rows:
        if event.seq != size + 1:
            raise LogError(f"event {size + 1} is missing from the register (found {event.seq})")
        if event.prev_hash != chain or event_hash(chain, event_content(event, number)) != event.hash:
            raise LogError(f"event {event.seq} (certificate {number}) does not match the hash chain; not logged")
        writer.append(0, size, leaf_hash(entry_bytes(event, number)))
        size, chain = size + 1, event.hash
    if rows:
        writer.save()
    latest = session.get(LogCheckpoint, size)
    if latest is not None:
        return Published(size, bytes.fromhex(latest.root), 0, latest.note)
    tree_root = root(TileNodes(size, writer.fetch), size) if size else EMPTY_ROOT
    note = signer.sign(Checkpoint(signer.name, size, tree_root).text)
    session.add(LogCheckpoint(size=size, root=tree_root.hex(), note=note, cosignatures="", created_at=utcnow()))
    head.size, head.root, head.chain_hash = size, tree_root.hex(), chain
    session.flush()
    return Published(size, tree_root, len(rows), note)


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    """The checkpoint with the largest size."""
    return session.scalar(select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1))


def log_size(session: Session) -> int:
    return session.scalar(select(LogHead.size).where(LogHead.id == 1)) or 0


def pending(session: Session) -> int:
    """Committed events not yet in the log."""
    from registry.certificates.models import ChainHead

    chain = session.scalar(select(ChainHead.seq).where(ChainHead.id == 1)) or 0
    return max(0, chain - log_size(session))


class DatabaseTiles:
    """Hash tiles read from the database (tiles only grow, so a prefix is the tile at a smaller size)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __call__(self, level: int, index: int, width: int) -> bytes:
        row = self.session.get(LogTile, (level, index))
        data = b"" if row is None else row.hashes[: width * HASH_SIZE]
        if len(data) != width * HASH_SIZE:
            raise LookupError(f"tile {level}/{index} has fewer than {width} hashes")
        return data


def entry_bundle(session: Session, index: int, width: int) -> bytes:
    """Entries index*256 .. index*256+width-1, built from the register's events."""
    first = index * TILE_WIDTH
    rows = events_after(session, first, width)
    if len(rows) != width or rows[-1][0].seq != first + width:
        raise LookupError(f"entry bundle {index} has fewer than {width} events")
    return bundle(entry_bytes(event, number) for event, number in rows)


def iter_entries(session: Session, upto: int, batch: int = 2000) -> Iterator[tuple[CertificateEvent, str, bytes]]:
    """Every event up to `upto` (a log size) with its number and entry bytes."""
    seq = 0
    while seq < upto:
        rows = events_after(session, seq, min(batch, upto - seq))
        if not rows:
            return
        for event, number in rows:
            yield event, number, entry_bytes(event, number)
        seq = rows[-1][0].seq
