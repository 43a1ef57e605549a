"""Per-segment arrays and posting lists, read once through Whoosh's public API and reused.

Whoosh's own collectors walk every match in Python (about a second for the unfiltered list at
100,000 certificates). A segment's postings and columns never change once written (only its
deletions grow), so each segment's facet codes, expiry dates, name lengths and number order are
read once into compact arrays, and each term's document numbers once into a sorted array; a
query is then set operations and `Counter`s in C. Deletions are applied per reader, from
`all_doc_ids()`, so a superseded document never counts.
"""

from __future__ import annotations

import os
import struct
import threading
import weakref
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.reading import TermNotFound

from registry.search import docsets
from registry.search.docsets import Docs
from registry.search.interfaces import FACETS

_LOCK = threading.Lock()
_SEGMENTS: OrderedDict[str, SegmentData] = OrderedDict()
_MAX_SEGMENTS = 256
_POSTINGS: OrderedDict[tuple[str, str, str], Docs] = OrderedDict()
_DELETED: weakref.WeakKeyDictionary[Any, frozenset[int]] = weakref.WeakKeyDictionary()
_DEAD_BITS: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
# Document numbers kept in the posting cache (4 bytes each), or PER_DOC a document when the
# index is bigger: a broad term's list grows with the index.
CACHE_IDS = 8_000_000
PER_DOC = 24
# Shorter lists are read as fast as they are found in a cache; keeping them only fills it.
_MIN_CACHED = 128
_EMPTY: frozenset[int] = frozenset()
# The text fields whose dense terms a warm-up reads (facet fields are read too).
WARM_FIELDS = ("name_ng", "scope_ng", "name_en", "scope_en")
_cached = 0


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else ("" if value is None else str(value))


def segment_id(reader: Any) -> str:
    """A stable name for a leaf reader's segment ("" for a reader that is not a segment)."""
    try:
        return str(reader.segment().segment_id())
    except AttributeError:
        return ""


# A facet with at most this many values is counted through one bitset a value.
_FEW_VALUES = 64
# For each value code, the table that turns a byte of codes into 1 for that code, 0 otherwise.
_ONE_OF = [bytes(1 if b == code else 0 for b in range(256)) for code in range(_FEW_VALUES)]


@dataclass
class SegmentData:
    """One segment's columns as arrays: facet codes, expiry ordinals, name lengths, number ranks."""

    n: int
    codes: dict[str, array] = field(default_factory=dict)
    values: dict[str, list[str]] = field(default_factory=dict)
    lookup: dict[str, dict[str, int]] = field(default_factory=dict)
    expires: array = field(default_factory=lambda: array("i"))
    name_len: array = field(default_factory=lambda: array("i"))
    stars: array = field(default_factory=lambda: array("i"))
    rank: array = field(default_factory=lambda: array("I"))
    _orders: dict[str, array] = field(default_factory=dict)
    _counts: dict[str, Counter[int]] | None = None
    _value_bits: dict[str, list[int] | None] = field(default_factory=dict)

    def primary(self, sort: str, d: int) -> int:
        """The sort key of document `d` before the number: see `interfaces.sort_key`."""
        if sort == "stars":
            return -self.stars[d]
        if sort == "expires":
            return self.expires[d]
        if sort == "-expires":
            return -self.expires[d]
        return self.name_len[d]

    def order(self, sort: str) -> array:
        """Every document of the segment in the sort's order (deleted ones included)."""
        got = self._orders.get(sort)
        if got is None:
            rank, primary = self.rank, self.primary
            got = array("I", sorted(range(self.n), key=lambda d: (primary(sort, d), rank[d])))
            self._orders[sort] = got
        return got

    def counts(self) -> dict[str, Counter[int]]:
        """Facet codes counted over every document of the segment (deleted ones included)."""
        if self._counts is None:
            self._counts = {name: Counter(self.codes[name]) for name in FACETS}
        return self._counts

    def value_bits(self, name: str) -> list[int] | None:
        """A bitset of each value code of a facet with few values (None for one with many).

        Counting a dense answer's facet is then one `&` and `bit_count()` a value, in C, where
        counting its documents' codes one by one took 160 ms at 1,000,000 certificates.
        """
        if name not in self._value_bits:
            got = None
            if len(self.values[name]) <= _FEW_VALUES:
                raw = array("B", self.codes[name]).tobytes()
                got = [docsets.from_bytemap(raw.translate(_ONE_OF[code])) for code in range(len(self.values[name]))]
            self._value_bits[name] = got
        return self._value_bits[name]


