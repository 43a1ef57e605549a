"""The Whoosh index as a search backend: exact answers, evaluated segment by segment as sets.

Candidates come from postings (grams of Chinese runs, Latin word prefixes, numbers, credit
codes, facet values); a Chinese run longer than two characters is then checked against the
stored text, so the answer is exactly what the text rule says. Order and facets come from the
per-segment arrays in `segments`; pages are merged across segments by the full sort key.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from itertools import compress, islice
from typing import Any

from sqlalchemy.orm import Session

from registry.search import docsets, segments
from registry.search.analyzer import bigrams
from registry.search.docsets import Docs
from registry.search.index import IndexStore
from registry.search.interfaces import FACETS, Hits, SearchQuery, ordered_counts
from registry.search.text import EXACT_ID, EXACT_NAME, NAME, NUMBER_PREFIX, TextQuery

_NAME, _SCOPE = "name_text", "scope_text"


class _Segment:
    """One leaf reader: the matches of a query and their order."""

    def __init__(self, reader: Any, budget: int) -> None:
        self.reader = reader
        self.budget = budget
        self.data = segments.segment(reader)
        self.n = self.data.n

    def ids(self, fieldname: str, text: str) -> Docs:
        return segments.postings(self.reader, fieldname, text, self.budget)

    def run(self, run: str, fieldname: str, which: str) -> Docs:
        """Documents whose text (name or scope) contains the Chinese run."""
        if len(run) <= 2:
            return self.ids(fieldname, run)
        known = segments.verified(self.reader, fieldname, run)
        if known is not None:
            return known
        # The rarest bigram's documents, each checked against the text: reading a second, denser
        # posting list would cost more than the check it saves.
        gram = min(bigrams(run), key=lambda g: self.reader.doc_frequency(fieldname, g))
        candidates = self.ids(fieldname, gram)
        text = segments.texts(self.reader, which)
        if isinstance(candidates, int):
            seen = docsets.bytemap(candidates, self.n)
            found: Docs = candidates
            if not all(run in t for t in compress(text, seen)):
                pairs = zip(compress(range(self.n), seen), compress(text, seen), strict=True)
                found = docsets.minus(candidates, {d for d, t in pairs if run not in t}, self.n)
        else:
            found = docsets.dense({d for d in candidates if run in text[d]}, self.n)
        segments.remember(self.reader, fieldname, run, found, self.budget)
        return found

    def word(self, word: str, fieldname: str) -> Docs:
        """Documents with a word in the field that begins with `word`."""
        terms = segments.expand(self.reader, fieldname, word)
        return docsets.union_all((self.ids(fieldname, t) for t in terms), self.n)

    def text(self, q: TextQuery) -> tuple[Docs, list[Docs]]:
        """(every match of the text, its relevance tiers best first) before filters and deletions."""
        n = self.n
        exact_id: Docs = set()
        prefix: Docs = set()
        if q.number:
            exact_id = self.ids("number", q.number)
            prefix = self.word(q.number, "number")
        if q.credit_code:
            exact_id = docsets.union(exact_id, self.ids("credit_code", q.credit_code), n)
        name: Docs | None = None
        anywhere: Docs | None = None
        for r in q.runs:
            in_name = self.run(r, "name_ng", _NAME)
            here = docsets.union(in_name, self.run(r, "scope_ng", _SCOPE), n)
            name = in_name if name is None else docsets.inter(name, in_name, n)
            anywhere = here if anywhere is None else docsets.inter(anywhere, here, n)
        for w in q.words:
            in_name = self.word(w, "name_en")
            here = docsets.union(in_name, self.word(w, "scope_en"), n)
            name = in_name if name is None else docsets.inter(name, in_name, n)
            anywhere = here if anywhere is None else docsets.inter(anywhere, here, n)
        exact_name: Docs = self.ids("name_exact", q.text) if anywhere is not None else set()
        everything = docsets.union_all((anywhere or set(), prefix, exact_id), n)
        tiers = [exact_id, exact_name, prefix, name or set(), everything]
        return everything, tiers

    def filtered(self, docs: Docs | None, filters: dict[str, frozenset[str]]) -> Docs | None:
        """`docs` (None: every document) restricted to the allowed values of each facet."""
        for facet, allowed in filters.items():
            lists = [self.ids(facet, value) for value in allowed if value in self.data.lookup[facet]]
            if not lists:
                return set()
            either = lists[0] if len(lists) == 1 else docsets.union_all(lists, self.n)
            docs = either if docs is None else docsets.inter(docs, either, self.n)
            if not docsets.size(docs):
                return docs
        return docs

    def first(self, docs: Docs | None, k: int, sort: str) -> list[int]:
        """The first `k` of `docs` (None: every live document) in the sort's order."""
        if k <= 0:
            return []
        n = self.n
        if docs is None:
            dead = segments.deleted(self.reader)
            order = self.data.order(sort)
            return list(islice((d for d in order if d not in dead), k))
        m = docsets.size(docs)
        if not m:
            return []
        if k * n < m * m:
            # A broad set is dense: walking the sort order meets its first k before a sort would end.
            return list(islice(filter(docsets.membership(docs, n), self.data.order(sort)), k))
        primary, rank = self.data.primary, self.data.rank
        return heapq.nsmallest(k, docsets.members(docs, n), key=lambda d: (primary(sort, d), rank[d]))

    def count(self, docs: Docs | None, into: dict[str, Counter[str]]) -> None:
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
        seen: bytes | None = None
        for name in FACETS:
            codes, values = data.codes[name], data.values[name]
            target = into.setdefault(name, Counter())
            if not isinstance(docs, int):
                tally = Counter(map(codes.__getitem__, docs))
            elif (per_value := data.value_bits(name)) is not None:
                tally = Counter({code: (docs & bits).bit_count() for code, bits in enumerate(per_value)})
            else:
                seen = seen if seen is not None else docsets.bytemap(docs, self.n)
                tally = Counter(compress(codes, seen))
            for code, m in tally.items():
                if m:
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
            budget = segments.cache_budget(searcher.doc_count_all())
            for sub, _offset in searcher.leaf_searchers():
                segments.warm(sub.reader(), budget, path)

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
    budget = segments.cache_budget(searcher.doc_count_all())
    total = 0
    tallies: dict[str, Counter[str]] = {}
    candidates: list[tuple[tuple[Any, ...], Any, int]] = []  # (key without number, reader, docnum)
    for sub, _offset in searcher.leaf_searchers():
        seg = _Segment(sub.reader(), budget)
        if q.empty:
            docs = seg.filtered(None, filters)
            tiers: list[Docs] = []
        else:
            matched, tiers = seg.text(q)
            docs = seg.filtered(matched, filters)
        if docs is not None:
            docs = segments.without_deleted(seg.reader, docs)
            total += docsets.size(docs)
        else:
            total += seg.n - len(segments.deleted(seg.reader))
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
            members = docsets.minus(docsets.inter(tier, docs, seg.n), seen, seg.n) if docs is not None else set()
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
