"""Rate-limit counters in a SQLite file: shared by every worker of one server when there is no Redis.

In-process counters gave each gunicorn worker its own allowance (2 workers allowed 2,404 reads a
minute for a limit of 1,200). This store keeps the moving window as rows in one file under the
data dir; SQLite's write lock makes "count, then add" atomic across processes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from limits.storage import MovingWindowSupport, Storage

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS hits (key TEXT NOT NULL, at REAL NOT NULL, amount INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS hits_key_at ON hits (key, at)",
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL, expires REAL NOT NULL)",
)
# Old rows are swept every this many acquisitions by each process.
_SWEEP_EVERY = 2000


class SQLiteStorage(Storage, MovingWindowSupport):
    """`limits` storage at `registry-sqlite:///absolute/path.sqlite3` (moving and fixed windows)."""

    STORAGE_SCHEME = ["registry-sqlite"]  # noqa: RUF012 (the limits library declares it a list)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = Path(urlsplit(uri).path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._acquired = 0
        self._longest = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # A forked worker must not share the master's connection: open one per process.
        if self._conn is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            # Counters are not precious: a crash may forget the last second of them.
            conn.execute("PRAGMA synchronous=OFF")
            for statement in _SCHEMA:
                conn.execute(statement)
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        with self._lock:
            db = self._db()
            now = time.time()
            db.execute("BEGIN IMMEDIATE")
            try:
                used = db.execute(
                    "SELECT COALESCE(SUM(amount), 0) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)
                ).fetchone()[0]
                allowed = used + amount <= limit
                if allowed:
                    db.execute("INSERT INTO hits (key, at, amount) VALUES (?, ?, ?)", (key, now, amount))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            self._longest = max(self._longest, expiry)
            self._acquired += 1
            if self._acquired % _SWEEP_EVERY == 0:
                db.execute("DELETE FROM hits WHERE at < ?", (now - self._longest,))
            return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        with self._lock:
            now = time.time()
            oldest, used = (
                self._db()
                .execute(
                    "SELECT MIN(at), COALESCE(SUM(amount), 0) FROM hits WHERE key = ? AND at > ?", (key, now - expiry)
                )
                .fetchone()
            )
            return (oldest if oldest is not None else now), int(used)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._lock:
            db = self._db()
            now = time.time()
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
                db.execute(
                    "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                    (key, amount, now + expiry),
                )
                value = db.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()[0]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return int(value)

    def get(self, key: str) -> int:
        with self._lock:
            row = (
                self._db()
                .execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, time.time()))
                .fetchone()
            )
            return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self._lock:
            row = self._db().execute("SELECT expires FROM counters WHERE key = ?", (key,)).fetchone()
            return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            with self._lock:
                self._db().execute("SELECT 1").fetchone()
            return True
        except sqlite3.Error:
            return False

    def reset(self) -> int | None:
        with self._lock:
            db = self._db()
            removed = db.execute("DELETE FROM hits").rowcount + db.execute("DELETE FROM counters").rowcount
            return removed

    def clear(self, key: str) -> None:
        with self._lock:
            db = self._db()
            db.execute("DELETE FROM hits WHERE key = ?", (key,))
            db.execute("DELETE FROM counters WHERE key = ?", (key,))
