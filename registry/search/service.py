"""Search as the API and the site use it: understand the words, pick a backend that is current."""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.validation import today
from registry.organisations import regions as region_tree
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.search import follower
from registry.search.database import DatabaseBackend
from registry.search.index import IndexStore
from registry.search.interfaces import FACETS, SearchBackend, SearchQuery
from registry.search.params import SearchRequest
from registry.search.text import TextQuery, parse
from registry.search.understanding import Chip, Understood, understand
from registry.search.vocabulary import Vocabulary, vocabulary
from registry.search.whoosh_backend import WhooshBackend

log = logging.getLogger(__name__)

__all__ = ["SearchPage", "SearchRequest", "SearchService", "exact_target", "load"]


@dataclass
class SearchPage:
    query: TextQuery
    total: int
    page: int
    per_page: int
    certificates: list[Certificate]
    facets: dict[str, dict[str, int]]
    engine: str  # the backend that answered: "index" or "database"
    chips: tuple[Chip, ...] = ()
    # The region whose next level the region facet counts (None: the provinces).
    region_parent: str | None = None
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchService:
    """One per app: the host's index (kept current by a follower thread), the database, the vocabulary."""

    # Lag a reader may close itself before answering (a few seconds of work at most); beyond
    # that the follower thread catches up and the database answers meanwhile.
    inline_events = 3000
    inline_rebuild = 3000
    vocabulary_ttl = 30.0

    def __init__(self, app: Flask, store: IndexStore, index: SearchBackend | None = None) -> None:
        self.app = app
        self.store = store
        self.index: SearchBackend = index or WhooshBackend(store)
        self.database = DatabaseBackend()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._vocabulary: tuple[float, Vocabulary, dict[str, dict[str, tuple[str, str]]]] | None = None

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

    def after_write(self) -> None:
        """After a commit that appended events: a server's follower thread catches up at once.

        Only for writes made by a request: a command-line process exits too soon for a thread to
        finish, and a script's or test's own session is its own business; the servers' next
        search closes the gap either way (`ensure_fresh`).
        """
        if has_request_context():
            self.wake()

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
                        session.close()
            except Exception:
                log.exception("search index follower failed; the database answers searches meanwhile")

    def ensure_fresh(self, session: Session, day: dt.date) -> bool:
        """Whether the live index reflects every committed event (closing a small gap first).

        Reads use their own short session, so the request's session is never rolled back.
        """
        path = self.store.live_dir()
        state = self.store.read_state(path) if path is not None else None
        seq, hash_ = follower.head(session)
        if state is not None and state.seq == seq and state.hash == hash_ and state.day == day.isoformat():
            return True
        small = state is not None and 0 <= seq - state.seq <= self.inline_events
        if not small and follower.certificate_count(session) > self.inline_rebuild:
            self.wake()
            return False
        own = self.app.extensions["registry.sessionmaker"]()
        try:
            result = follower.sync(own, self.store, day, timeout=2.0)
        except Exception:
            log.exception("search index sync failed; answering from the database")
            self.wake()
            return False
        finally:
            own.close()
        if result is None:
            return False
        state = self.store.read_state(path) if (path := self.store.live_dir()) is not None else None
        return state is not None and state.seq >= seq

    # -- understanding -----------------------------------------------------------------------

    def vocabulary(self, session: Session) -> Vocabulary:
        """Place, star, scheme, body and business-type words (schemes and bodies re-read every 30 s)."""
        return self._reference(session)[0]

    def display_names(self, session: Session) -> dict[str, dict[str, tuple[str, str]]]:
        """{"scheme" or "body": {code: (name_zh, name_en)}}: how facets and chips name them (same 30 s)."""
        return self._reference(session)[1]

    def _reference(self, session: Session) -> tuple[Vocabulary, dict[str, dict[str, tuple[str, str]]]]:
        cached = self._vocabulary
        if cached is not None and time.monotonic() - cached[0] < self.vocabulary_ttl:
            return cached[1], cached[2]
        schemes = [
            tuple(r)
            for r in session.execute(
                select(Scheme.code, Scheme.short_name, Scheme.name_zh, Scheme.name_en, Scheme.short_name_zh)
            )
        ]
        bodies = [
            tuple(r)
            for r in session.execute(
                select(CertificationBody.code, CertificationBody.name_zh, CertificationBody.name_en)
            )
        ]
        vocab = vocabulary(schemes, bodies)  # type: ignore[arg-type]
        names = {
            "scheme": {code: (zh, en) for code, _short, zh, en, _short_zh in schemes},
            "body": {code: (zh, en) for code, zh, en in bodies},
        }
        self._vocabulary = (time.monotonic(), vocab, names)
        return vocab, names

    def understood(self, session: Session, request: SearchRequest) -> Understood:
        if not request.understand:
            return Understood(text=request.q, chips=())
        return understand(request.q, self.vocabulary(session))

    # -- searching ---------------------------------------------------------------------------

    def search(self, session: Session, request: SearchRequest) -> SearchPage:
        day = today()
        understood = self.understood(session, request)
        wanted, leaves = _merge(request, understood.chips)
        filters = {name: frozenset(values) for name, values in wanted.items()}
        if leaves is not None:
            filters["region"] = leaves
        query = SearchQuery(
            text=parse(understood.text),
            filters=filters,
            sort=request.sort,
            page=request.page,
            per_page=request.per_page,
            facets=request.facets,
        )
        hits = None
        engine = self.index.name
        if self.ensure_fresh(session, day):
            try:
                hits = self.index.search(session, query, day)
            except Exception:
                log.exception("search index unreadable; answering from the database and rebuilding")
                self.store.forget()
                self.wake()
        if hits is None:
            engine = self.database.name
            hits = self.database.search(session, query, day)
        parent = _region_parent(wanted.get("region", ()))
        facets = dict(hits.facets)
        if "region" in facets:
            facets["region"] = roll_up(facets["region"], parent)
        return SearchPage(
            query=query.text,
            total=hits.total,
            page=request.page,
            per_page=request.per_page,
            certificates=load(session, hits.numbers),
            facets=facets,
            engine=engine,
            chips=understood.chips,
            region_parent=parent,
            filters=wanted,
        )


