"""The app's log service: publishes after commits (in the background or inline), pushes to witnesses."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from flask import Flask, has_request_context
from sqlalchemy.orm import Session

from registry.notes import NoteSigner
from registry.transparency import store, witness
from registry.transparency.keys import load_log_signer, log_origin
from registry.transparency.models import LogCheckpoint

log = logging.getLogger(__name__)


class LogUnavailable(RuntimeError):
    """The log has no key yet (`flask --app registry log init-key`)."""


class LogService:
    """One per app. `notify()` runs after every commit that appended events.

    Background mode (servers): a thread per process wakes on a commit and publishes, so many
    writes share one checkpoint; it also polls, so writes committed by a process that died
    before publishing are covered within the poll interval. Inline mode (tests, commands):
    publish before returning.
    """

    poll_seconds = 2.0
    # After a wake the publisher waits this long so one checkpoint covers the writes of that
    # moment: one publish per write cost single-certificate writes 44% of their throughput
    # (bench/bench_log.py); a checkpoint still follows every write well within 5 s.
    coalesce_seconds = 1.0

    def __init__(self, app: Flask) -> None:
        settings = app.config["SETTINGS"]
        self.app = app
        self.origin = log_origin(settings.base_url)
        self.mode = settings.log_publish
        self.witnesses = [witness.Witness.parse(vkey, url) for vkey, url in settings.log_witnesses]
        self._keys_dir = settings.keys_dir
        self._passphrase = settings.key_passphrase.encode() if settings.key_passphrase else None
        self._signer: NoteSigner | None = None
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._stopped = False
        self.on_published: list[Callable[[store.Published], None]] = []

    def signer(self) -> NoteSigner | None:
        if self._signer is None:
            self._signer = load_log_signer(self._keys_dir, self._passphrase, self.origin)
        return self._signer

    def forget_key(self) -> None:
        self._signer = None

    # -- publishing ----------------------------------------------------------------------

    def new_session(self) -> Session:
        return self.app.extensions["registry.sessionmaker"]()

    def publish(self) -> store.Published | None:
        """Catch the log up with every committed event; None when there is no log key."""
        signer = self.signer()
        if signer is None:
            return None
        session = self.new_session()
        try:
            latest = store.latest_checkpoint(session)
            if latest is not None and store.pending(session) == 0:
                # Nothing new: a poll costs two reads and no lock.
                return store.Published(latest.size, bytes.fromhex(latest.root), 0, latest.note)
            result = None
            while True:
                result = store.publish(session, signer)
                session.commit()
                if result.appended == 0 or store.pending(session) == 0:
                    break
            if result is not None and result.appended and self.witnesses:
                self._cosign(session, result)
            for callback in self.on_published:
                callback(result)
            return result
        except Exception:
            session.rollback()
            raise
        finally:
            session.close()

    def _cosign(self, session: Session, result: store.Published) -> None:
        lines = witness.collect(self.witnesses, result.note, store.DatabaseTiles(session))
        if lines:
            row = session.get(LogCheckpoint, result.size)
            if row is not None:
                row.cosignatures = "".join(lines)
                session.commit()

    def notify(self) -> None:
        """Called after a commit that appended events."""
        if self.mode == "off":
            return
        if self.mode == "inline" or not has_request_context():
            try:
                self.publish()
            except Exception:
                log.exception("transparency log: publishing failed; the next write or poll retries")
            return
        self.wake()

    def follow(self) -> None:
        """Make sure this process's publisher thread runs (it polls, so commits by other processes are covered)."""
        if self.mode == "background" and (self._thread is None or self._pid != os.getpid()):
            self.wake()

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._follow, name="log-publisher", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self) -> None:
        """End this process's publisher thread (tests and benchmarks that start several apps)."""
        self._stopped = True
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=10)

    def _follow(self) -> None:
        while not self._stopped:
            if self._wake.wait(self.poll_seconds):
                time.sleep(self.coalesce_seconds)
            self._wake.clear()
            if self._stopped:
                return
            try:
                with self.app.app_context():
                    self.publish()
            except Exception:
                log.exception("transparency log: publishing failed; retrying in %s s", self.poll_seconds)
                time.sleep(self.poll_seconds)

    # -- reading -------------------------------------------------------------------------

    def checkpoint_covering(self, session: Session, index: int) -> LogCheckpoint:
        """The latest checkpoint, publishing first when it does not yet include entry `index`."""
        latest = store.latest_checkpoint(session)
        if latest is None or latest.size <= index:
            if self.publish() is None:
                raise LogUnavailable("the transparency log has no key")
            session.expire_all()
            latest = store.latest_checkpoint(session)
        if latest is None or latest.size <= index:
            raise LogUnavailable(f"log entry {index} is not published yet")
        return latest


def served_note(checkpoint: LogCheckpoint) -> str:
    """The checkpoint as served: the log's signature, then any witness cosignatures."""
    return checkpoint.note + (checkpoint.cosignatures or "")
