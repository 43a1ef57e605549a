"""The Whoosh index as a search backend: exact answers, evaluated segment by segment as sets.

Candidates come from postings (grams of Chinese runs, Latin word prefixes, numbers, credit
codes, facet values); a Chinese run longer than two characters is then checked against the
stored text, so the answer is exactly what the text rule says. Order and facets come from the
per-segment arrays in `segments`; pages are merged across segments by the full sort key.
"""

from __future__ import annotations

import datetime as dt
import heapq
from array import array
from bisect import bisect_left
from collections import Counter
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from registry.search import segments
from registry.search.analyzer import bigrams
from registry.search.index import IndexStore
from registry.search.interfaces import FACETS, Hits, SearchQuery, ordered_counts
from registry.search.text import EXACT_ID, EXACT_NAME, NAME, NUMBER_PREFIX, TextQuery

# The rarest bigrams of a long run already pin it down; the stored text settles the rest.
MAX_GRAMS = 4
# Below this ratio of sizes, intersecting by binary search in the longer (sorted) list beats a set.
_PROBE = 16
_NAME, _SCOPE = "name_text", "scope_text"


def _intersect(docs: set[int], ids: array | set[int]) -> set[int]:
    if isinstance(ids, array) and len(docs) * _PROBE < len(ids):
        n = len(ids)
        return {d for d in docs if (i := bisect_left(ids, d)) < n and ids[i] == d}
    return docs.intersection(ids)


class _Segment:
    """One leaf reader: the matches of a query and their order."""

    def __init__(self, reader: Any, budget: int) -> None:
        self.reader = reader
        self.budget = budget
        self.data = segments.segment(reader)

    def ids(self, fieldname: str, text: str) -> array:
        return segments.postings(self.reader, fieldname, text, self.budget)

    def run(self, run: str, fieldname: str, which: str) -> set[int]:
        """Documents whose text (name or scope) contains the Chinese run."""
        if len(run) <= 2:
            return set(self.ids(fieldname, run))
        grams = sorted(bigrams(run), key=lambda g: self.reader.doc_frequency(fieldname, g))[:MAX_GRAMS]
        docs: set[int] | None = None
        for gram in grams:
            ids = self.ids(fieldname, gram)
            docs = set(ids) if docs is None else _intersect(docs, ids)
            if not docs:
                return set()
        text = segments.texts(self.reader, which)
        return {d for d in docs or () if run in text[d]}

    def word(self, word: str, fieldname: str) -> set[int]:
        """Documents with a word in the field that begins with `word`."""
        docs: set[int] = set()
        for term in segments.expand(self.reader, fieldname, word):
            docs.update(self.ids(fieldname, term))
        return docs

    def text(self, q: TextQuery) -> tuple[set[int], list[set[int]]]:
        """(every match of the text, its relevance tiers best first) before filters and deletions."""
        exact_id: set[int] = set()
        prefix: set[int] = set()
        if q.number:
            exact_id.update(self.ids("number", q.number))
            for term in segments.expand(self.reader, "number", q.number):
                prefix.update(self.ids("number", term))
        if q.credit_code:
            exact_id.update(self.ids("credit_code", q.credit_code))
        name: set[int] | None = None
        anywhere: set[int] | None = None
        for r in q.runs:
            in_name = self.run(r, "name_ng", _NAME)
            here = in_name | (self.run(r, "scope_ng", _SCOPE) - in_name)
            name = in_name if name is None else name & in_name
            anywhere = here if anywhere is None else anywhere & here
        for w in q.words:
            in_name = self.word(w, "name_en")
            here = in_name | self.word(w, "scope_en")
            name = in_name if name is None else name & in_name
            anywhere = here if anywhere is None else anywhere & here
        exact_name = set(self.ids("name_exact", q.text)) if anywhere is not None else set()
        everything = (anywhere or set()) | prefix | exact_id
        tiers = [exact_id, exact_name, prefix, name or set(), everything]
        return everything, tiers

    def filtered(self, docs: set[int] | None, filters: dict[str, frozenset[str]]) -> set[int] | None:
        """`docs` (None: every document) restricted to the allowed values of each facet."""
        for facet, allowed in filters.items():
            lists = [self.ids(facet, value) for value in allowed if value in self.data.lookup[facet]]
            if not lists:
                return set()
            if docs is None:
                docs = set(lists[0]).union(*lists[1:])
            elif len(lists) == 1:
                docs = _intersect(docs, lists[0])
            else:
                docs = docs.intersection(set(lists[0]).union(*lists[1:]))
            if not docs:
                return docs
        return docs

    def first(self, docs: set[int] | None, k: int, sort: str) -> list[int]:
        """The first `k` of `docs` (None: every live document) in the sort's order."""
        if k <= 0:
            return []
        dead = segments.deleted(self.reader)
        n = self.data.n
        if docs is None:
            order = self.data.order(sort)
            return list(islice((d for d in order if d not in dead), k))
        if not docs:
            return []
        if k * n < len(docs) * len(docs):
            # A broad set is dense: walking the sort order meets its first k before a sort would end.
            return list(islice(filter(docs.__contains__, self.data.order(sort)), k))
        primary, rank = self.data.primary, self.data.rank
        return heapq.nsmallest(k, docs, key=lambda d: (primary(sort, d), rank[d]))

    def count(self, docs: set[int] | None, into: dict[str, Counter[str]]) -> None:
        data = self.data
        if docs is None:
            dead = segments.deleted(self.reader)
            for name in FACETS:
                tally = data.counts()[name].copy()
                codes = data.codes[name]
                tally.subtract(codes[d] for d in dead)
                target = into.setdefault(name, Counter())
                for code, m in tally.items():
                    if m:
                        target[data.values[name][code]] += m
            return
        for name in FACETS:
            codes, values = data.codes[name], data.values[name]
            target = into.setdefault(name, Counter())
            for code, m in Counter(map(codes.__getitem__, docs)).items():
                target[values[code]] += m


