"""tlog-tiles: tile paths, tile widths for a tree size, and Merkle nodes read from tiles."""

from __future__ import annotations

import re
from collections.abc import Callable

from registry.transparency.merkle import HASH_SIZE, node_hash

TILE_WIDTH = 256
TILE_HEIGHT = 8

# fetch(level, index, width) -> the tile's bytes; level -1 names an entry bundle.
TileFetch = Callable[[int, int, int], bytes]
ENTRIES = -1

_PATH_RE = re.compile(
    r"^(?P<level>entries|0|[1-9][0-9]?)/(?P<index>(?:x[0-9]{3}/)*[0-9]{3})(?:\.p/(?P<width>[1-9][0-9]{0,2}))?$"
)


def encode_index(index: int) -> str:
    """A tile index as 3-digit path elements, all but the last prefixed with x (1234067 -> x001/x234/067)."""
    groups = []
    while True:
        groups.append(f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    groups.reverse()
    return "/".join([f"x{g}" for g in groups[:-1]] + [groups[-1]])


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    """The path under the log prefix, e.g. tile/0/x001/234.p/17 or tile/entries/005."""
    name = "entries" if level == ENTRIES else str(level)
    suffix = "" if width == TILE_WIDTH else f".p/{width}"
    return f"tile/{name}/{encode_index(index)}{suffix}"


def parse_tile_path(path: str) -> tuple[int, int, int] | None:
    """(level, index, width) from the part after tile/, or None when it is not a valid tile path."""
    match = _PATH_RE.match(path)
    if match is None:
        return None
    level = ENTRIES if match["level"] == "entries" else int(match["level"])
    if level > 63:
        return None
    index = int("".join(part.lstrip("x") for part in match["index"].split("/")))
    if encode_index(index) != match["index"]:
        return None  # leading zero groups would name one tile twice
    width = int(match["width"]) if match["width"] else TILE_WIDTH
    if match["width"] and width >= TILE_WIDTH:
        return None
    return level, index, width


def tile_width(size: int, level: int, index: int) -> int:
    """How many hashes tile (level, index) holds in a tree of `size` leaves (0: the tile does not exist)."""
    hash_level = max(level, 0)
    count = size >> (TILE_HEIGHT * hash_level)
    return max(0, min(TILE_WIDTH, count - index * TILE_WIDTH))


def tiles_for(size: int) -> list[tuple[int, int, int]]:
    """Every (level, index, width) hash tile of a tree of `size` leaves, level 0 first."""
    out = []
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        for index in range(-(-count // TILE_WIDTH)):
            out.append((level, index, tile_width(size, level, index)))
        level += 1
    return out


class TileNodes:
    """Merkle nodes of one tree size computed from its tiles (fetched once each, then cached)."""

    def __init__(self, size: int, fetch: TileFetch) -> None:
        self.size = size
        self.fetch = fetch
        self._tiles: dict[tuple[int, int], bytes] = {}
        self._nodes: dict[tuple[int, int], bytes] = {}

    def tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._tiles:
            width = tile_width(self.size, level, index)
            if width == 0:
                raise LookupError(f"tile {level}/{index} does not exist at size {self.size}")
            data = self.fetch(level, index, width)
            if len(data) != width * HASH_SIZE:
                raise ValueError(f"tile {tile_path(level, index, width)} has {len(data)} bytes, expected {width * 32}")
            self._tiles[key] = data
        return self._tiles[key]

    def __call__(self, height: int, index: int) -> bytes:
        key = (height, index)
        if key not in self._nodes:
            self._nodes[key] = self._node(height, index)
        return self._nodes[key]

    def _node(self, height: int, index: int) -> bytes:
        level, rest = divmod(height, TILE_HEIGHT)
        if rest:
            # Heights between tile levels are rebuilt from the two children (each cached).
            return node_hash(self(height - 1, 2 * index), self(height - 1, 2 * index + 1))
        tile = self.tile(level, index // TILE_WIDTH)
        offset = (index % TILE_WIDTH) * HASH_SIZE
        digest = tile[offset : offset + HASH_SIZE]
        if len(digest) != HASH_SIZE:
            raise LookupError(f"node {height}/{index} is not complete at size {self.size}")
        return digest
