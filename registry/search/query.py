"""From what a person typed to an index query: no query language, so no input can be a syntax error."""

from __future__ import annotations

import heapq
import random
import re
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from registry.organisations.validation import CREDIT_ALPHABET, credit_check_char
from registry.search import columns, matching
from registry.search.analyzer import bigrams, cjk_runs, jieba_words, normalise
from registry.search.schema import FACETS

MAX_QUERY = 200
# A term in more than this share of documents (有限公司, 公司, co, ltd ...) decides almost
# nothing but costs a posting list as long as the index; dropping it keeps queries fast.
COMMON_SHARE = 0.2
MAX_TERMS = 4
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9/-]{1,39}$")
_LATIN = re.compile(r"[a-z0-9]+")
# Longer runs are names being typed out, not scope phrases; skipping the scope match for them
# keeps full-name queries from scoring every certificate whose scope shares a word.
SCOPE_RUN = 8
SORTS = ("relevance", "stars", "expires")


@dataclass(frozen=True)
class ParsedQuery:
    """A cleaned query: its text and the pieces the index matches."""

    text: str = ""
    number: str | None = None
    credit_code: str | None = None
    runs: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    truncated: bool = False
    highlight: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not (self.number or self.credit_code or self.runs or self.words)


def is_credit_code(text: str) -> bool:
    return len(text) == 18 and all(c in CREDIT_ALPHABET for c in text) and credit_check_char(text[:17]) == text[17]


def parse(raw: str) -> ParsedQuery:
    """Clean anything a person or a program may send: control characters, quotes, operators, length."""
    truncated = len(raw) > MAX_QUERY
    text = " ".join(normalise(raw[: MAX_QUERY * 2]).split())[:MAX_QUERY]
    compact = text.replace(" ", "").upper()
    number = compact if _NUMBER.match(compact) and any(c.isdigit() for c in compact) else None
    credit = compact if is_credit_code(compact) else None
    runs = tuple(dict.fromkeys(cjk_runs(text)))
    words = tuple(dict.fromkeys(_LATIN.findall(text)))
    highlight = tuple(sorted({*runs, *words, *(w for r in runs for w in jieba_words(r, "default") if len(w) > 1)}))
    return ParsedQuery(text, number, credit, runs, words, truncated, highlight)


def _prune(searcher: Any, fieldname: str, terms: list[str]) -> list[str]:
    """Drop terms most documents contain, keeping at least the rarest one."""
    total = max(searcher.doc_count(), 1)
    freq = {t: searcher.doc_frequency(fieldname, t) for t in terms}
    kept = [t for t in terms if freq[t] <= total * COMMON_SHARE]
    if not kept:
        return [min(terms, key=lambda t: freq[t])]
    # The rarest few terms already pin a name down; intersecting every posting list of a long
    # name costs far more than it filters (any extra matches rank below the exact one).
    return sorted(kept, key=lambda t: freq[t])[:MAX_TERMS]


def _all(fieldname: str, terms: list[str], boost: float = 1.0) -> wq.Query:
    parts = [wq.Term(fieldname, t, boost=boost) for t in terms]
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _run_query(searcher: Any, run: str) -> wq.Query:
    """One run of Chinese characters: jieba words in the name or scope, or the name's bigrams."""
    if len(run) == 1:
        return wq.Or([wq.Term("name_zh", run), wq.Term("scope_zh", run), wq.Prefix("name_ng", run)])
    words = jieba_words(run, "default")
    options: list[wq.Query] = [wq.Term("name_exact", run, boost=20.0)]
    if words:
        options.append(_all("name_zh", _prune(searcher, "name_zh", words)))
        if len(run) <= SCOPE_RUN:
            options.append(_all("scope_zh", _prune(searcher, "scope_zh", words), 0.5))
    # jieba may cut a query word differently from the same word inside a name (梁溪区, 物业服务);
    # bigrams of the name match any fragment of two characters or more.
    options.append(_all("name_ng", _prune(searcher, "name_ng", bigrams(run))))
    return wq.Or(options)


def _word_query(searcher: Any, word: str) -> wq.Query:
    return wq.Or([wq.Term("name_en", word), wq.Term("scope_en", word, boost=0.5)])


def build(searcher: Any, parsed: ParsedQuery) -> wq.Query:
    """The index query for a parsed query (everything when it is empty)."""
    if parsed.empty:
        return wq.Every()
    required: list[wq.Query] = [_run_query(searcher, r) for r in parsed.runs]
    if parsed.words:
        words = [w for w in parsed.words if searcher.doc_frequency("name_en", w) <= searcher.doc_count() * COMMON_SHARE]
        required.extend(_word_query(searcher, w) for w in (words or list(parsed.words)))
    text = wq.And(required) if len(required) > 1 else (required[0] if required else wq.NullQuery)
    exact: list[wq.Query] = []
    if parsed.number:
        exact += [wq.Term("number", parsed.number, boost=50.0), wq.Prefix("number", parsed.number, boost=10.0)]
    if parsed.credit_code:
        exact.append(wq.Term("credit_code", parsed.credit_code, boost=50.0))
    return wq.Or([*exact, text]) if exact else text


