"""The dictionary behind query understanding: names of places, star levels, schemes, bodies, business types.

Built once per process for the static part (regions, star levels, business types and the extra
words in `words.toml`) and per call for the register's schemes and bodies; see `understanding`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from registry.organisations import regions as tree
from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.validation import regions

FACETS = ("region", "stars", "scheme", "body", "business_type")
# When one form names things in two facets, the earlier facet here wins: "Housekeeping" is a
# scheme's short name and a business type, and the business type is what a person means.
_PRIORITY = ("stars", "region", "business_type", "scheme", "body")
# Punctuation around a word does not change what it names ("北京，", "(CQC)", "Ltd.").
EDGE = ",，、;；:：.。!！?？()（）[]【】<>《》"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff★]")
_SCHEME_NUMBER = re.compile(r"^[a-z]+(?:/[a-z]+)?\s*(\d{3,}(?:\.\d+)?)(?:-(\d{4}))?$")
_ACRONYM = re.compile(r"\(([A-Z][A-Z0-9&]{1,9})\)")

_CN_DIGITS = {1: ("一",), 2: ("二", "两"), 3: ("三",), 4: ("四",), 5: ("五",)}
_EN_DIGITS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
_ABOVE_ZH = ("以上", "及以上", "或以上", "及其以上", "+", " 以上", " 及以上")
_ABOVE_EN = (" and above", " and up", " or above", " or more", " or higher", " & up", " & above", "+", " +")


class Meaning(NamedTuple):
    """What one dictionary form names: `values` read alone, `scope` every region of that name (for compounds)."""

    facet: str
    values: tuple[str, ...]
    scope: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    """The forms `understand` recognises, keyed by their normalised text."""

    phrases: Mapping[str, Meaning]  # whole query words, joined by one space
    compact: Mapping[str, Meaning]  # codes and short names matched with spaces removed
    words: Mapping[str, Meaning]  # forms that may be run together inside one word (北京五星)
    prefixes: frozenset[str]  # word-prefixes of multi-word phrases and string prefixes of compact forms
    longest_word: int
    legal_forms: frozenset[str]  # Latin words that mark a company name (co, ltd, inc ...)


def fold(text: str) -> str:
    """NFKC, lower case, straight apostrophes: the form in which dictionary and query words are compared."""
    return unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")


def _key(word: str) -> str:
    return fold(word).strip(EDGE)


def _form_key(form: str) -> str:
    return " ".join(k for k in (w.strip(EDGE) for w in fold(form).split()) if k)


@cache
def _static() -> dict[str, Any]:
    text = resources.files("registry.search").joinpath("words.toml").read_text("utf-8")
    return tomllib.loads(text)


Ranks = dict[str, tuple[int, int]]  # value -> rank; the lowest ranks win when a form is read alone
Table = dict[str, dict[str, Ranks]]  # key -> facet -> ranks


class _Builder:
    def __init__(self) -> None:
        self.forms: Table = {}
        self.compact: Table = {}

    def add(
        self, form: str, facet: str, values: Iterable[str], rank: tuple[int, int] = (0, 0), compact: bool = False
    ) -> None:
        key = _form_key(form)
        if not key:
            return
        tables = ((self.forms, key), (self.compact, key.replace(" ", ""))) if compact else ((self.forms, key),)
        for table, k in tables:
            ranks = table.setdefault(k, {}).setdefault(facet, {})
            for value in values:
                ranks[value] = min(ranks.get(value, rank), rank)


def _meaning(*entries: dict[str, Ranks]) -> Meaning:
    if len(entries) == 1 and len(entries[0]) == 1:
        # The common case (one facet, nothing to merge), kept quick: it runs for every form.
        ((facet, ranks),) = entries[0].items()
        if len(ranks) == 1:
            values = tuple(ranks)
            return Meaning(facet, values, values)
        best = min(ranks.values())
        return Meaning(facet, tuple(sorted(v for v, r in ranks.items() if r == best)), tuple(sorted(ranks)))
    facets: dict[str, Ranks] = {}
    for entry in entries:
        for facet, ranks in entry.items():
            held = facets.setdefault(facet, {})
            for value, rank in ranks.items():
                held[value] = min(held.get(value, rank), rank)
    facet = next(f for f in _PRIORITY if f in facets)
    ranks = facets[facet]
    best = min(ranks.values())
    return Meaning(facet, tuple(sorted(v for v, r in ranks.items() if r == best)), tuple(sorted(ranks)))


def _prefixes(phrases: Iterable[str], compact: Iterable[str]) -> set[str]:
    found = {" ".join(k.split()[:i]) for k in phrases for i in range(1, k.count(" ") + 1)}
    return found | {k[:i] for k in compact for i in range(1, len(k))}


def _stems(name: str, suffixes: Iterable[str], shortest: int) -> set[str]:
    low = name.lower()
    return {name[: -len(s)] for s in suffixes if low.endswith(s) and len(low) - len(s) >= shortest}


def _add_regions(b: _Builder) -> None:
    words = _static()["regions"]
    suffixes = words["suffixes"]
    for code, region in regions().items():
        # Exact names beat short forms, and a higher level beats a lower one: 河北 is the
        # province, 河北区 the district in Tianjin; 朝阳 stays both districts of that name.
        depth = len(tree.ancestors(code))
        level = ("province", "city", "district").index(tree.level_of(code))
        zh, en = str(region["name_zh"]), str(region["name_en"])
        exact = {zh, en, *words.get(code, ())}
        if depth == 0 and zh.endswith("省"):
            exact.add(f"{en} Province")
        elif depth == 0 and zh.endswith("自治区"):
            exact.add(f"{en} Autonomous Region")
        elif depth == 0 and zh.endswith("特别行政区"):
            exact |= {f"{en} SAR", f"{en} Special Administrative Region"}
        elif zh.endswith("市"):
            exact |= {f"{en} City", f"{en} Municipality"} if depth == 0 else {f"{en} City"}
        stems = _stems(zh, suffixes["zh"], 2) | _stems(en, suffixes["en"], 3)
        for rank, forms in ((0, exact), (1, stems - exact)):
            for form in forms:
                for variant in {form, _ascii(form)}:
                    b.add(variant, "region", (code,), (rank, level))


def _ascii(form: str) -> str:
    """Lüyuan -> Luyuan, Xi'an -> Xian: how names are typed without a special character."""
    if (form.isascii() and "'" not in form) or CJK.match(form):
        return form
    stripped = "".join(c for c in unicodedata.normalize("NFKD", form) if not unicodedata.combining(c))
    return stripped.replace("'", "").replace("’", "") if stripped.isascii() else form


