"""Checking a log from outside, with no database: full verification and monitoring over HTTP or files."""

from __future__ import annotations

import gzip
import json
import random
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registry.notes import Checkpoint, NoteError, Verifier, b64, open_checkpoint, unb64
from registry.transparency.entries import chain_hash_of, unbundle
from registry.transparency.merkle import (
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    memory_nodes,
    root,
    verify_consistency,
    verify_inclusion,
)
from registry.transparency.tiles import ENTRIES, TILE_WIDTH, TileNodes, tile_path, tile_width

GENESIS = "0" * 64
Get = Callable[[str], bytes]


class AuditError(Exception):
    """The log is inconsistent, misformatted or unreachable: the message says what and where."""


def http_get(prefix: str, timeout: float = 20.0) -> Get:
    """Fetch paths under a log prefix (https://..., http://... or file://...)."""
    base = prefix.rstrip("/") + "/"

    def get(path: str) -> bytes:
        req = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip, identity"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                data = response.read()
                if response.headers.get("Content-Encoding") == "gzip":
                    data = gzip.decompress(data)
                return data
        except urllib.error.HTTPError as exc:
            raise AuditError(f"{base + path}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise AuditError(f"{base + path}: {exc}") from None

    return get


def memo(nodes: Callable[[int, int], bytes]) -> Callable[[int, int], bytes]:
    cache: dict[tuple[int, int], bytes] = {}

    def node(level: int, index: int) -> bytes:
        key = (level, index)
        if key not in cache:
            cache[key] = nodes(level, index)
        return cache[key]

    return node


@dataclass
class Entry:
    index: int
    data: bytes
    doc: dict[str, Any] = field(default_factory=dict)


def tile_fetch(get: Get) -> Callable[[int, int, int], bytes]:
    return lambda level, index, width: get(tile_path(level, index, width))


def bundle_entries(get: Get, size: int, index: int) -> list[Entry]:
    """The entries of bundle `index` at tree size `size`, parsed and checked against the hash chain links."""
    width = tile_width(size, ENTRIES, index)
    datas = unbundle(get(tile_path(ENTRIES, index, width)))
    if len(datas) != width:
        raise AuditError(f"entry bundle {index} holds {len(datas)} entries, expected {width}")
    out = []
    for offset, data in enumerate(datas):
        position = index * TILE_WIDTH + offset
        try:
            doc = json.loads(data)
            if doc["seq"] != position + 1 or chain_hash_of(doc) != doc["chain_hash"]:
                raise AuditError(f"entry {position} does not match its own chain hash")
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditError(f"entry {position} is not a register event: {exc}") from None
        if out and doc["prev_hash"] != out[-1].doc["chain_hash"]:
            raise AuditError(f"entry {position} does not link to entry {position - 1}")
        if position == 0 and doc["prev_hash"] != GENESIS:
            raise AuditError("entry 0 does not start the hash chain")
        out.append(Entry(position, data, doc))
    return out


def fetch_checkpoint(get: Get, key: Verifier) -> tuple[Checkpoint, str]:
    note = get("checkpoint").decode("utf-8")
    try:
        checkpoint, _ = open_checkpoint(note, key)
    except NoteError as exc:
        raise AuditError(f"checkpoint: {exc}") from None
    return checkpoint, note


def fetch_key(get: Get) -> Verifier:
    try:
        return Verifier.parse(get("key").decode("utf-8"))
    except (NoteError, UnicodeDecodeError) as exc:
        raise AuditError(f"log key: {exc}") from None


def verify_log(get: Get, key: Verifier | None = None) -> tuple[Checkpoint, int]:
    """Fetch every entry and tile, recompute the root and compare it with the signed checkpoint.

    Returns (checkpoint, entries checked); raises AuditError on any disagreement.
    """
    key = key or fetch_key(get)
    checkpoint, _ = fetch_checkpoint(get, key)
    size = checkpoint.size
    leaves: list[bytes] = []
    previous = GENESIS
    fetch = tile_fetch(get)
    for index in range(-(-size // TILE_WIDTH)):
        entries = bundle_entries(get, size, index)
        if entries and entries[0].doc["prev_hash"] != previous:
            raise AuditError(f"entry {entries[0].index} does not link to entry {entries[0].index - 1}")
        previous = entries[-1].doc["chain_hash"] if entries else previous
        hashes = [leaf_hash(e.data) for e in entries]
        if b"".join(hashes) != fetch(0, index, len(hashes)):
            raise AuditError(f"entry bundle {index} does not hash to level-0 tile {index}")
        leaves.extend(hashes)
    if size and root(memory_nodes(leaves), size) != checkpoint.root:
        raise AuditError(f"the entries' root differs from the checkpoint's at size {size}")
    if size and root(TileNodes(size, fetch), size) != checkpoint.root:
        raise AuditError("the upper tiles do not agree with the entries")
    return checkpoint, size


@dataclass
class MonitorResult:
    checkpoint: Checkpoint
    previous_size: int
    new_entries: list[Entry]
    spot_checked: list[int]


def _check_inclusion(nodes: Callable[[int, int], bytes], checkpoint: Checkpoint, entries: list[Entry]) -> None:
    for entry in entries:
        proof = inclusion_proof(nodes, entry.index, checkpoint.size)
        try:
            verify_inclusion(entry.index, checkpoint.size, leaf_hash(entry.data), proof, checkpoint.root)
        except ProofError:
            raise AuditError(f"entry {entry.index} is not the entry the log committed to") from None


def monitor(get: Get, state_file: Path, key: Verifier | None = None, spot_checks: int = 1) -> MonitorResult:
    """One monitoring run: prove the new checkpoint extends the saved one, check every new entry, save state."""
    state = json.loads(state_file.read_text()) if state_file.exists() else None
    if state is not None:
        pinned = Verifier.parse(state["key"])
        if key is not None and key != pinned:
            raise AuditError("the given key differs from the key in the state file")
        key = pinned
    key = key or fetch_key(get)
    checkpoint, note = fetch_checkpoint(get, key)
    nodes = memo(TileNodes(checkpoint.size, tile_fetch(get)))
    old_size, chain = 0, GENESIS
    if state is not None:
        old_size, old_root, chain = state["size"], unb64(state["root"]), state["chain_hash"]
        if checkpoint.size < old_size:
            raise AuditError(f"the log shrank from {old_size} to {checkpoint.size} entries")
        try:
            proof = consistency_proof(nodes, old_size, checkpoint.size)
            verify_consistency(old_size, checkpoint.size, old_root, checkpoint.root, proof)
        except (ProofError, LookupError, ValueError) as exc:
            raise AuditError(f"checkpoint {checkpoint.size} is not consistent with {old_size}: {exc}") from None
    new: list[Entry] = []
    for index in range(old_size // TILE_WIDTH, -(-checkpoint.size // TILE_WIDTH)):
        entries = bundle_entries(get, checkpoint.size, index)
        _check_inclusion(nodes, checkpoint, entries)
        new.extend(e for e in entries if e.index >= old_size)
    if new and new[0].doc["prev_hash"] != chain:
        raise AuditError(f"entry {new[0].index} does not link to the last entry seen before")
    earlier = list(range(old_size // TILE_WIDTH))
    spot = sorted(random.sample(earlier, min(spot_checks, len(earlier))))
    for index in spot:
        _check_inclusion(nodes, checkpoint, bundle_entries(get, checkpoint.size, index))
    saved = {
        "origin": checkpoint.origin,
        "key": key.vkey,
        "size": checkpoint.size,
        "root": b64(checkpoint.root),
        "chain_hash": new[-1].doc["chain_hash"] if new else chain,
        "checkpoint": note,
    }
    tmp = state_file.with_name(state_file.name + ".partial")
    tmp.write_text(json.dumps(saved, indent=2) + "\n")
    tmp.replace(state_file)
    return MonitorResult(checkpoint, old_size, new, spot)


def describe(entry: Entry) -> str:
    """One line per entry for people reading a monitor's output."""
    d = entry.doc
    state = d.get("state", {})
    return (
        f"{entry.index}\t{d.get('number')}\t{d.get('type')}\teffective {d.get('effective')}\t"
        f"{state.get('status')}\t{state.get('star_level')} stars\texpires {state.get('expires')}"
    )


def iter_paths(size: int) -> Iterator[str]:
    """Every tile and bundle path a static copy of a tree of `size` serves."""
    from registry.transparency.tiles import tiles_for

    for level, index, width in tiles_for(size):
        yield tile_path(level, index, width)
        if level == 0:
            yield tile_path(ENTRIES, index, width)
