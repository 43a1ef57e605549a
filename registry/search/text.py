"""The one text rule: what the words of a query match, shared by every search backend.

A query is cleaned (NFKC, lower case, no control characters, at most MAX_QUERY characters) and
split into pieces: runs of Chinese characters and Latin words. A certificate matches when every
piece matches: a Chinese run occurs in the holder's Chinese name or the Chinese scope; a Latin
word begins a word of the
holder's name or the scope (English or Chinese). A query shaped like a certificate number also
matches the numbers it begins, and a unified social credit code its holder's certificates.

The rule is plain substring and word-prefix logic, so a database query (or a few lines of
Python) can check any answer the index gives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from registry.organisations.validation import CREDIT_ALPHABET, credit_check_char

MAX_QUERY = 200
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9/-]{1,39}$")


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, control characters as spaces."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).lower()


def cjk_runs(text: str) -> list[str]:
    """The runs of Chinese characters in `text`."""
    return _CJK_RUN.findall(text)


def latin_words(text: str) -> list[str]:
    """The Latin words (letters and digits) of `text`, normalised."""
    return _LATIN.findall(normalise(text))


def is_credit_code(text: str) -> bool:
    return len(text) == 18 and all(c in CREDIT_ALPHABET for c in text) and credit_check_char(text[:17]) == text[17]


@dataclass(frozen=True)
class TextQuery:
    """A cleaned query: its text and the pieces that must match."""

    text: str = ""
    number: str | None = None
    credit_code: str | None = None
    runs: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not (self.number or self.credit_code or self.runs or self.words)

    @property
    def highlight(self) -> tuple[str, ...]:
        return tuple(sorted({*self.runs, *self.words}))


def parse(raw: str) -> TextQuery:
    """Clean anything a person or a program may send: control characters, quotes, operators, length."""
    truncated = len(raw) > MAX_QUERY
    text = " ".join(normalise(raw[: MAX_QUERY * 2]).split())[:MAX_QUERY]
    compact = text.replace(" ", "").upper()
    number = compact if _NUMBER.match(compact) and any(c.isdigit() for c in compact) else None
    credit = compact if is_credit_code(compact) else None
    runs = tuple(dict.fromkeys(cjk_runs(text)))
    words = tuple(dict.fromkeys(_LATIN.findall(text)))
    return TextQuery(text, number, credit, runs, words, truncated)


@dataclass(frozen=True)
class Texts:
    """A certificate's searchable text, normalised once."""

    number: str
    credit_code: str
    name_zh: str
    name_en: str
    scope_zh: str
    scope_en: str

    @property
    def name_words(self) -> str:
        """Where a Latin word of the query may begin a word of the name (English or Chinese name)."""
        return f"{self.name_en} {self.name_zh}"

    @property
    def scope_words(self) -> str:
        return f"{self.scope_en} {self.scope_zh}"

    @classmethod
    def of(cls, number: str, credit_code: str, name_zh: str, name_en: str, scope_zh: str, scope_en: str) -> Texts:
        return cls(
            number, credit_code, normalise(name_zh), normalise(name_en), normalise(scope_zh), normalise(scope_en)
        )


def exact_form(name: str) -> str:
    """A name as an exact-name query matches it: normalised, spaces collapsed."""
    return " ".join(normalise(name).split())


def _begins_a_word(word: str, text: str) -> bool:
    return any(w.startswith(word) for w in _LATIN.findall(text))


def in_name(q: TextQuery, t: Texts) -> bool:
    """Every piece of the query matches the holder's name (Chinese runs in the Chinese name, words in the English)."""
    if not (q.runs or q.words):
        return False
    return all(r in t.name_zh for r in q.runs) and all(_begins_a_word(w, t.name_words) for w in q.words)


def matches(q: TextQuery, t: Texts) -> bool:
    """Whether a certificate with texts `t` answers the query `q` (the empty query matches everything)."""
    if q.empty:
        return True
    if q.number and t.number.startswith(q.number):
        return True
    if q.credit_code and t.credit_code == q.credit_code:
        return True
    if not (q.runs or q.words):
        return False
    return all(r in t.name_zh or r in t.scope_zh for r in q.runs) and all(
        _begins_a_word(w, t.name_words) or _begins_a_word(w, t.scope_words) for w in q.words
    )


# Relevance tiers, best first. Within a tier, shorter names first (closer matches), then the number.
EXACT_ID, EXACT_NAME, NUMBER_PREFIX, NAME, ELSEWHERE = range(5)


def tier(q: TextQuery, t: Texts) -> int:
    """The relevance tier of a matching certificate."""
    if (q.number and t.number == q.number) or (q.credit_code and t.credit_code == q.credit_code):
        return EXACT_ID
    if (q.runs or q.words) and exact_form(t.name_zh) == q.text:
        return EXACT_NAME
    if q.number and t.number.startswith(q.number):
        return NUMBER_PREFIX
    if in_name(q, t):
        return NAME
    return ELSEWHERE
