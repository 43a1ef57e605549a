"""Database plumbing: engine, one session per request or command, Base, column types."""

from __future__ import annotations

import datetime as dt
import functools
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# JSON documents: JSONB on PostgreSQL, JSON text elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    """The current time in UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC)


# Engines whose pooled connections a forked child must not reuse (see _forget_inherited_connections).
_ENGINES: weakref.WeakSet[Engine] = weakref.WeakSet()
_fork_hook_registered = False


def _forget_inherited_connections() -> None:
    # A child of `gunicorn --preload` inherits the master's pooled connections: two processes on
    # one socket answered "server closed the connection unexpectedly" on PostgreSQL (2 of 4 first
    # requests failed). The child starts a fresh pool and leaves the parent's sockets alone.
    for engine in list(_ENGINES):
        engine.dispose(close=False)


def _track(engine: Engine) -> Engine:
    global _fork_hook_registered
    if not _fork_hook_registered:
        os.register_at_fork(after_in_child=_forget_inherited_connections)
        _fork_hook_registered = True
    _ENGINES.add(engine)
    return engine


def make_engine(url: str, lock_timeout: int = 30) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    A statement waits at most `lock_timeout` seconds for a lock (SQLite's write lock, a PostgreSQL
    row lock such as the chain head's), then fails with a lock timeout (see is_lock_timeout).
    Forked processes (gunicorn workers after --preload) start with a fresh connection pool.
    """
    return _track(_make_engine(url, lock_timeout))


def is_lock_timeout(exc: BaseException) -> bool:
    """Whether a database error means "waited too long for a lock" (busy), not a broken database."""
    orig = getattr(exc, "orig", None)
    if getattr(orig, "sqlstate", None) == "55P03":  # PostgreSQL lock_not_available
        return True
    return "database is locked" in str(orig or "")


def _make_engine(url: str, lock_timeout: int) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": lock_timeout})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"options": f"-c lock_timeout={lock_timeout * 1000}"})


# -- the unit of work -------------------------------------------------------------------------
#
# A request or command is one unit of work: services add and flush, and the unit commits once,
# in one place (`unit_of_work` below for views, registry.cli.common.unit_of_work for commands).
# Work that follows from the register's events subscribes here instead of being scheduled by hand.


@dataclass
class Subscribers:
    """What runs when a unit of work has appended register events (see registry.certificates.ledger).

    `before` runs inside the unit of work just before it commits, with the session and the chain
    sequence number the unit started after (writes that must be durable with the events: the
    webhook outbox). `after` runs once the commit succeeded (the search index, the transparency log).
    """

    before: dict[str, Callable[[Session, int], None]] = field(default_factory=dict)
    after: dict[str, Callable[[], None]] = field(default_factory=dict)


SUBSCRIBERS = "registry.subscribers"


def subscribers(app: Flask) -> Subscribers:
    """The app's subscribers to committed events (packages add theirs in their init_app)."""
    return app.extensions[SUBSCRIBERS]


EVENTS_FROM = "registry.events_from"


def events_appended(session: Session, after_seq: int) -> None:
    """Called by the ledger when a unit of work first appends events: schedule every subscriber once."""
    if session.info.get(EVENTS_FROM) is not None:
        return
    session.info[EVENTS_FROM] = after_seq
    subs: Subscribers | None = session.info.get(SUBSCRIBERS)
    if subs is None:
        return
    for key, before in subs.before.items():
        before_commit(session, key, partial(before, session, after_seq))
    for callback in subs.after.values():
        after_commit(session, callback)


def appending(session: Session) -> bool:
    """Whether the current unit of work has appended events (and holds the chain head) since it began."""
    return session.info.get(EVENTS_FROM) is not None


def after_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current unit of work commits (dropped on rollback)."""
    session.info.setdefault("after_commit", []).append(callback)


def before_commit(session: Session, key: str, callback: Callable[[], None]) -> None:
    """Run `callback` inside the unit of work just before it commits (once per `key`; the first wins).

    For writes that must be durable together with the rest of the unit of work (the webhook outbox).
    """
    session.info.setdefault("before_commit", {}).setdefault(key, callback)


def commit(session: Session) -> None:
    """Commit the unit of work, then run the work collected for after the commit."""
    for callback in session.info.pop("before_commit", {}).values():
        callback()
    callbacks = session.info.pop("after_commit", [])
    session.info.pop(EVENTS_FROM, None)
    session.info.pop(WROTE, None)
    session.info.pop(KEEP, None)
    session.commit()
    for callback in callbacks:
        callback()


def rollback(session: Session) -> None:
    """Roll back and forget any work collected for before or after the commit."""
    session.info.pop("before_commit", None)
    session.info.pop("after_commit", None)
    session.info.pop(EVENTS_FROM, None)
    session.info.pop(WROTE, None)
    session.info.pop(KEEP, None)
    session.rollback()


def unit_of_work(view: Callable[..., Any]) -> Callable[..., Any]:
    """A view as one unit of work: what it did commits when it succeeds, and nothing otherwise.

    Applied to every view by `commit_views`, so no view commits by hand. A view that raised, or
    answered with an error status, leaves nothing behind (unless it called `keep_work`, as a
    refused sign-in does to count the failure). Committing inside the view call, not after the
    response is built, lets a failed commit (a lock timeout, a constraint) reach the error
    handlers like any other error.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = current_app.make_response(view(*args, **kwargs))
        session: Session | None = g.get("db_session")
        if session is not None and _has_work(session):
            if response.status_code < 400 or session.info.get(KEEP):
                commit(session)
            else:
                rollback(session)
        return response

    return wrapper


KEEP = "registry.keep"


def keep_work(session: Session) -> None:
    """Commit this request's work even though it answers with an error (e.g. a refused sign-in's count)."""
    session.info[KEEP] = True


def _has_work(session: Session) -> bool:
    return bool(
        session.new
        or session.dirty
        or session.deleted
        or session.info.get(WROTE)
        or session.info.get("before_commit")
        or session.info.get("after_commit")
    )


WROTE = "registry.wrote"


def note_write(session: Session, *_args: Any) -> None:
    """Mark the unit of work as having written (for writes on the session's connection, which the
    session does not see; flushes and session statements are noticed on their own)."""
    session.info[WROTE] = True


def _note_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def commit_views(app: Flask) -> None:
    """Wrap every view registered so far as a unit of work (call after all blueprints)."""
    for endpoint, view in list(app.view_functions.items()):
        if not getattr(view, "registry_unit_of_work", False):
            wrapped = unit_of_work(view)
            wrapped.registry_unit_of_work = True  # type: ignore[attr-defined]
            app.view_functions[endpoint] = wrapped


def init_app(app: Flask) -> None:
    """Attach an engine and a session factory; close the request's session at teardown."""
    engine = make_engine(app.config["DATABASE_URL"], app.config["SETTINGS"].write_lock_timeout)
    app.extensions["registry.engine"] = engine
    subs = app.extensions[SUBSCRIBERS] = Subscribers()
    # Every session of this app knows the app's subscribers: a ledger append schedules them.
    factory = sessionmaker(engine, expire_on_commit=False, info={SUBSCRIBERS: subs})
    # Whether a unit of work wrote (flushed objects or ran INSERT/UPDATE/DELETE): views that only
    # read end without a commit.
    event.listen(factory, "after_flush", note_write)
    event.listen(factory, "do_orm_execute", _note_statement)
    app.extensions["registry.sessionmaker"] = factory

    @app.teardown_request
    def _end_unit_of_work(_exc: BaseException | None) -> None:
        # Whatever a request did not commit (an error, a read) is discarded at its end.
        session: Session | None = g.get("db_session")
        if session is not None:
            rollback(session)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            rollback(session)
            session.close()


def get_session() -> Session:
    """The session of the current request or command."""
    from flask import current_app

    if "db_session" not in g:
        g.db_session = current_app.extensions["registry.sessionmaker"]()
    return g.db_session


def get_engine() -> Engine:
    """The app's engine."""
    from flask import current_app

    return current_app.extensions["registry.engine"]