class WhooshBackend:
    """Searches the host's live index generation; answers None when it is behind the register."""

    name = "index"

    def __init__(self, store: IndexStore) -> None:
        self.store = store

    def sync(self, session: Session, day: dt.date) -> None:
        from registry.search import follower

        follower.sync(session, self.store, day)

    def warm(self) -> None:
        """Read every live segment's arrays, orders and texts (a server does this before its workers fork)."""
        # A searcher of its own, closed afterwards: what is read is cached by segment, and forked
        # workers must not inherit this process's open index files.
        path = self.store.live_dir()
        if path is None:
            return
        with self.store.open(path).searcher() as searcher:
            for sub, _offset in searcher.leaf_searchers():
                segments.warm(sub.reader())

    def search(self, session: Session, query: SearchQuery, day: dt.date) -> Hits | None:
        searcher = self.store.searcher()
        if searcher is None:
            return None
        return run(searcher, query)


def run(searcher: Any, query: SearchQuery) -> Hits:
    """Answer `query` from an open Whoosh searcher."""
    q = query.text
    filters = {k: v for k, v in query.filters.items() if k in FACETS}
    limit = query.page * query.per_page
    sort = query.sort if query.sort != "relevance" else ("-expires" if q.empty else "relevance")
    budget = max(segments.CACHE_IDS, segments.PER_DOC * searcher.doc_count_all())
    total = 0
    tallies: dict[str, Counter[str]] = {}
    candidates: list[tuple[tuple[Any, ...], Any, int]] = []  # (key without number, reader, docnum)
    for sub, _offset in searcher.leaf_searchers():
        seg = _Segment(sub.reader(), budget)
        dead = segments.deleted(seg.reader)
        if q.empty:
            docs = seg.filtered(None, filters)
            tiers: list[set[int]] = []
        else:
            matched, tiers = seg.text(q)
            docs = seg.filtered(matched, filters)
        if docs is not None and dead:
            docs = docs - dead
        total += (seg.data.n - len(dead)) if docs is None else len(docs)
        if query.facets:
            seg.count(docs, tallies)
        if sort != "relevance":
            picked = seg.first(docs, limit, sort)
            candidates += [((seg.data.primary(sort, d),), seg.reader, d) for d in picked]
            continue
        seen: set[int] = set()
        for level, tier in enumerate(tiers):
            if len(seen) >= limit:
                break
            members = (tier & docs) - seen if docs is not None else set()
            picked = seg.first(members, limit - len(seen), "relevance")
            seen.update(picked)
            candidates += [((level, seg.data.name_len[d]), seg.reader, d) for d in picked]
    keyed = sorted(
        ((key, reader.stored_fields(d)["number"]) for key, reader, d in candidates),
        key=lambda kn: (*kn[0], kn[1]),
    )
    numbers = [number for _key, number in keyed[(query.page - 1) * query.per_page : limit]]
    facets = {name: ordered_counts(tallies.get(name, Counter())) for name in FACETS} if query.facets else {}
    return Hits(total=total, numbers=numbers, facets=facets)


__all__ = ["EXACT_ID", "EXACT_NAME", "NAME", "NUMBER_PREFIX", "WhooshBackend", "run"]
