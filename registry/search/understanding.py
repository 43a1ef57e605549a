"""How people ask: query words that name a place, star level, scheme, body or business type become filters.

`vocabulary()` builds the dictionary once from the register's schemes and bodies plus static
data (regions, business types, `words.toml`); `understand()` splits a query into chips (facet
filters the page shows as removable) and the words left for full-text search. A quoted word
is always plain text, which is how the page expresses a removed chip (`Understood.without`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from registry.organisations import regions as tree
from registry.search.vocabulary import CJK, EDGE, FACETS, Meaning, Vocabulary, fold, vocabulary

__all__ = ["FACETS", "Chip", "Understood", "Vocabulary", "understand", "vocabulary"]

_QUOTES = '"＂“”'
_PIECE = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)(?:[{_QUOTES}]|$)|[^\s{_QUOTES}]+")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_PAIRS = frozenset(a + b for a in _ALNUM for b in _ALNUM) | {"★★"}
# Longer tokens are never all dictionary words; not trying keeps junk queries cheap.
_SEGMENT_LIMIT = 64


@dataclass(frozen=True)
class Chip:
    """One understood part of the query: a facet, the values it allows and the words it came from."""

    facet: str
    values: tuple[str, ...]
    words: str
    span: tuple[int, int] = field(default=(0, 0), compare=False)


@dataclass(frozen=True)
class Understood:
    """A query split into chips and the text left for full-text search."""

    text: str
    chips: tuple[Chip, ...]
    query: str = field(default="", compare=False, repr=False)

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Facet -> allowed values: any value of one chip; several chips of a facet must all hold.

        Regions intersect as areas (北京 and 朝阳 give 110105). An empty tuple allows nothing.
        """
        result: dict[str, tuple[str, ...]] = {}
        for chip in self.chips:
            held = result.get(chip.facet)
            if held is None:
                result[chip.facet] = chip.values
            elif chip.facet == "region":
                result[chip.facet] = tree.overlap(held, chip.values)
            else:
                result[chip.facet] = tuple(v for v in held if v in chip.values)
        return result

    def without(self, chip: Chip) -> str:
        """The query with `chip`'s words quoted, so they search as text instead of filtering."""
        start, end = chip.span
        return f'{self.query[:start]}"{self.query[start:end]}"{self.query[end:]}'


class _Token(NamedTuple):
    start: int
    end: int
    quoted: bool
    key: str  # the normalised word without edge punctuation; a quoted token's content as typed
    # Where normalising changed a word's length: the query offset each key character came from,
    # and the end. None where key[i] came from q[first + i].
    offsets: tuple[int, ...] | None = None
    first: int = 0

    def offset(self, i: int) -> int:
        return self.first + i if self.offsets is None else self.offsets[i]

    def boundary(self, i: int) -> bool:
        """Whether key[:i] ends on a whole typed character (not inside one or before its combining mark)."""
        if i <= 0 or i >= len(self.key):
            return True
        if self.offsets is None:
            return not unicodedata.combining(self.key[i])
        return self.offsets[i] != self.offsets[i - 1]


def _tokens(q: str) -> list[_Token]:
    tokens = []
    for m in _PIECE.finditer(q):
        start, end = m.span()
        if m.group(1) is not None:
            tokens.append(_Token(start, end, True, m.group(1).strip()))
            continue
        raw = q[start:end]
        offsets: list[int] | None = None
        if raw.isascii():
            norm = raw.lower()
        else:
            norm = fold(raw)
            if len(norm) != len(raw) or not unicodedata.is_normalized("NFKC", raw):
                # Normalise one character (with its combining marks) at a time, so every
                # character of the normalised word knows where in the query it came from.
                chars: list[str] = []
                offsets = []
                i = start
                while i < end:
                    j = i + 1
                    while j < end and unicodedata.combining(q[j]):
                        j += 1
                    folded = fold(q[i:j])
                    chars.append(folded)
                    offsets += [i] * len(folded)
                    i = j
                norm = "".join(chars)
                offsets.append(end)
        lo = len(norm) - len(norm.lstrip(EDGE))
        hi = max(lo, len(norm.rstrip(EDGE)))
        mapped = None if offsets is None else tuple(offsets[lo : hi + 1])
        tokens.append(_Token(start, end, False, norm[lo:hi], mapped, start + lo))
    return tokens


