"""`flask --app registry index rebuild|sync`: the search index."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from registry.certificates.validation import today
from registry.db import get_session
from registry.search import follower

group = AppGroup("index", help="The full-text search index.")


@group.command("sync")
def sync_command() -> None:
    """Apply the events the index has not seen yet (rebuilds it when it cannot catch up)."""
    session = get_session()
    result = follower.sync(session, current_app.extensions["registry.search"].store, today())
    assert result is not None
    if result.rebuilt:
        click.echo(f"index rebuilt: {result.applied} certificates, at event {result.seq}")
    else:
        click.echo(f"index caught up: {result.applied} certificates updated, at event {result.seq}")


@group.command("rebuild")
def rebuild_command() -> None:
    """Build a fresh index beside the live one and swap it in; search stays up meanwhile."""
    session = get_session()
    store = current_app.extensions["registry.search"].store
    total = follower.certificate_count(session)
    with click.progressbar(length=total, label="indexing", file=sys.stderr) as bar:
        done = [0]

        def step(n: int) -> None:
            bar.update(n - done[0])
            done[0] = n

        count = follower.rebuild(session, store, today(), progress=step)
    click.echo(f"index rebuilt: {count} certificates, at event {follower.head(session)[0]}")
