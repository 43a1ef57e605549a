"""The GB/T 2260 region hierarchy: province, city, district, for roll-up filters and facet drill-down.

Built lazily from `validation.regions()` on first use and cached; nothing is read at import time.
Every function raises KeyError for a code the registry does not know: check input with
`validation.region_problem` first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from registry.organisations.validation import regions

Level = Literal["province", "city", "district"]


@dataclass(frozen=True)
class _Tree:
    parent: Mapping[str, str | None]
    children: Mapping[str | None, tuple[str, ...]]


@cache
def _tree() -> _Tree:
    table = regions()
    parent: dict[str, str | None] = {}
    children: dict[str | None, list[str]] = {None: []}
    for code, region in sorted(table.items()):
        up = region.get("parent")
        # A parent missing from the data would orphan its subtree; treat such a region as top level.
        up = up if up in table else None
        parent[code] = up
        children.setdefault(up, []).append(code)
        children.setdefault(code, [])
    return _Tree(parent, {k: tuple(v) for k, v in children.items()})


def _known(code: str) -> str:
    if code not in _tree().parent:
        raise KeyError(f"unknown region code {code!r}")
    return code


def children(code: str | None = None) -> tuple[str, ...]:
    """The regions one level below `code` (the top level for None), in code order."""
    return _tree().children[None if code is None else _known(code)]


@cache
def ancestors(code: str) -> tuple[str, ...]:
    """The regions above `code`, from the top level down to its parent (empty for a province)."""
    parents = _tree().parent
    path: list[str] = []
    up = parents[_known(code)]
    while up is not None:
        path.append(up)
        up = parents[up]
    return tuple(reversed(path))


@cache
def descendants(code: str) -> frozenset[str]:
    """`code` and every region under it: a province's cities and districts, a city's districts."""
    found = {_known(code)}
    for child in _tree().children[code]:
        found |= descendants(child)
    return frozenset(found)


def level_of(code: str) -> Level:
    """Province (any top-level division, municipalities included), city, or district (county level)."""
    if _tree().parent[_known(code)] is None:
        return "province"
    # GB/T 2260: a prefecture-level city ends in 00; county-level divisions (districts, counties,
    # and the districts of municipalities such as 110105) do not.
    return "city" if code.endswith("00") else "district"


def is_within(code: str, area: str) -> bool:
    """Whether `code` is `area` or lies under it."""
    return area == code or area in ancestors(code)


def overlap(codes: Iterable[str], others: Iterable[str]) -> tuple[str, ...]:
    """The area two sets of regions both cover, as the fewest codes: (110000) and (110105, 220104) give (110105)."""
    return _overlap(tuple(sorted(set(codes))), tuple(sorted(set(others))))


@lru_cache(maxsize=4096)
def _overlap(codes: tuple[str, ...], others: tuple[str, ...]) -> tuple[str, ...]:
    shared = {a for a in codes if any(is_within(a, b) for b in others)}
    shared |= {b for b in others if any(is_within(b, a) for a in codes)}
    return tuple(sorted(c for c in shared if not any(a in shared for a in ancestors(c))))


def rollup(counts: Mapping[str, int], under: str | None = None) -> dict[str, int]:
    """Counts per region summed up to the children of `under` (the top level for None), for a facet.

    Counts for regions outside `under`, and for `under` itself, are not part of any child and are left out.
    """
    result = dict.fromkeys(children(under), 0)
    depth = 0 if under is None else len(ancestors(under)) + 1
    for code, n in counts.items():
        if code not in _tree().parent:
            continue
        path = (*ancestors(code), code)
        if len(path) > depth and (under is None or path[depth - 1] == under):
            result[path[depth]] += n
    return {code: n for code, n in result.items() if n}