def _phrase(tokens: list[_Token], i: int, vocab: Vocabulary) -> tuple[int, Meaning | None]:
    """The longest run of whole words from `i` that the vocabulary knows: (word count, meaning)."""
    best: tuple[int, Meaning | None] = (0, None)
    spaced = compact = ""
    for j in range(i, len(tokens)):
        token = tokens[j]
        if token.quoted or not token.key:
            break
        spaced = f"{spaced} {token.key}" if spaced else token.key
        compact += token.key
        meaning = vocab.phrases.get(spaced) or vocab.compact.get(compact)
        if meaning is not None:
            best = (j - i + 1, meaning)
        if spaced not in vocab.prefixes and compact not in vocab.prefixes:
            break
    return best


def _segment(token: _Token, vocab: Vocabulary) -> list[tuple[int, int, Meaning]] | None:
    """Split a word made entirely of dictionary words, longest first, left to right; None if it is not."""
    key = token.key
    if not key or len(key) > _SEGMENT_LIMIT or not CJK.search(key):
        return None
    failed: set[int] = set()

    def split(pos: int) -> list[tuple[int, int, Meaning]] | None:
        if pos == len(key):
            return []
        if pos in failed:
            return None
        for end in range(min(len(key), pos + vocab.longest_word), pos, -1):
            meaning = vocab.words.get(key[pos:end])
            # Never between two letters or digits ("beijingchaoyang" is not two places) or two stars.
            if meaning is None or not token.boundary(end) or (end < len(key) and key[end - 1 : end + 1] in _PAIRS):
                continue
            rest = split(end)
            if rest is not None:
                return [(pos, end, meaning), *rest]
        failed.add(pos)
        return None

    found = split(0)
    if not found:
        return None
    spans = [(token.offset(a), token.offset(b), m) for a, b, m in found]
    # The first and last pieces take the punctuation around the word, so every character is in a chip.
    spans[0] = (token.start, *spans[0][1:])
    spans[-1] = (spans[-1][0], token.end, spans[-1][2])
    return spans


def understand(q: str, vocab: Vocabulary) -> Understood:
    """Split `q` into chips for the words that name a facet value and the text left for full-text search."""
    tokens = _tokens(q)
    found, text, names = _scan(q, tokens, vocab, latin=True)
    if names:
        # "Beijing Yonglian Supermarket Co., Ltd." is a name being typed, not a place and a
        # business type: with a legal form left over, Latin words stay text. (A Chinese name is
        # one word, which stays text whole unless every part of it is a dictionary word.)
        found, text, _ = _scan(q, tokens, vocab, latin=False)
    return Understood(_join(q, text), _chips(q, found), q)


def _scan(
    q: str, tokens: list[_Token], vocab: Vocabulary, latin: bool
) -> tuple[list[tuple[int, int, Meaning, bool]], list[tuple[int, str]], bool]:
    """Matches (start, end, meaning, follows the previous one directly), text pieces, whether a legal form is left."""
    found: list[tuple[int, int, Meaning, bool]] = []
    text: list[tuple[int, str]] = []
    names = False
    follows = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not token.quoted:
            count, meaning = _phrase(tokens, i, vocab)
            if meaning is not None and (latin or any(CJK.search(t.key) for t in tokens[i : i + count])):
                found.append((token.start, tokens[i + count - 1].end, meaning, follows))
                follows = True
                i += count
                continue
            pieces = _segment(token, vocab)
            if pieces:
                found += [(start, end, meaning, follows or n > 0) for n, (start, end, meaning) in enumerate(pieces)]
                follows = True
                i += 1
                continue
            names = names or token.key in vocab.legal_forms
            text.append((token.start, q[token.start : token.end]))
        elif token.key:
            text.append((token.start, token.key))
        follows = False
        i += 1
    return found, text, names


def _chips(q: str, found: list[tuple[int, int, Meaning, bool]]) -> tuple[Chip, ...]:
    chips: list[Chip] = []
    scope: tuple[str, ...] = ()
    for start, end, meaning, follows in found:
        if follows and meaning.facet == "region" and chips and chips[-1].facet == "region":
            # 北京 朝阳, 北京市朝阳区, Chaoyang Beijing: one place, the most specific one both names allow.
            both = tree.overlap(scope, meaning.scope)
            if both:
                first = chips[-1].span[0]
                chips[-1] = Chip("region", both, q[first:end], (first, end))
                scope = both
                continue
        chips.append(Chip(meaning.facet, meaning.values, q[start:end], (start, end)))
        scope = meaning.scope
    return tuple(chips)


def _join(q: str, text: list[tuple[int, str]]) -> str:
    """The words left, each after the spacing that preceded it in the query (one space where there was none)."""
    parts: list[str] = []
    for start, words in text:
        if parts:
            gap = start
            while gap > 0 and q[gap - 1].isspace():
                gap -= 1
            parts.append(q[gap:start] or " ")
        parts.append(words)
    return "".join(parts)
