"""One segment's sets of document numbers, each held in the form that answers it faster.

A sparse set is a Python set or a posting list's sorted array. A dense one, holding more than
one document in `DENSE`, is a bitset: an int whose bit d says whether document d is in it.
Python does `&`, `|`, `& ~` and `bit_count()` on such an int in C at memory speed (12.5 KB for
a segment of 100,000 documents), where sets of 400,000 numbers take tens of milliseconds to
intersect. A bitset turns into a byte map (one byte a document) and back in a few C passes, so
that `itertools.compress` and `filter` can walk a sort order or count facets with it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from itertools import compress, filterfalse

# A set with more than one document in DENSE of its segment is kept as a bitset.
DENSE = 16
# A set this small becomes a bitset bit by bit, not through a byte map.
_FEW = 32
# Below this ratio of sizes, intersecting by binary search in the longer (sorted) list beats a set.
_PROBE = 16

Docs = int | set[int] | frozenset[int] | array

_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_FROM_ASCII = bytes.maketrans(b"01", b"\x00\x01")


def size(docs: Docs) -> int:
    return docs.bit_count() if isinstance(docs, int) else len(docs)


def from_bytemap(bytemap: bytes | bytearray) -> int:
    """The bitset of a byte map (byte d is 1 for a member)."""
    return int(bytemap[::-1].translate(_TO_ASCII), 2) if bytemap else 0


def bytemap(docs: Docs, n: int) -> bytes:
    """One byte a document of the segment: 1 for a member, 0 otherwise."""
    if isinstance(docs, int):
        return format(docs, f"0{n}b").encode("ascii").translate(_FROM_ASCII)[::-1] if n else b""
    out = bytearray(n)
    for d in docs:
        out[d] = 1
    return bytes(out)


def bits(docs: Docs, n: int) -> int:
    if isinstance(docs, int):
        return docs
    if len(docs) <= _FEW:
        mask = 0
        for d in docs:
            mask |= 1 << d
        return mask
    return from_bytemap(bytemap(docs, n))


def members(docs: Docs, n: int) -> Iterator[int]:
    """The document numbers of a set (a bitset's in ascending order)."""
    if not isinstance(docs, int):
        return iter(docs)
    seen = bytemap(docs, n)
    if docs.bit_count() * 64 >= n:
        return compress(range(n), seen)
    return _found(seen)


def _found(seen: bytes) -> Iterator[int]:
    i = seen.find(1)
    while i >= 0:
        yield i
        i = seen.find(1, i + 1)


def dense(docs: Docs, n: int) -> Docs:
    """`docs`, as a bitset if it is dense."""
    if isinstance(docs, int) or len(docs) * DENSE <= n:
        return docs
    return bits(docs, n)


def membership(docs: Docs, n: int) -> Callable[[int], object]:
    """A fast test of whether a document is in `docs` (truthy when it is), for `filter`."""
    if isinstance(docs, int):
        return bytemap(docs, n).__getitem__
    return (docs if isinstance(docs, set | frozenset) else set(docs)).__contains__


def inter(a: Docs, b: Docs, n: int) -> Docs:
    if not size(a):
        return a
    if not size(b):
        return b
    if isinstance(a, int) and isinstance(b, int):
        return a & b
    if isinstance(a, int) or isinstance(b, int):
        dense_one, other = (a, b) if isinstance(a, int) else (b, a)
        return set(filter(membership(dense_one, n), other))
    if isinstance(a, array) and not isinstance(b, array):
        a, b = b, a
    if isinstance(b, array) and len(a) * _PROBE < len(b):
        m = len(b)
        return {d for d in a if (i := bisect_left(b, d)) < m and b[i] == d}
    return set(a).intersection(b)


def union(a: Docs, b: Docs, n: int) -> Docs:
    if not size(b):
        return a
    if not size(a):
        return b
    if isinstance(a, int) or isinstance(b, int) or (len(a) + len(b)) * DENSE > n:
        return bits(a, n) | bits(b, n)
    return set(a).union(b)


def union_all(sets: Iterable[Docs], n: int) -> Docs:
    """The union of many sets: bitsets or'ed, sparse sets gathered into one byte map when they are many."""
    dense_part = 0
    sparse_parts: list[Docs] = []
    for docs in sets:
        if isinstance(docs, int):
            dense_part |= docs
        elif docs:
            sparse_parts.append(docs)
    if sum(map(len, sparse_parts)) * DENSE <= n:
        few: set[int] = set().union(*sparse_parts)
        return union(dense_part, few, n) if dense_part else few
    seen = bytearray(n)
    for docs in sparse_parts:
        for d in docs:
            seen[d] = 1
    return dense_part | from_bytemap(seen)


def minus(a: Docs, b: Docs, n: int) -> Docs:
    if not size(b):
        return a
    if isinstance(a, int):
        return a & ~bits(b, n)
    if isinstance(b, int):
        return set(filterfalse(membership(b, n), a))
    return set(a).difference(b)
