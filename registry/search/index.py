"""Where the index lives on disk: generations, the live pointer, the writer lock, the follower state.

Layout under `<data_dir>/search/`:

    CURRENT        name of the live generation (replaced atomically on a rebuild)
    sync.lock      held by the one process that writes the live index
    rebuild.lock   held while a new generation is being built
    gen-<n>/       a Whoosh index plus state.json (last event applied, its hash, status day)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from registry.search.schema import SCHEMA_VERSION, build_schema


@dataclass(frozen=True)
class State:
    """How far a generation has followed the register."""

    seq: int
    hash: str
    day: str


class IndexStore:
    """The on-disk index of one host, shared by every worker process on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._local = threading.local()

    # -- generations -------------------------------------------------------------------------

    def live_dir(self) -> Path | None:
        """The live generation's directory, or None when there is none (or it was deleted)."""
        try:
            name = (self.root / "CURRENT").read_text().strip()
        except OSError:
            return None
        path = self.root / name
        return path if name and (path / "state.json").is_file() else None

    def new_generation(self) -> Path:
        """An empty index in a new directory beside the live one."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.time_ns()}"
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return path

    def publish(self, path: Path) -> None:
        """Make `path` the live generation (readers switch on their next query), drop old ones."""
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(path.name + "\n")
        os.replace(tmp, self.root / "CURRENT")
        # Keep the previous generation: a reader in another process may still be opening it.
        gens = sorted((p for p in self.root.glob("gen-*") if p != path), key=lambda p: p.name)
        for old in gens[:-1]:
            shutil.rmtree(old, ignore_errors=True)

    def open(self, path: Path) -> Any:
        return whoosh_index.open_dir(str(path))

    # -- follower state ----------------------------------------------------------------------

    def read_state(self, path: Path) -> State | None:
        """The generation's state; None when missing, unreadable or written for another schema version."""
        try:
            data = json.loads((path / "state.json").read_text())
            if data.pop("version", None) != SCHEMA_VERSION:
                return None  # built by another version of this code: rebuild rather than follow
            return State(**data)
        except (OSError, ValueError, TypeError, AttributeError):
            return None

    def write_state(self, path: Path, state: State) -> None:
        tmp = path / "state.json.tmp"
        tmp.write_text(json.dumps({**asdict(state), "version": SCHEMA_VERSION}))
        os.replace(tmp, path / "state.json")

    # -- locks -------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, name: str, timeout: float | None) -> Iterator[bool]:
        """Hold an inter-process lock; yields False when it was not free within `timeout` seconds.

        `timeout=None` waits as long as it takes; 0 tries once.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        held: set[str] = getattr(self._local, "held", set())
        self._local.held = held
        if name in held:  # re-entered by the same thread: flock on a new fd would deadlock
            yield True
            return
        fd = os.open(self.root / name, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | (0 if timeout is None else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.02)
            held.add(name)
            try:
                yield True
            finally:
                held.discard(name)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- readers -----------------------------------------------------------------------------

    def searcher(self) -> Any | None:
        """This thread's searcher on the live generation, refreshed when a writer committed."""
        path = self.live_dir()
        if path is None:
            return None
        cached = getattr(self._local, "searcher", None)
        if cached is not None and cached[0] == path and cached[1].up_to_date():
            return cached[1]
        # A new searcher, never `refresh()`: a refreshed searcher reuses the readers of unchanged
        # segments together with their old deletions, so superseded documents kept counting.
        if cached is not None:
            with contextlib.suppress(Exception):
                cached[1].close()
        searcher = self.open(path).searcher()
        self._local.searcher = (path, searcher)
        return searcher

    def forget(self) -> None:
        """Drop this thread's searcher (after an error reading it)."""
        cached = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if cached is not None:
            with contextlib.suppress(Exception):
                cached[1].close()
