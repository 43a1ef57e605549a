"""Index queries evaluated as sets of document numbers over cached posting lists.

Whoosh walks posting lists one posting at a time in Python, so an AND of two common words
(管理 and 集团, each in thousands of names) cost 35 ms at 100,000 certificates however few
documents matched. Segments never change once written: each
term's document numbers are read once into an array and kept (up to CACHE_IDS in all), and
AND, OR and filters become set operations in C. Only the matches are then ranked, by the
boosts and rarity of the clauses each one satisfies (see `Match.scores`).
"""

from __future__ import annotations

import math
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

# Document numbers kept in the posting cache, all segments together (4 bytes each: 32 MiB), or
# CACHE_PER_DOC a document when the index is bigger: a broad term's list grows with the index, and
# a fixed budget held fewer of them the bigger it grew (at 1,000,000 certificates, about a dozen).
CACHE_IDS = 8_000_000
CACHE_PER_DOC = 24
# Shorter lists (most names' rare words, every certificate number) are read in one block as
# fast as they are found in a cache; keeping them would only fill it with entries.
_MIN_CACHED = 128
# Below this ratio of sizes, intersecting by binary search in the longer (sorted) list beats
# building a set of it.
_PROBE = 16

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple[str, str, str], array] = OrderedDict()
_cached = 0
_budget = CACHE_IDS
_EMPTY = array("I")


def _read(reader: Any, fieldname: str, text: str) -> array:
    """A term's document numbers in one segment, deleted ones included, in order."""
    if fieldname not in reader.schema:
        return _EMPTY
    try:
        matcher = reader.postings(fieldname, text)
    except TermNotFound:
        return _EMPTY
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child  # deletions are applied once per query, not cached per term
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return array("I", matcher.all_ids())
    # Whole blocks at a time: the block's delta-coded ids decoded by `accumulate` in C, not one
    # posting at a time through the matcher's Python methods.
    ids = array("I")
    while True:
        matcher._read_data()
        ids.extend(accumulate(matcher._data[0]))
        if matcher._lastblock:
            return ids
        matcher._goto(matcher._nextoffset)


def postings(reader: Any, fieldname: str, text: str) -> array:
    """A term's sorted document numbers in a leaf reader, from the cache when it has them."""
    global _cached
    try:
        key = (reader.segment().segment_id(), fieldname, text)
    except AttributeError:  # not a segment reader (an empty index): nothing worth caching
        return _read(reader, fieldname, text)
    with _LOCK:
        ids = _CACHE.get(key)
        if ids is not None:
            _CACHE.move_to_end(key)
            return ids
    ids = _read(reader, fieldname, text)
    if len(ids) < _MIN_CACHED:
        return ids
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = ids
            _cached += len(ids)
            while _cached > _budget and len(_CACHE) > 1:
                _old, dropped = _CACHE.popitem(last=False)
                _cached -= len(dropped)
    return ids


def _intersect(docs: set[int], ids: array | set[int]) -> set[int]:
    if isinstance(ids, array) and len(docs) * _PROBE < len(ids):
        n = len(ids)
        return {d for d in docs if (i := bisect_left(ids, d)) < n and ids[i] == d}
    return docs.intersection(ids)


@dataclass
class Match:
    """The documents a query matches in one segment, and the scored clauses each satisfies."""

    docs: set[int]
    parts: list[tuple[set[int] | array, float]]

    def scores(self, docs: set[int]) -> dict[int, float]:
        """Each of `docs` scored by the summed weight of the clauses it satisfies."""
        scores = dict.fromkeys(docs, 0.0)
        for part, weight in self.parts:
            if weight:
                for d in _intersect(docs, part):
                    scores[d] += weight
        return scores