def _merge(request: SearchRequest, chips: tuple[Chip, ...]) -> tuple[dict[str, tuple[str, ...]], frozenset[str] | None]:
    """The request's filters narrowed by what the words were understood to mean.

    Several sources for one facet intersect. Regions nest, so they intersect as sets of districts:
    returns (the filters as asked, the region leaf codes allowed or None for any region).
    """
    wanted = {name: request.values(name) for name in FACETS if request.values(name)}
    groups = [wanted["region"]] if "region" in wanted else []
    for chip in chips:
        if chip.facet not in FACETS:
            continue
        if chip.facet == "region":
            groups.append(tuple(chip.values))
            wanted["region"] = tuple(dict.fromkeys((*wanted.get("region", ()), *chip.values)))
        elif chip.facet in wanted:
            wanted[chip.facet] = tuple(v for v in wanted[chip.facet] if v in chip.values) or ("",)
        else:
            wanted[chip.facet] = tuple(chip.values)
    leaves: frozenset[str] | None = None
    for group in groups:
        here = frozenset(leaf for code in group for leaf in region_tree.descendants(code))
        leaves = here if leaves is None else leaves & here
    return wanted, leaves


def _region_parent(codes: tuple[str, ...]) -> str | None:
    """The deepest of `codes` when they all lie on one line from a province down (else None)."""
    deepest = max(codes, key=lambda c: len(region_tree.ancestors(c)), default=None)
    if deepest is None:
        return None
    line = {*region_tree.ancestors(deepest), deepest}
    return deepest if all(c in line for c in codes) else None


def roll_up(counts: dict[str, int], parent: str | None) -> dict[str, int]:
    """Counts of leaf region codes summed to the next level below `parent` (None: the provinces)."""
    below = set(region_tree.children(parent))
    if parent is not None and not below:
        below = {parent}  # a district has no level below: it counts itself
    tally: Counter[str] = Counter()
    for code, n in counts.items():
        node: str | None = code
        while node is not None and node not in below:
            node = _parent(node)
        tally[node or code] += n
    return {k: v for k, v in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))}


def _parent(code: str) -> str | None:
    above = region_tree.ancestors(code)
    return above[-1] if above else None


def load(session: Session, numbers: list[str]) -> list[Certificate]:
    """Certificates by number, in the given order."""
    if not numbers:
        return []
    found = {c.number: c for c in session.scalars(select(Certificate).where(Certificate.number.in_(numbers)))}
    return [found[n] for n in numbers if n in found]


def exact_target(session: Session, parsed: TextQuery) -> tuple[str, Any] | None:
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
