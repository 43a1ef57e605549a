"""`audit verify`'s log half: the public log and the register's events must say the same thing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.notes import NoteError, Verifier, open_checkpoint
from registry.transparency.merkle import HASH_SIZE, leaf_hash, memory_nodes, range_hash
from registry.transparency.models import LogCheckpoint, LogHead
from registry.transparency.store import DatabaseTiles, iter_entries
from registry.transparency.tiles import TILE_WIDTH


def audit_log(session: Session, key: Verifier | None) -> tuple[int, str | None]:
    """Recompute every logged entry from the register; returns (entries checked, first problem or None)."""
    head = session.get(LogHead, 1)
    if head is None:
        return 0, "the log head is missing"
    tiles = DatabaseTiles(session)
    leaves: list[bytes] = []
    tile: bytes = b""
    for event, number, data in iter_entries(session, head.size):
        position = len(leaves)
        if event.seq != position + 1:
            return position, f"log entry {position}: event {position + 1} is missing from the register"
        if position % TILE_WIDTH == 0:
            tile = tiles(0, position // TILE_WIDTH, min(TILE_WIDTH, head.size - position))
        digest = leaf_hash(data)
        offset = (position % TILE_WIDTH) * HASH_SIZE
        if tile[offset : offset + HASH_SIZE] != digest:
            where = f"event {event.seq} (certificate {number})"
            return position, f"log entry {position} differs from {where} in the register"
        leaves.append(digest)
    if len(leaves) != head.size:
        return len(leaves), f"the log has {head.size} entries but the register only {len(leaves)} events"
    nodes = memory_nodes(leaves)
    if range_hash(nodes, 0, head.size).hex() != head.root:
        return len(leaves), "the log head's root does not match its entries"
    for checkpoint in session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.size)):
        if checkpoint.size > head.size or range_hash(nodes, 0, checkpoint.size).hex() != checkpoint.root:
            return len(leaves), f"checkpoint {checkpoint.size} does not match the entries"
        if key is not None:
            try:
                signed, _ = open_checkpoint(checkpoint.note, key)
            except NoteError as exc:
                return len(leaves), f"checkpoint {checkpoint.size}: {exc}"
            if signed.size != checkpoint.size or signed.root.hex() != checkpoint.root:
                return len(leaves), f"checkpoint {checkpoint.size}: the signed note says something else"
    return len(leaves), None