def _add_stars(b: _Builder) -> None:
    for n in range(1, 6):
        digits = (str(n), *_CN_DIGITS[n])
        zh = [f"{d}{s}" for d in digits for s in ("星", "星级", "颗星")]
        marks = [f"{n}★", "★" * n, f"{n} ★"]
        en = [f"{w}{sep}{s}" for w in (str(n), _EN_DIGITS[n]) for sep in (" ", "-", "") for s in ("star", "stars")]
        for form in zh + marks + en:
            b.add(form, "stars", (str(n),))
        above = [f"{base}{tail}" for base in zh + marks for tail in _ABOVE_ZH]
        above += [f"{base}{tail}" for base in en + marks for tail in _ABOVE_EN]
        above += [
            f"{n}+星",
            f"{n}+★",
            *(f"{w}+{sep}{s}" for w in (str(n),) for sep in (" ", "") for s in ("star", "stars")),
        ]
        above += [f"at least {w} {s}" for w in (str(n), _EN_DIGITS[n]) for s in ("star", "stars")]
        for form in above:
            b.add(form, "stars", [str(level) for level in range(n, 6)])


def _add_schemes(b: _Builder, schemes: Iterable[tuple[str, ...]]) -> None:
    for code, short_name, name_zh, name_en, *chinese in schemes:
        # The Chinese short name printed on marks (北京零售), when the register has one.
        for form in (f for f in chinese if f):
            b.add(form, "scheme", (code,))
        for form in (code, short_name):
            b.add(form, "scheme", (code,), compact=True)
            number = _SCHEME_NUMBER.match(form.lower())
            if number:
                b.add(number[1], "scheme", (code,))
                if number[2]:
                    b.add(f"{number[1]}-{number[2]}", "scheme", (code,))
        for form in (name_zh, name_en):
            b.add(form, "scheme", (code,))