def filter_query(filters: dict[str, str]) -> wq.Query | None:
    terms = [wq.Term(name, value) for name, value in filters.items() if value and name in FACETS]
    if not terms:
        return None
    return terms[0] if len(terms) == 1 else wq.And(terms)


@dataclass(frozen=True)
class Hits:
    """A page of certificate numbers; `exact` is False when the total and facets are estimates."""

    total: int
    numbers: list[str]
    facets: dict[str, dict[str, int]]
    exact: bool = True


def run(
    searcher: Any,
    parsed: ParsedQuery,
    filters: dict[str, str],
    *,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
    facets: bool = True,
) -> Hits:
    """Search the index; facet counts cover the whole filtered result, not just the page.

    The empty query (a listing) reads cached column arrays. Any other query is evaluated as
    sets of document numbers (see `matching`); up to BROAD matches are ranked by the clauses
    each satisfies, a broader one (a city name, 有限) is listed in tiers (exact name, name
    words, any match) and its facets are estimated from a sample.
    """
    filters = {k: v for k, v in filters.items() if v and k in FACETS}
    if parsed.empty:
        return _listing(searcher, filters, sort, page, per_page, facets)
    q = build(searcher, parsed)
    fq = filter_query(filters)
    limit, start = page * per_page, (page - 1) * per_page
    if sort == "relevance" and fq is None:
        lazy = _lazy(searcher, parsed, q, limit, facets)
        if lazy is not None:
            total, first, counts = lazy
            return Hits(total=_round(total), numbers=_stored(searcher, first[start:]), facets=counts, exact=False)
    full = wq.Require(q, fq) if fq is not None else q
    leaves = matching.evaluate(searcher, full)
    total = sum(len(m.docs) for _r, _o, m in leaves)
    if sort == "relevance" and total > BROAD:
        first = _tiered(searcher, parsed, fq, leaves, limit)
        counts = _sampled_facets(leaves, total) if facets else {}
        return Hits(total=_round(total), numbers=_stored(searcher, first[start:]), facets=counts, exact=False)
    if sort == "relevance":
        docs = _ranked(searcher, leaves, limit)
    else:
        sortedby: Any = sorting.FieldFacet("expires")
        if sort == "stars":
            sortedby = [sorting.FieldFacet("stars", reverse=True), sorting.ScoreFacet()]
        results = searcher.search(full, limit=limit, sortedby=sortedby, terms=False)
        docs = [hit.docnum for hit in results]
    counts = _facets(leaves) if facets else {}
    return Hits(total=total, numbers=_stored(searcher, docs[start:limit]), facets=counts)


# Matches up to which a query is ranked and counted exactly. Ranking costs a few microseconds a
# match; beyond this, ranking thousands of names that share a fragment tells the reader little.
BROAD = 1000
# Matches sampled to estimate a broad query's facets.
SAMPLE = 1000


def _stored(searcher: Any, docnums: list[int]) -> list[str]:
    return [searcher.stored_fields(d)["number"] for d in docnums]


def _ranked(searcher: Any, leaves: list[tuple[Any, int, matching.Match]], limit: int) -> list[int]:
    """The first `limit` matches, best first: by score, then shorter names (closer matches), then number."""
    scored = [(-score, offset + d) for _r, offset, m in leaves for d, score in m.scores(m.docs).items()]
    scored.sort()
    if len(scored) > limit:
        cutoff = scored[limit - 1][0]
        scored = [sd for sd in scored if sd[0] <= cutoff]  # ties at the cut-off all stay in the running
    reader = searcher.reader()
    scored.sort(key=lambda sd: (sd[0], reader.doc_field_length(sd[1], "name_ng", 0), sd[1]))
    return [d for _s, d in scored[:limit]]


def _smallest(docs: set[int], k: int, n: int) -> list[int]:
    """The `k` lowest document numbers in `docs` (all below `n`)."""
    if k <= 0 or not docs:
        return []
    if k * n < len(docs) * len(docs):
        # A broad set is dense: walking the numbers upward meets its first k before a sort would end.
        return list(islice(filter(docs.__contains__, range(n)), k))
    return sorted(docs)[:k]


