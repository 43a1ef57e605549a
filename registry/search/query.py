"""From what a person typed to an index query: no query language, so no input can be a syntax error."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from registry.organisations.validation import CREDIT_ALPHABET, credit_check_char
from registry.search import columns
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

    Three paths, by how much matches: the empty query (a listing) reads cached column arrays;
    a query matching up to BROAD documents is scored and counted exactly; a broader one (a city
    name, 有限) is not scored but listed in tiers (exact name, name words, any match) and its
    total and facets are estimated from a sample spread over the index.
    """
    filters = {k: v for k, v in filters.items() if v and k in FACETS}
    if parsed.empty:
        return _listing(searcher, filters, sort, page, per_page, facets)
    q = build(searcher, parsed)
    fq = filter_query(filters)
    full = wq.Require(q, fq) if fq is not None else q
    if sort == "relevance" and full.estimate_size(searcher.reader()) > BROAD:
        broad = _broad(searcher, parsed, full, fq, page * per_page, facets)
        if broad is not None:
            numbers = _stored(searcher, broad[0][(page - 1) * per_page :])
            return Hits(total=broad[1], numbers=numbers, facets=broad[2], exact=False)
    sortedby: Any = None
    if sort == "stars":
        sortedby = [sorting.FieldFacet("stars", reverse=True), sorting.ScoreFacet()]
    elif sort == "expires":
        sortedby = sorting.FieldFacet("expires")
    # No block-quality skipping: the collector then counts every match as it goes.
    results = searcher.search(full, limit=page * per_page, sortedby=sortedby, optimize=False)
    start = (page - 1) * per_page
    numbers = [hit["number"] for hit in results[start : start + per_page]] if start < len(results) else []
    counts: dict[str, dict[str, int]] = {}
    if facets:
        counts = _facets(searcher, full)
    return Hits(total=len(results), numbers=numbers, facets=counts)


# Matches up to which a query is scored and counted exactly. Scoring a union of conjunctions
# (name words, name bigrams, scope words) costs 10-35 µs a match, so 1,000 stay near 20 ms;
# beyond that BM25 among thousands of names sharing a fragment tells the reader little anyway.
BROAD = 1000
# Matches sampled to estimate a broad query's total and facets (about 3% error on the total).
SAMPLE = 1000
_WINDOWS = 16


def _stored(searcher: Any, docnums: list[int]) -> list[str]:
    return [searcher.stored_fields(d)["number"] for d in docnums]


def _tiers(searcher: Any, parsed: ParsedQuery, full: wq.Query, fq: wq.Query | None) -> list[wq.Query]:
    """Queries whose matches are listed first, most telling first; the last is the whole query."""
    tiers: list[wq.Query] = []
    if len(parsed.runs) == 1 and not parsed.words and not parsed.number and not parsed.credit_code:
        run_ = parsed.runs[0]
        tiers.append(wq.Term("name_exact", run_))
        words = jieba_words(run_, "default") if len(run_) > 1 else [run_]
        if words:
            tiers.append(_all("name_zh", words))
    if fq is not None:
        tiers = [wq.Require(t, fq) for t in tiers]
    return [*tiers, full]


def _broad(
    searcher: Any, parsed: ParsedQuery, full: wq.Query, fq: wq.Query | None, limit: int, facets: bool
) -> tuple[list[int], int, dict[str, dict[str, int]]] | None:
    """(first `limit` document numbers, estimated total, estimated facets), or None when it is not broad after all."""
    total, sample, scale = _sample(searcher, full)
    if total <= BROAD:
        return None  # Whoosh's estimate was loose: score and count it exactly after all
    seen: dict[int, None] = {}
    for tier in _tiers(searcher, parsed, full, fq):
        for sub, offset in searcher.leaf_searchers():
            matcher = tier.matcher(sub, sub.boolean_context())
            while matcher.is_active() and len(seen) < limit:
                seen.setdefault(offset + matcher.id(), None)
                matcher.next()
        if len(seen) >= limit:
            break
    counts: dict[str, dict[str, int]] = {}
    if facets:
        tallies: dict[str, Counter[str]] = {}
        for seg, docs in sample:
            columns.count(seg, docs, tallies, scale)
        counts = {name: _rounded(tallies.get(name, Counter())) for name in FACETS}
    return list(seen)[:limit], _round(total), counts


def _sample(searcher: Any, q: wq.Query) -> tuple[int, list[tuple[columns.Segment, list[int]]], float]:
    """Estimated total of `q` from matches in windows spread over each segment, and the sampled docs."""
    estimate = max(q.estimate_size(searcher.reader()), 1)
    share = min(1.0, SAMPLE / estimate)
    found, sample = 0, []
    for sub, _offset in searcher.leaf_searchers():
        reader = sub.reader()
        n = reader.doc_count_all()
        width = max(1, int(n * share / _WINDOWS))
        step = n / _WINDOWS
        matcher = q.matcher(sub, sub.boolean_context())
        docs: list[int] = []
        for w in range(_WINDOWS):
            start = int(w * step)
            end = min(n, start + width)
            if not matcher.is_active():
                break
            if matcher.id() < start:
                matcher.skip_to(start)
            while matcher.is_active() and matcher.id() < end:
                docs.append(matcher.id())
                matcher.next()
        found += len(docs)
        sample.append((columns.segment(reader), docs))
    return round(found / share), sample, 1 / share


def _round(n: int) -> int:
    """Two significant figures: an estimate should not look like a count."""
    if n < 100:
        return n
    magnitude = 10 ** (len(str(n)) - 2)
    return round(n / magnitude) * magnitude


def _rounded(tally: Counter[str]) -> dict[str, int]:
    return {k: _round(round(v)) for k, v in sorted(tally.items(), key=lambda kv: -kv[1]) if k and round(v)}


def _facets(searcher: Any, q: wq.Query) -> dict[str, dict[str, int]]:
    tallies: dict[str, Counter[str]] = {}
    for sub, _offset in searcher.leaf_searchers():
        docs = list(q.docs(sub))
        columns.count(columns.segment(sub.reader()), docs, tallies)
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