def _body_short_names(name_zh: str, name_en: str) -> set[str]:
    words = _static()["bodies"]
    names = set()
    short = name_zh.strip()
    for lead in words["zh_leading"]:
        short = short.removeprefix(lead)
    while stripped := next((g for g in words["zh_generic"] if short.endswith(g) and len(short) > len(g)), None):
        short = short[: -len(stripped)]
    if short != name_zh and len(short) >= 2 and all(CJK.match(c) for c in short):
        names.add(short)
    tokens = _form_key(re.sub(r"\([^)]*\)", " ", name_en)).split()
    generic = {_key(g) for g in words["en_generic"]}
    leading = {_key(g) for g in words["en_leading"]}
    full = list(tokens)
    while tokens and tokens[-1] in generic:
        tokens.pop()
    while tokens and tokens[0] in leading:
        tokens.pop(0)
    if tokens and tokens != full and sum(c.isalpha() for c in "".join(tokens)) >= 3:
        names.add(" ".join(tokens))
    return names


def _add_bodies(b: _Builder, bodies: Iterable[tuple[str, str, str]]) -> None:
    bodies = list(bodies)
    short: dict[str, list[str]] = {}
    for code, name_zh, name_en in bodies:
        b.add(code, "body", (code,), compact=True)
        for form in (name_zh, name_en):
            b.add(form, "body", (code,))
        for acronym in _ACRONYM.findall(unicodedata.normalize("NFKC", name_en + name_zh)):
            b.add(acronym, "body", (code,))
        for name in _body_short_names(name_zh, name_en):
            for variant in {name, _ascii(name)}:
                short.setdefault(_form_key(variant), []).append(code)
    for name, codes in short.items():
        if len(set(codes)) == 1:
            b.add(name, "body", codes[:1], (1, 0))


@cache
def static_part() -> tuple[Table, dict[str, Meaning], frozenset[str]]:
    """Star levels, regions and business types: the same for every vocabulary, so built once."""
    b = _Builder()
    _add_stars(b)
    _add_regions(b)
    for code, (zh, en) in BUSINESS_TYPES.items():
        for form in (code, *zh.split("/"), *en.split(" / ")):
            b.add(form, "business_type", (code,))
    for code, forms in _static()["business_types"].items():
        for form in forms:
            b.add(form, "business_type", (code,))
    return b.forms, {k: _meaning(f) for k, f in b.forms.items()}, frozenset(_prefixes(b.forms, ()))


def vocabulary(
    schemes: Iterable[tuple[str, ...]],
    bodies: Iterable[tuple[str, str, str]],
) -> Vocabulary:
    """The dictionary for `understand`.

    `schemes` are (code, short_name, name_zh, name_en[, short_name_zh]), `bodies` (code, name_zh, name_en).
    """
    static_forms, static_phrases, static_prefixes = static_part()
    b = _Builder()
    _add_schemes(b, schemes)
    _add_bodies(b, bodies)
    phrases = static_phrases | {k: _meaning(static_forms.get(k, {}), f) for k, f in b.forms.items()}
    compact = {k: _meaning(static_forms.get(k, {}), b.forms.get(k, {}), f) for k, f in b.compact.items()}
    words = {k: m for k, m in phrases.items() if " " not in k} | compact
    prefixes = static_prefixes | _prefixes(b.forms, b.compact)
    legal = frozenset(_key(w) for w in _static()["names"]["legal_forms"])
    return Vocabulary(phrases, compact, words, prefixes, max(map(len, words)), legal)