def _tiered(
    searcher: Any, parsed: ParsedQuery, fq: wq.Query | None, leaves: list[tuple[Any, int, matching.Match]], limit: int
) -> list[int]:
    """The first `limit` matches of a broad query: exact names, then names with every word, then the rest."""
    tiers: list[list[set[int]]] = []
    if len(parsed.runs) == 1 and not parsed.words and not parsed.number and not parsed.credit_code:
        run_ = parsed.runs[0]
        queries: list[wq.Query] = [wq.Term("name_exact", run_)]
        words = jieba_words(run_, "default") if len(run_) > 1 else [run_]
        if words:
            queries.append(_all("name_zh", words))
        for tier in queries:
            # Each tier is a narrower form of a clause of the whole query: its matches are a subset.
            found = matching.evaluate(searcher, wq.Require(tier, fq) if fq is not None else tier)
            tiers.append([t.docs for _r, _o, t in found])
    tiers.append([m.docs for _r, _o, m in leaves])
    seen: dict[int, None] = {}
    for tier in tiers:
        # Among a tier's first `limit`, at most len(seen) were listed already: enough are new.
        want = limit
        for docs, (reader, offset, _m) in zip(tier, leaves, strict=True):
            for d in _smallest(docs, want, reader.doc_count_all()):
                seen.setdefault(offset + d, None)
            want -= min(want, len(docs))
            if want <= 0:
                break
        if len(seen) >= limit:
            break
    return list(seen)[:limit]


# Matches (estimated) past which an unfiltered query of terms is listed straight from its sorted
# posting lists: building the set of 400,000 matches of 北京 at 1,000,000 certificates (and again
# for each tier) cost more than everything else together.
LAZY = 5_000
# Documents sampled from each option's shortest list in each segment for those estimates.
LAZY_SAMPLE = 256


def _options_of(q: wq.Query) -> list[list[wq.Term]] | None:
    """A term, an AND of terms or an OR of those, as its options (each the terms it ANDs); else None."""
    subs = list(q.subqueries) if isinstance(q, wq.Or) else [q]
    options = []
    for sub in subs:
        if isinstance(sub, wq.Term):
            options.append([sub])
        elif isinstance(sub, wq.And) and all(isinstance(t, wq.Term) for t in sub.subqueries):
            options.append(list(sub.subqueries))
        else:
            return None
    return options


def _has(ids: array, d: int) -> bool:
    i = bisect_left(ids, d)
    return i < len(ids) and ids[i] == d


def _member(lists: list[array], d: int) -> bool:
    return all(_has(ids, d) for ids in lists)


def _walk(lists: list[array]) -> Any:
    """An option's matches in order: its shortest list, probed in the others."""
    first, rest = lists[0], lists[1:]
    return (d for d in first if _member(rest, d)) if rest else iter(first)


