"""The index follows the register: catch up on new events, sweep expiries, rebuild from scratch.

`certificate_events.seq` is global and gap-free, so "last event applied" is one number. Applying
an event re-reads the certificate's current row, which makes catching up idempotent: replaying
events after a crash is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import NO_MERGE

from registry.certificates.chain import GENESIS
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.search import segments
from registry.search.database import joined, row_columns
from registry.search.index import IndexStore, State
from registry.search.interfaces import Row
from registry.search.schema import document

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class SyncResult:
    applied: int
    rebuilt: bool
    seq: int


def head(session: Session) -> tuple[int, str]:
    """The register's last event (sequence number, hash)."""
    row = session.execute(select(ChainHead.seq, ChainHead.hash).where(ChainHead.id == 1)).first()
    return (row[0], row[1]) if row else (0, GENESIS)


def _rows_query():  # type: ignore[no-untyped-def]
    # The certificate's id first (batches page by it), then the columns of a search Row.
    return joined(Certificate.id, *row_columns())


def _row(values: tuple) -> Row:  # type: ignore[type-arg]
    return Row(*values[1:])


def rows_by_id(session: Session, ids: Iterable[int], batch: int = 500) -> Iterator[Row]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), batch):
        for values in session.execute(_rows_query().where(Certificate.id.in_(ids[i : i + batch]))):
            yield _row(values)


def all_rows(session: Session, batch: int = 2000) -> Iterator[Row]:
    """Every certificate, in id order, fetched in batches."""
    last = 0
    while True:
        chunk = session.execute(_rows_query().where(Certificate.id > last).order_by(Certificate.id).limit(batch)).all()
        if not chunk:
            return
        for values in chunk:
            yield _row(values)
        last = chunk[-1][0]


def certificate_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Certificate)) or 0


def build(session: Session, store: IndexStore, day: dt.date, progress: Progress | None = None) -> Path:
    """A new generation holding every certificate, not yet live. Needs no lock."""
    seq, hash_ = head(session)  # read first: rows read later are at least this new
    path = store.new_generation()
    done = write_all(
        store.open(path), (document(row, day) for row in all_rows(session)), certificate_count(session), progress
    )
    segments.save_dense(store.open(path), path)
    if progress is not None:
        progress(done)
    store.write_state(path, State(seq=seq, hash=hash_, day=day.isoformat()))
    return path


# Whoosh reckons about 10 KB of pool memory a certificate; 12 leaves room.
_KB_PER_DOC = 20
# Pool memory per writing process. Past it Whoosh spills sorted runs to disk and merges them back
# one pickled posting at a time (at 1,000,000 certificates and 1 GB, five or six runs a process);
# a bigger build is written in batches of separate segments instead (see `write_all`). With
# BLOCKLIMIT, this took 300,000 certificates from 1,063 to 1,811 docs/s (2 cores).
MAX_LIMITMB = 2048
# Postings per block: Whoosh's default of 128 makes reading a long posting list (a city name in
# 40% of names) thousands of block reads, each a seek, an unpickle and a decompression.
BLOCKLIMIT = 512


