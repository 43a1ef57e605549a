"""Search as the API and the site use it: the index when it is current, the database otherwise."""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate
from registry.certificates.validation import today
from registry.organisations.models import Organisation
from registry.search import database, follower
from registry.search.index import IndexStore
from registry.search.query import Hits, ParsedQuery, parse, run

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchRequest:
    """Validated search parameters (see registry/api/search.py for the edge checks)."""

    q: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass
class SearchPage:
    query: ParsedQuery
    total: int
    page: int
    per_page: int
    certificates: list[Certificate]
    facets: dict[str, dict[str, int]]
    engine: str  # "index" or "database"
    exact: bool = True  # False: total and facet counts are estimates ("about N") for a very broad query

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchService:
    """One per app: the host's index store and this process's background follower."""

    # Lag a reader may close itself before answering (a few seconds of work at most); beyond
    # that the follower thread catches up and the database answers meanwhile.
    inline_events = 3000
    inline_rebuild = 3000

    def __init__(self, app: Flask, store: IndexStore) -> None:
        self.app = app
        self.store = store
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    # -- following ---------------------------------------------------------------------------

    def wake(self) -> None:
        """Ask this process's follower thread to catch up (cheap; safe to call from any request)."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                # After a fork the parent's thread is gone: start one in this process.
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._follow, name="search-follower", daemon=True)
                self._thread.start()
        self._wake.set()

    def _follow(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            try:
                with self.app.app_context():
                    session = self.app.extensions["registry.sessionmaker"]()
                    try:
                        follower.sync(session, self.store, today())
                    finally:
                        session.rollback()
                        session.close()
            except Exception:
                log.exception("search index follower failed; the database answers searches meanwhile")

    def ensure_fresh(self, session: Session) -> bool:
        """Whether the live index reflects every committed event (closing a small gap first)."""
        path = self.store.live_dir()
        state = self.store.read_state(path) if path is not None else None
        seq, hash_ = follower.head(session)
        day = today()
        if state is not None and state.seq == seq and state.hash == hash_ and state.day == day.isoformat():
            return True
        small = state is not None and 0 <= seq - state.seq <= self.inline_events
        if not small and follower.certificate_count(session) > self.inline_rebuild:
            self.wake()
            return False
        try:
            result = follower.sync(session, self.store, day, timeout=1.0)
        except Exception:
            log.exception("search index sync failed; answering from the database")
            self.wake()
            return False
        finally:
            session.rollback()
        return result is not None

    # -- searching ---------------------------------------------------------------------------

    def search(self, session: Session, request: SearchRequest) -> SearchPage:
        parsed = parse(request.q)
        hits: Hits | None = None
        engine = "index"
        if self.ensure_fresh(session):
            try:
                searcher = self.store.searcher()
                if searcher is not None:
                    hits = run(
                        searcher,
                        parsed,
                        request.filters,
                        sort=request.sort,
                        page=request.page,
                        per_page=request.per_page,
                        facets=request.facets,
                    )
            except Exception:
                log.exception("search index unreadable; answering from the database and rebuilding")
                self.store.forget()
                self.wake()
        if hits is None:
            engine = "database"
            hits = database.search(
                session,
                parsed,
                request.filters,
                today(),
                sort=request.sort,
                page=request.page,
                per_page=request.per_page,
                facets=request.facets,
            )
        return SearchPage(
            query=parsed,
            total=hits.total,
            page=request.page,
            per_page=request.per_page,
            certificates=load(session, hits.numbers),
            facets=hits.facets,
            engine=engine,
            exact=hits.exact,
        )


def load(session: Session, numbers: list[str]) -> list[Certificate]:
    """Certificates by number, in the given order."""
    if not numbers:
        return []
    found = {c.number: c for c in session.scalars(select(Certificate).where(Certificate.number.in_(numbers)))}
    return [found[n] for n in numbers if n in found]


def exact_target(session: Session, parsed: ParsedQuery) -> tuple[str, Any] | None:
    """Where a typed certificate number or credit code should go straight to, if anywhere."""
    if parsed.number:
        number = session.scalar(select(Certificate.number).where(Certificate.number == parsed.number))
        if number:
            return "certificate", number
    if parsed.credit_code:
        numbers = list(
            session.scalars(
                select(Certificate.number)
                .join(Organisation, Organisation.id == Certificate.holder_id)
                .where(Organisation.credit_code == parsed.credit_code)
                .limit(2)
            )
        )
        if len(numbers) == 1:
            return "certificate", numbers[0]
    return None
