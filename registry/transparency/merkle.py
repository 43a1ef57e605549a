"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

Proof generation works over any `node(level, index)` source of complete-subtree hashes
(tiles in the database, tiles fetched over HTTP, a list in memory), so the server, the CLI
and the tests share one implementation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# node(level, index): the hash of the complete subtree of 2**level leaves starting at leaf index * 2**level.
NodeSource = Callable[[int, int], bytes]


class ProofError(ValueError):
    """A proof does not verify, or its sizes or indexes are impossible."""


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 || entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """The root over a power-of-two count of hashes taken as the leaves' level."""
    level = list(hashes)
    while len(level) > 1:
        level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def range_hash(node: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) where start is aligned as RFC 6962's recursion guarantees."""
    if end <= start:
        return EMPTY_ROOT
    # Decompose into complete subtrees, largest first, then fold from the right.
    parts = []
    pos = start
    while pos < end:
        size = 1 << ((end - pos).bit_length() - 1)
        while pos % size:
            size >>= 1
        level = size.bit_length() - 1
        parts.append(node(level, pos >> level))
        pos += size
    result = parts[-1]
    for part in reversed(parts[:-1]):
        result = node_hash(part, result)
    return result


def root(node: NodeSource, size: int) -> bytes:
    """The tree head MTH(D[0:size])."""
    return range_hash(node, 0, size)


def inclusion_proof(node: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) from RFC 6962 section 2.1.1, leaf's sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    out: list[bytes] = []

    def path(m: int, start: int, end: int) -> None:
        n = end - start
        if n == 1:
            return
        k = _split(n)
        if m < k:
            path(m, start, start + k)
            out.append(range_hash(node, start + k, end))
        else:
            path(m - k, start + k, end)
            out.append(range_hash(node, start, start + k))

    path(index, 0, size)
    return out


def consistency_proof(node: NodeSource, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[0:new]) from RFC 6962 section 2.1.2 (empty when old is 0 or equals new)."""
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    out: list[bytes] = []
    if old == 0 or old == new:
        return out

    def subproof(m: int, start: int, end: int, whole: bool) -> None:
        n = end - start
        if m == n:
            if not whole:
                out.append(range_hash(node, start, end))
            return
        k = _split(n)
        if m <= k:
            subproof(m, start, start + k, whole)
            out.append(range_hash(node, start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            out.append(range_hash(node, start, start + k))

    subproof(old, 0, new, True)
    return out


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 section 2.1.3.2); raises ProofError."""
    if not 0 <= index < size:
        raise ProofError(f"index {index} is outside a tree of size {size}")
    if len(leaf) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("hashes must be 32 bytes")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes) -> None:
    """Raise ProofError unless the proof puts `leaf` at `index` in the tree with `expected_root`."""
    if root_from_inclusion(index, size, leaf, proof) != expected_root:
        raise ProofError("inclusion proof does not lead to the checkpoint's root")


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> None:
    """Raise ProofError unless the tree of size `new` extends the tree of size `old` (RFC 9162 2.1.4.2)."""
    if not 0 <= old <= new:
        raise ProofError(f"size {new} is smaller than size {old}")
    if any(len(p) != HASH_SIZE for p in proof):
        raise ProofError("hashes must be 32 bytes")
    if old == new:
        if proof or old_root != new_root:
            raise ProofError("same size but different roots (or a non-empty proof)")
        return
    if old == 0:
        if proof:
            raise ProofError("a proof from the empty tree must be empty")
        return
    if not proof:
        raise ProofError("empty consistency proof")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != old_root or sr != new_root:
        raise ProofError("consistency proof does not verify")


def memory_nodes(leaves: Sequence[bytes]) -> NodeSource:
    """A node source over leaf hashes held in memory (tests, small trees)."""
    levels = [list(leaves)]

    def node(level: int, index: int) -> bytes:
        while len(levels) <= level:
            below = levels[-1]
            levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
        return levels[level][index]

    return node