def _plan(count: int) -> tuple[int, int]:
    """Writing processes and each one's pool memory (MB) for a build of `count` certificates."""
    procs = min(os.cpu_count() or 1, 4) if count >= 20_000 else 1
    return procs, min(MAX_LIMITMB, max(128, _KB_PER_DOC * count // procs // 1024))


def writer_options(count: int) -> dict[str, object]:
    """Big builds use every core (one segment per process); small ones stay in-process.

    Each process sorts its postings in memory up to `limitmb` (by Whoosh's reckoning about 10 KB
    a certificate); past it, it spills sorted runs to disk and merges them back, which halved
    the build rate at 100,000. So a process gets room for its share, up to MAX_LIMITMB.
    """
    procs, limitmb = _plan(count)
    return {"limitmb": limitmb, "procs": procs, "multisegment": procs > 1, "codec": W3Codec(blocklimit=BLOCKLIMIT)}


def write_all(ix: Any, docs: Iterable[dict[str, Any]], count: int, progress: Progress | None = None) -> int:
    """Add `docs` (about `count` of them) to the index `ix`; returns how many were added.

    Written in batches each writing process can sort in memory, every batch its own segments
    (never merged: a merge re-reads and re-writes every posting).
    """
    options = writer_options(count)
    procs, _limitmb = _plan(count)
    batch = max(1, procs * MAX_LIMITMB * 1024 // _KB_PER_DOC)
    done = 0
    writer = ix.writer(**options)
    try:
        for doc in docs:
            writer.add_document(**doc)
            done += 1
            if progress is not None and done % 500 == 0:
                progress(done)
            if done % batch == 0:
                writer.commit(mergetype=NO_MERGE)
                writer = ix.writer(**options)
        writer.commit(mergetype=NO_MERGE)
    except BaseException:
        writer.cancel()
        raise
    return done


def needs_rebuild(session: Session, store: IndexStore, path: Path | None) -> bool:
    """Whether the live generation cannot be caught up: missing, unreadable, or from another register."""
    if path is None:
        return True
    state = store.read_state(path)
    if state is None:
        return True
    seq, _hash = head(session)
    if state.seq > seq:
        return True  # the database went back in time (restore, reset): the index is not its
    if state.seq == 0:
        return False
    stored = session.scalar(select(CertificateEvent.hash).where(CertificateEvent.seq == state.seq))
    return stored != state.hash


def catch_up(session: Session, store: IndexStore, path: Path, day: dt.date) -> int:
    """Apply the events after the generation's state, and re-derive statuses of newly expired certificates.

    The caller holds the sync lock. Returns the number of documents written.
    """
    state = store.read_state(path)
    assert state is not None
    seq, hash_ = head(session)
    ids = set(
        session.scalars(
            select(CertificateEvent.certificate_id).where(CertificateEvent.seq > state.seq, CertificateEvent.seq <= seq)
        )
    )
    last_day = dt.date.fromisoformat(state.day)
    if last_day != day:
        # A certificate whose expiry fell between the two days now reads "expired".
        low, high = min(last_day, day), max(last_day, day)
        ids.update(
            session.scalars(
                select(Certificate.id).where(
                    Certificate.expires >= low - dt.timedelta(days=1), Certificate.expires <= high
                )
            )
        )
    if ids:
        writer = store.open(path).writer(limitmb=128)
        try:
            for row in rows_by_id(session, ids):
                writer.update_document(**document(row, day))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    if ids or state != State(seq, hash_, day.isoformat()):
        store.write_state(path, State(seq=seq, hash=hash_, day=day.isoformat()))
    return len(ids)


def rebuild(session: Session, store: IndexStore, day: dt.date, progress: Progress | None = None) -> int:
    """Build a new generation beside the live one, catch it up, and swap it in. Search stays up."""
    with store.lock("rebuild.lock", timeout=None):
        path = build(session, store, day, progress)
        # The catch-up reads in a new transaction of its own (it sees what was committed during
        # the build); the caller's session and its transaction are left as they were.
        with Session(session.get_bind()) as fresh, store.lock("sync.lock", timeout=None):
            catch_up(fresh, store, path, day)
            store.publish(path)
            return certificate_count(fresh)


def sync(session: Session, store: IndexStore, day: dt.date, *, timeout: float | None = None) -> SyncResult | None:
    """Bring the live index up to the register, rebuilding it when it cannot be caught up.

    Returns None when another process held the writer lock for longer than `timeout`.
    """
    with store.lock("sync.lock", timeout=timeout) as got:
        if not got:
            return None
        path = store.live_dir()
        try:
            broken = needs_rebuild(session, store, path)
        except Exception:
            log.exception("search index unreadable; rebuilding")
            broken = True
        if not broken and path is not None:
            applied = catch_up(session, store, path, day)
            state = store.read_state(path)
            return SyncResult(applied=applied, rebuilt=False, seq=state.seq if state else 0)
    count = rebuild(session, store, day)
    return SyncResult(applied=count, rebuilt=True, seq=head(session)[0])