class _Leaf:
    """Evaluation of a query tree against one leaf reader."""

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.total = max(self.reader.doc_count_all(), 1)

    def weight(self, q: wq.Term, ids: array) -> float:
        field = self.reader.schema[q.fieldname]
        boost = q.boost * getattr(field.format, "field_boost", 1.0)
        # Rarer terms say more (BM25's inverse document frequency).
        return boost * (1.0 + math.log(self.total / (len(ids) + 1) + 1.0))

    def term(self, q: wq.Term) -> Match:
        ids = postings(self.reader, q.fieldname, q.text)
        return Match(set(ids), [(ids, self.weight(q, ids))]) if ids else Match(set(), [])

    def evaluate(self, q: wq.Query) -> Match:
        if isinstance(q, wq.Term):
            return self.term(q)
        if isinstance(q, wq.And):
            return self.conjunction(list(q.subqueries))
        if isinstance(q, wq.Require):
            # The filter clause restricts, it does not score.
            required = self.evaluate(q.a)
            docs = self.restrict(required.docs, q.b)
            return Match(docs, [(_intersect(docs, p), w) for p, w in required.parts])
        if isinstance(q, wq.Or):
            docs: set[int] = set()
            parts: list[tuple[set[int] | array, float]] = []
            for sub in q.subqueries:
                if isinstance(sub, wq.Term):  # straight from the array: no set of its own
                    ids = postings(self.reader, sub.fieldname, sub.text)
                    docs.update(ids)
                    parts.append((ids, self.weight(sub, ids)))
                else:
                    m = self.evaluate(sub)
                    docs |= m.docs
                    parts += m.parts
            return Match(docs, parts)
        if isinstance(q, wq.Prefix):
            docs = set()
            for text in self.reader.expand_prefix(q.fieldname, q.text):
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                docs.update(postings(self.reader, q.fieldname, word))
            return Match(docs, [(docs, q.boost)])
        if isinstance(q, wq.Every):
            return Match(set(range(self.reader.doc_count_all())), [])
        if q is wq.NullQuery:
            return Match(set(), [])
        return Match(set(q.docs(self.searcher)), [])  # any other query: Whoosh's own way

    def restrict(self, docs: set[int], q: wq.Query) -> set[int]:
        """`docs` that also match `q` (a facet filter's postings are long: probe them, never copy them)."""
        if isinstance(q, wq.Term):
            return _intersect(docs, postings(self.reader, q.fieldname, q.text)) if docs else docs
        if isinstance(q, wq.And):
            for sub in q.subqueries:
                docs = self.restrict(docs, sub)
            return docs
        return docs & self.evaluate(q).docs

    def conjunction(self, subqueries: list[wq.Query]) -> Match:
        terms = [s for s in subqueries if isinstance(s, wq.Term)]
        others = [s for s in subqueries if not isinstance(s, wq.Term)]
        # Terms rarest first: the running intersection is small before a long list is touched.
        lists = sorted(((postings(self.reader, t.fieldname, t.text), t) for t in terms), key=lambda lt: len(lt[0]))
        docs: set[int] | None = None
        parts = []
        for ids, t in lists:
            docs = set(ids) if docs is None else _intersect(docs, ids)
            parts.append((ids, self.weight(t, ids)))
            if not docs:
                return Match(set(), [])
        for s in others:
            m = self.evaluate(s)
            docs = m.docs if docs is None else docs & m.docs
            parts += m.parts
            if not docs:
                return Match(set(), [])
        docs = docs or set()
        return Match(docs, [(_intersect(docs, p), w) for p, w in parts])


def size_cache(searcher: Any) -> None:
    """Fit the posting cache's budget to the searcher's index (CACHE_PER_DOC a document)."""
    global _budget
    _budget = max(CACHE_IDS, CACHE_PER_DOC * searcher.doc_count_all())


def evaluate(searcher: Any, q: wq.Query) -> list[tuple[Any, int, Match]]:
    """(leaf reader, document offset, live matches) for each segment of the searcher's index."""
    size_cache(searcher)
    out = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        match = _Leaf(sub).evaluate(q)
        if reader.has_deletions() and match.docs:
            match.docs -= reader.deleted_docs_set
        out.append((reader, offset, match))
    return out
