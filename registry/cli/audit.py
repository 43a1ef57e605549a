"""`flask --app registry audit verify`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from registry.certificates.chain import audit
from registry.db import get_session

group = AppGroup("audit", help="Check the register's tamper-evident event chain.")


@group.command("verify")
def verify_command() -> None:
    """Recompute the hash chain over every event; exit 1 and name the first bad event."""
    count, failure = audit(get_session())
    if failure is None:
        click.echo(f"audit passed: {count} events, chain intact")
        return
    where = f" (certificate {failure.certificate})" if failure.certificate else ""
    click.echo(f"audit FAILED at event {failure.seq}{where}: {failure.problem}", err=True)
    click.echo(f"{count} events before it are intact", err=True)
    sys.exit(1)
