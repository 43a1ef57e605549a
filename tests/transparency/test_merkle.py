"""RFC 6962 hashing and proofs: the published test vectors, and every tree size up to 300 against a plain oracle."""

from __future__ import annotations

import functools
import hashlib

import pytest

from registry.transparency.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    memory_nodes,
    root,
    root_from_inclusion,
    verify_consistency,
    verify_inclusion,
)
from registry.transparency.tiles import TILE_WIDTH, TileNodes, tiles_for

# The RFC 6962 reference data used by the certificate-transparency and transparency-dev/merkle tests.
LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")
]
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# (old size, new size, proof)
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip

VECTOR_NODES = memory_nodes([leaf_hash(x) for x in LEAVES])


def test_empty_tree_root_is_the_hash_of_nothing():
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@pytest.mark.parametrize("size", range(1, 9))
def test_rfc6962_roots(size):
    assert root(VECTOR_NODES, size).hex() == ROOTS[size - 1]


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_rfc6962_inclusion_proofs(index, size, proof):
    hashes = [bytes.fromhex(p) for p in proof]
    assert inclusion_proof(VECTOR_NODES, index, size) == hashes
    verify_inclusion(index, size, leaf_hash(LEAVES[index]), hashes, bytes.fromhex(ROOTS[size - 1]))
    for i in range(len(hashes)):
        bad = [bytearray(h) for h in hashes]
        bad[i][0] ^= 8
        with pytest.raises(ProofError):
            verify_inclusion(
                index, size, leaf_hash(LEAVES[index]), [bytes(b) for b in bad], bytes.fromhex(ROOTS[size - 1])
            )
    for wrong_index, wrong_size in ((index + 1, size), (index, size * 2), (index ^ 2, size)):
        if wrong_index < wrong_size:
            with pytest.raises(ProofError):
                verify_inclusion(
                    wrong_index, wrong_size, leaf_hash(LEAVES[index]), hashes, bytes.fromhex(ROOTS[size - 1])
                )
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(LEAVES[index]), hashes[:-1], bytes.fromhex(ROOTS[size - 1]))
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaf_hash(LEAVES[index]), [*hashes, hashes[0]], bytes.fromhex(ROOTS[size - 1]))


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_rfc6962_consistency_proofs(old, new, proof):
    hashes = [bytes.fromhex(p) for p in proof]
    assert consistency_proof(VECTOR_NODES, old, new) == hashes
    old_root, new_root = bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1])
    verify_consistency(old, new, old_root, new_root, hashes)
    for i in range(len(hashes)):
        bad = [bytearray(h) for h in hashes]
        bad[i][0] ^= 16
        with pytest.raises(ProofError):
            verify_consistency(old, new, old_root, new_root, [bytes(b) for b in bad])
    for args in (
        (old, new, new_root, old_root, hashes),
        (old, new, old_root, new_root, []),
        (old, new, old_root, new_root, hashes[:-1]),
        (old, new, old_root, new_root, [*hashes, new_root]),
        (old - 1 or 2, new, old_root, new_root, hashes),
        (new, old, old_root, new_root, hashes),
    ):
        with pytest.raises(ProofError):
            verify_consistency(*args)


def test_trivial_consistency():
    a, b = bytes(32), bytes([1]) * 32
    verify_consistency(0, 5, EMPTY_ROOT, a, [])
    verify_consistency(3, 3, a, a, [])
    with pytest.raises(ProofError):
        verify_consistency(3, 3, a, b, [])
    with pytest.raises(ProofError):
        verify_consistency(0, 5, EMPTY_ROOT, a, [a])


# -- every tree size up to 300, through tiles, against the RFC's recursive definitions -------------

MAX = 300
DATA = [f"entry {i}".encode() for i in range(MAX)]
LEAF_HASHES = [leaf_hash(d) for d in DATA]


@functools.cache
def mth(start: int, end: int) -> bytes:
    """MTH(D[start:end]) exactly as RFC 6962 section 2.1 defines it."""
    n = end - start
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + DATA[start]).digest()
    k = 1 << ((n - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(start, start + k) + mth(start + k, end)).digest()


def path(m: int, start: int, end: int) -> list[bytes]:
    n = end - start
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*path(m, start, start + k), mth(start + k, end)]
    return [*path(m - k, start + k, end), mth(start, start + k)]


def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
    n = end - start
    if m == n:
        return [] if whole else [mth(start, end)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, start, start + k, whole), mth(start + k, end)]
    return [*subproof(m - k, start + k, end, False), mth(start, start + k)]


def tiles_of(size: int) -> dict[tuple[int, int], bytes]:
    """The tiles of a tree, built from the oracle's subtree hashes as tlog-tiles defines them."""
    out = {}
    for level, index, width in tiles_for(size):
        span = TILE_WIDTH**level
        first = index * TILE_WIDTH
        out[(level, index)] = b"".join(mth((first + i) * span, (first + i + 1) * span) for i in range(width))
    return out


def nodes_for(size: int) -> TileNodes:
    tiles = tiles_of(size)
    return TileNodes(size, lambda level, index, width: tiles[(level, index)][: width * 32])


def test_every_size_root_and_inclusion_proof_through_tiles():
    for size in range(1, MAX + 1):
        nodes = nodes_for(size)
        assert root(nodes, size) == mth(0, size), size
        for index in range(size):
            proof = inclusion_proof(nodes, index, size)
            assert proof == path(index, 0, size), (index, size)
            assert root_from_inclusion(index, size, LEAF_HASHES[index], proof) == mth(0, size)


def test_every_pair_of_sizes_consistency_proof_through_tiles():
    for new in range(1, MAX + 1):
        nodes = nodes_for(new)
        for old in range(1, new + 1):
            proof = consistency_proof(nodes, old, new)
            assert proof == subproof(old, 0, new, True), (old, new)
            verify_consistency(old, new, mth(0, old), mth(0, new), proof)
