"""`flask --app registry audit verify`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from registry.certificates.chain import audit
from registry.db import get_session
from registry.transparency.cli import check_log

group = AppGroup("audit", help="Check the register's tamper-evident event chain.")


@group.command("verify")
def verify_command() -> None:
    """Recompute the hash chain over every event; exit 1 and name the first bad event."""
    session = get_session()
    count, failure = audit(session)
    if failure is not None:
        where = f" (certificate {failure.certificate})" if failure.certificate else ""
        click.echo(f"audit FAILED at event {failure.seq}{where}: {failure.problem}", err=True)
        click.echo(f"{count} events before it are intact", err=True)
    logged, problem = check_log(session)
    if problem is not None:
        click.echo(f"audit FAILED: transparency log: {problem}", err=True)
    if failure is not None or problem is not None:
        sys.exit(1)
    click.echo(f"audit passed: {count} events, chain intact; {logged} in the transparency log, matching")