def _sample(lists: list[array]) -> tuple[float, list[int]]:
    """An option's estimated size, and its matches among a sample of its shortest list."""
    first = lists[0]
    sample = first if len(first) <= LAZY_SAMPLE else first[:: len(first) // LAZY_SAMPLE]
    members = [d for d in sample if _member(lists[1:], d)]
    return len(first) * len(members) / len(sample), members


def _lazy(
    searcher: Any, parsed: ParsedQuery, q: wq.Query, limit: int, facets: bool
) -> tuple[int, list[int], dict[str, dict[str, int]]] | None:
    """A broad unfiltered OR of terms or ANDs of terms: (estimated total, first `limit`, estimated facets).

    None when the query is not such a query or not that broad. The first matches are the ones
    `_tiered` lists; the total and the facets are estimated from samples of the posting lists.
    """
    options = _options_of(q)
    if options is None:
        return None
    # An option matches no more documents than its rarest term: most queries stop here.
    if max(min(searcher.doc_frequency(t.fieldname, t.text) for t in o) for o in options) <= LAZY:
        return None
    matching.size_cache(searcher)
    leaves = []
    estimate = 0.0
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        found = []
        for option in options:
            lists = sorted((matching.postings(reader, t.fieldname, t.text) for t in option), key=len)
            if lists[0]:
                found.append((lists, *_sample(lists)))
        found.sort(key=lambda f: -f[1])
        deleted = reader.deleted_docs_set if reader.has_deletions() else frozenset()
        size = 0.0
        for i, (_lists, est, members) in enumerate(found):
            if members:
                new = sum(1 for d in members if not any(_member(f[0], d) for f in found[:i]))
                size += est * new / len(members)
        if len(deleted) <= SAMPLE:
            size -= sum(1 for d in deleted if any(_member(f[0], d) for f in found))
        else:
            size *= 1 - len(deleted) / max(reader.doc_count_all(), 1)
        estimate += max(size, 0.0)
        leaves.append((reader, offset, found, deleted, size))
    if estimate <= LAZY:
        return None
    tiers: list[list[wq.Term] | None] = []
    if len(parsed.runs) == 1 and not parsed.words:
        run_ = parsed.runs[0]
        words = jieba_words(run_, "default") if len(run_) > 1 else [run_]
        tiers.append([wq.Term("name_exact", run_)])
        if words:
            tiers.append([wq.Term("name_zh", w) for w in words])
    tiers.append(None)  # every match
    seen: dict[int, None] = {}
    for tier in tiers:
        want = limit
        for reader, offset, found, deleted, _size in leaves:
            if tier is None:
                walks = [_walk(f[0]) for f in found]
            else:
                lists = sorted((matching.postings(reader, t.fieldname, t.text) for t in tier), key=len)
                walks = [_walk(lists)] if lists[0] else []
            got, last = 0, -1
            for d in heapq.merge(*walks):
                if d != last and d not in deleted:
                    seen.setdefault(offset + d, None)
                    got += 1
                    if got >= want:
                        break
                last = d
            want -= got
            if want <= 0:
                break
        if len(seen) >= limit:
            break
    tallies: dict[str, Counter[str]] = {}
    if facets:
        for reader, _offset, found, deleted, size in leaves:
            # The largest option's sampled matches stand for all (they are most of them).
            sample = [d for d in found[0][2] if d not in deleted] if found else []
            if sample:
                columns.count(columns.segment(reader), sample, tallies, size / len(sample))
    counts = {name: _rounded(tallies.get(name, Counter())) for name in FACETS} if facets else {}
    return round(estimate), list(seen)[:limit], counts


def _sampled_facets(leaves: list[tuple[Any, int, matching.Match]], total: int) -> dict[str, dict[str, int]]:
    """Facet counts estimated from about SAMPLE matches drawn evenly from each segment."""
    share = min(1.0, SAMPLE / max(total, 1))
    rng = random.Random(total)  # the same query gives the same estimate
    tallies: dict[str, Counter[str]] = {}
    for reader, _offset, m in leaves:
        k = min(len(m.docs), max(1, round(len(m.docs) * share))) if m.docs else 0
        if k:
            sample = rng.sample(list(m.docs), k)
            columns.count(columns.segment(reader), sample, tallies, len(m.docs) / k)
    return {name: _rounded(tallies.get(name, Counter())) for name in FACETS}


def _round(n: int) -> int:
    """Two significant figures: an estimate should not look like a count."""
    if n < 100:
        return n
    magnitude = 10 ** (len(str(n)) - 2)
    return round(n / magnitude) * magnitude


def _rounded(tally: Counter[str]) -> dict[str, int]:
    return {k: _round(round(v)) for k, v in sorted(tally.items(), key=lambda kv: -kv[1]) if k and round(v)}


def _facets(leaves: list[tuple[Any, int, matching.Match]]) -> dict[str, dict[str, int]]:
    tallies: dict[str, Counter[str]] = {}
    for reader, _offset, m in leaves:
        columns.count(columns.segment(reader), list(m.docs), tallies)
    return {name: _sorted(tallies.get(name, Counter())) for name in FACETS}


def _sorted(tally: Counter[str]) -> dict[str, int]:
    return {k: int(v) for k, v in sorted(tally.items(), key=lambda kv: -kv[1]) if k and v}


def _listing(searcher: Any, filters: dict[str, str], sort: str, page: int, per_page: int, facets: bool) -> Hits:
    """Every certificate (or every one with the filters), from the column arrays: exact and fast."""
    key = {"stars": "-stars", "expires": "expires"}.get(sort, "-expires")
    limit = page * per_page
    total = 0
    tallies: dict[str, Counter[str]] = {}
    ranked: list[tuple[Any, int]] = []  # (sort key, global docnum) of each segment's first `limit`
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        seg = columns.segment(reader)
        docs = list(columns.matching(seg, columns.live(reader), filters))
        total += len(docs)
        if facets:
            columns.count(seg, docs, tallies)
        allowed = set(docs) if (filters or reader.has_deletions()) else None
        first: list[int] = []
        for d in seg.order(key):
            if allowed is None or d in allowed:
                first.append(d)
                if len(first) >= limit:
                    break
        if key == "-stars":
            ranked += [((-int(seg.values["stars"][seg.codes["stars"][d]] or 0), offset + d), offset + d) for d in first]
        else:
            sign = -1 if key.startswith("-") else 1
            ranked += [((sign * seg.expires[d], offset + d), offset + d) for d in first]
    ranked.sort(key=lambda kv: kv[0])
    page_docs = [d for _k, d in ranked[(page - 1) * per_page : limit]]
    counts = {name: _sorted(tallies.get(name, Counter())) for name in FACETS} if facets else {}
    return Hits(total=total, numbers=_stored(searcher, page_docs), facets=counts)
