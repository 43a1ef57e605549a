"""From what a person typed to an index query: no query language, so no input can be a syntax error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from whoosh import query as wq
from whoosh import sorting

from registry.organisations.validation import CREDIT_ALPHABET, credit_check_char
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
    total: int
    numbers: list[str]
    facets: dict[str, dict[str, int]]


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
    """Search the index; facet counts cover the whole filtered result, not just the page."""
    q = build(searcher, parsed)
    sortedby: Any = None
    reverse = False
    if sort == "stars":
        sortedby, reverse = [sorting.FieldFacet("star_level", reverse=True), sorting.ScoreFacet()], False
    elif sort == "expires":
        sortedby = sorting.FieldFacet("expires")
    elif parsed.empty:
        sortedby, reverse = sorting.FieldFacet("expires"), True
    groupedby = {name: sorting.FieldFacet(name, maptype=sorting.Count) for name in FACETS} if facets else None
    results = searcher.search(
        q,
        limit=page * per_page,
        filter=filter_query(filters),
        sortedby=sortedby,
        reverse=reverse,
        groupedby=groupedby,
    )
    start = (page - 1) * per_page
    numbers = [hit["number"] for hit in results[start : start + per_page]] if start < len(results) else []
    counts: dict[str, dict[str, int]] = {}
    if facets:
        for name in FACETS:
            groups = results.groups(name)
            counts[name] = dict(
                sorted(((_text(k), v) for k, v in groups.items() if k is not None), key=lambda kv: -kv[1])
            )
    return Hits(total=len(results), numbers=numbers, facets=counts)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