def _load(reader: Any) -> SegmentData:
    n = reader.doc_count_all()
    seg = SegmentData(n)
    for name in FACETS:
        table: dict[str, int] = {}
        raw = reader.column_reader(name) if reader.has_column(name) else [None] * n
        seg.codes[name] = array("H", (table.setdefault(_text(v), len(table)) for v in raw))
        seg.values[name] = list(table)
        seg.lookup[name] = table
    for name in ("expires", "name_len"):
        setattr(seg, name, array("i", reader.column_reader(name)) if reader.has_column(name) else array("i", [0] * n))
    stars = seg.values["stars"]
    seg.stars = array("i", (int(stars[c] or 0) for c in seg.codes["stars"]))
    numbers = [_text(v) for v in reader.column_reader("number")] if reader.has_column("number") else [""] * n
    rank = array("I", bytes(4 * n))
    for position, d in enumerate(sorted(range(n), key=numbers.__getitem__)):
        rank[d] = position
    seg.rank = rank
    return seg


def segment(reader: Any) -> SegmentData:
    """The arrays of one leaf reader's segment, read on first use."""
    sid = segment_id(reader)
    with _LOCK:
        seg = _SEGMENTS.get(sid) if sid else None
        if seg is not None:
            _SEGMENTS.move_to_end(sid)
            return seg
    seg = _load(reader)
    if sid:
        with _LOCK:
            _SEGMENTS[sid] = seg
            while len(_SEGMENTS) > _MAX_SEGMENTS:
                _SEGMENTS.popitem(last=False)
    return seg


_TEXTS: OrderedDict[tuple[str, str], list[str]] = OrderedDict()


def texts(reader: Any, column: str) -> list[str]:
    """Every document's text in a column of one segment ("name_text", "scope_text"), read once.

    Checking a long run against these lists costs a fraction of a microsecond a candidate, where
    reading stored fields cost twenty; repeated scope texts share one string.
    """
    key = (segment_id(reader), column)
    with _LOCK:
        got = _TEXTS.get(key) if key[0] else None
        if got is not None:
            _TEXTS.move_to_end(key)
            return got
    shared: dict[str, str] = {}
    raw = reader.column_reader(column) if reader.has_column(column) else [b""] * reader.doc_count_all()
    got = [shared.setdefault(v, v) for v in map(_text, raw)]
    if key[0]:
        with _LOCK:
            _TEXTS[key] = got
            while len(_TEXTS) > 2 * _MAX_SEGMENTS:
                _TEXTS.popitem(last=False)
    return got


def warm(reader: Any, budget: int = CACHE_IDS, directory: Path | None = None) -> None:
    """Read everything a first query on this segment would: its arrays, every sort order, the
    facet counts, the texts that long runs are checked against and the bitsets of its dense terms
    (seconds per million certificates, paid once at start-up instead of by the first visitors).
    The dense terms come from the file the build wrote beside the segment (`save_dense`) when
    `directory` holds one: Whoosh decodes postings at about three million documents a second."""
    seg = segment(reader)
    for sort in ("relevance", "stars", "expires", "-expires"):
        seg.order(sort)
    seg.counts()
    for name in FACETS:
        seg.value_bits(name)
    for column in ("name_text", "scope_text"):
        texts(reader, column)
    warm_postings(reader, budget, directory)


def deleted(reader: Any) -> frozenset[int]:
    """The deleted document numbers of a leaf reader (computed once per reader)."""
    if not reader.has_deletions():
        return frozenset()
    got = _DELETED.get(reader)
    if got is None:
        got = frozenset(set(range(reader.doc_count_all())).difference(reader.all_doc_ids()))
        _DELETED[reader] = got
    return got


def without_deleted(reader: Any, docs: Docs) -> Docs:
    """`docs` less the reader's deleted documents."""
    dead = deleted(reader)
    if not dead:
        return docs
    if isinstance(docs, int):
        with _LOCK:
            dead_bits = _DEAD_BITS.get(reader)
        if dead_bits is None:
            dead_bits = docsets.bits(dead, reader.doc_count_all())
            with _LOCK:
                _DEAD_BITS[reader] = dead_bits
        return docs & ~dead_bits
    return docsets.minus(docs, dead, reader.doc_count_all())


def postings(reader: Any, fieldname: str, text: str, budget: int = CACHE_IDS) -> Docs:
    """A term's documents in one segment (deleted ones may be included: subtract `deleted`).

    A sorted array, or a bitset when the term is in more than one document in `docsets.DENSE`
    (a bitset is then smaller than the array, and set operations on it run at memory speed).
    """
    key = (segment_id(reader), fieldname, text)
    if key[0]:
        with _LOCK:
            docs = _POSTINGS.get(key)
            if docs is not None:
                _POSTINGS.move_to_end(key)
                return docs
    try:
        ids = array("I", reader.postings(fieldname, text).all_ids())
    except TermNotFound:
        return _EMPTY
    n = reader.doc_count_all()
    docs = docsets.dense(ids, n)
    if key[0] and len(ids) >= _MIN_CACHED:
        _keep(_POSTINGS, key, docs, budget)
    return docs


def cache_budget(doc_count: int) -> int:
    """The posting cache's size for an index of `doc_count` documents, in document numbers."""
    return max(CACHE_IDS, PER_DOC * doc_count)


def _cost(docs: Docs) -> int:
    """What a cached set holds, in document numbers (4 bytes each)."""
    return docs.bit_length() // 32 + 1 if isinstance(docs, int) else len(docs)


def _keep(cache: OrderedDict[Any, Docs], key: Any, docs: Docs, budget: int) -> None:
    global _cached
    with _LOCK:
        if key in cache:
            return
        cache[key] = docs
        _cached += _cost(docs)
        while _cached > budget and len(cache) > 1:
            _old, dropped = cache.popitem(last=False)
            _cached -= _cost(dropped)


def verified(reader: Any, fieldname: str, run: str) -> Docs | None:
    """A Chinese run's checked documents in one segment, if an earlier query kept them."""
    key = (segment_id(reader), f"{fieldname}#run", run)
    with _LOCK:
        got = _POSTINGS.get(key)
        if got is not None:
            _POSTINGS.move_to_end(key)
        return got


def remember(reader: Any, fieldname: str, run: str, docs: Docs, budget: int) -> None:
    """Keep a run's checked documents when they are a bitset (a broad run, costly to check again).

    A segment never changes once written (only its deletions grow), so they stay true; they
    share the posting lists' cache and its budget.
    """
    sid = segment_id(reader)
    if sid and isinstance(docs, int):
        _keep(_POSTINGS, (sid, f"{fieldname}#run", run), docs, budget)


def dense_terms(reader: Any, fields: Iterable[str] = ()) -> Iterator[tuple[str, str, int]]:
    """(field, term, bitset) for every dense term of the fields (the warm-up's: text and facets)."""
    n = reader.doc_count_all()
    for fieldname in fields or (*WARM_FIELDS, *FACETS):
        if fieldname not in reader.schema or not reader.schema[fieldname].indexed:
            continue
        for term in list(reader.lexicon(fieldname)):
            if reader.doc_frequency(fieldname, term) * docsets.DENSE > n:
                ids = array("I", reader.postings(fieldname, term).all_ids())
                yield fieldname, _text(term), docsets.bits(ids, n)


# Beside each segment a generation's build wrote: its dense terms' bitsets, read at start-up in
# milliseconds instead of decoded from the postings (a second or more a 100,000 documents).
_DENSE_FILE = "dense-{}.bits"
_RECORD = struct.Struct("<HHI")


def save_dense(ix: Any, directory: Path) -> int:
    """Write the dense-term file of every segment of `ix` that has none; the number written."""
    written = 0
    live: set[str] = set()
    with ix.searcher() as searcher:
        for sub, _offset in searcher.leaf_searchers():
            reader = sub.reader()
            sid = segment_id(reader)
            target = directory / _DENSE_FILE.format(sid)
            live.add(target.name)
            if not sid or target.exists():
                continue
            partial = target.with_suffix(".partial")
            with partial.open("wb") as out:
                for fieldname, term, bits in dense_terms(reader):
                    name, text = fieldname.encode(), term.encode()
                    body = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
                    out.write(_RECORD.pack(len(name), len(text), len(body)) + name + text + body)
            os.replace(partial, target)
            written += 1
    for old in directory.glob(_DENSE_FILE.format("*")):
        if old.name not in live:
            old.unlink(missing_ok=True)
    return written


def stored_dense(directory: Path, reader: Any) -> list[tuple[str, str, int]] | None:
    """A segment's dense-term bitsets as its build wrote them; None when there is no readable file."""
    sid = segment_id(reader)
    if not sid:
        return None
    try:
        data = (directory / _DENSE_FILE.format(sid)).read_bytes()
        out, at = [], 0
        while at < len(data):
            name_len, text_len, body_len = _RECORD.unpack_from(data, at)
            at += _RECORD.size
            name = data[at : at + name_len].decode()
            text = data[at + name_len : at + name_len + text_len].decode()
            at += name_len + text_len
            if at + body_len > len(data):
                return None
            out.append((name, text, int.from_bytes(data[at : at + body_len], "little")))
            at += body_len
    except (OSError, struct.error, UnicodeDecodeError):
        return None
    return out


def warm_postings(reader: Any, budget: int, directory: Path | None = None) -> int:
    """Put every dense term's bitset in the cache, from the segment's file when it has one."""
    sid = segment_id(reader)
    stored = stored_dense(directory, reader) if directory is not None else None
    terms = stored if stored is not None else dense_terms(reader)
    read = 0
    for fieldname, term, bits in terms:
        if sid:
            _keep(_POSTINGS, (sid, fieldname, term), bits, budget)
        read += 1
    return read


def expand(reader: Any, fieldname: str, prefix: str) -> list[str]:
    """The terms of a field that begin with `prefix`."""
    return [_text(t) for t in reader.expand_prefix(fieldname, prefix)]
