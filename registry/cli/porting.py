"""`flask --app registry import FILE` and `export FILE`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from registry.bodies.service import get_body
from registry.certificates.service import Actor
from registry.cli.common import fail
from registry.db import commit, get_session, rollback
from registry.errors import RegistryError
from registry.porting.export import export_lines
from registry.porting.importer import import_issuances, sniff_kind
from registry.porting.restore import import_export
from registry.signing.service import current_minter

MAX_REPORTED = 200


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@click.command("import")
@with_appcontext
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--body", "body_code", help="Import FILE as this certification body's issuances (CSV or JSON Lines).")
@click.option("--dry-run", is_flag=True, help="Check every row and report, but write nothing.")
def import_command(path: Path, body_code: str | None, dry_run: bool) -> None:
    """Import FILE, all or nothing: a body's issuances with --body, else a whole-register export."""
    session = get_session()
    kind = sniff_kind(path)
    if body_code is None and kind != "export":
        fail(f"{path.name} is not a register export; to import a body's issuances, name the body with --body CODE")
    if body_code is not None and kind == "export":
        fail(f"{path.name} is a whole-register export; import it without --body")
    show_bar = sys.stderr.isatty()
    written_before_error = False
    # A body's file is read twice: checked, then written.
    total = _count_lines(path) * (2 if body_code is not None and not dry_run else 1)
    bar = click.progressbar(length=total, label=f"importing {path.name}", file=sys.stderr) if show_bar else None
    step = (lambda: bar.update(1)) if bar is not None else None
    try:
        if bar is not None:
            bar.__enter__()
        if body_code is not None:
            body = get_body(session, body_code)
            actor = Actor(f"operator:import body:{body.code}")
            # First every row is checked with nothing written and no lock taken: a bad row anywhere
            # means nothing is written. Then the rows are written in chunks, each committed on its
            # own, so API writes wait at most one chunk (not the whole file) for the register's lock.
            report = import_issuances(session, path, body, actor=actor, minter=None, on_row=step, check_only=True)
            rollback(session)
            if report.ok and not dry_run:
                report = import_issuances(
                    session,
                    path,
                    body,
                    actor=actor,
                    minter=current_minter(required=True),
                    on_row=step,
                    on_chunk=lambda: commit(session),
                )
                written_before_error = not report.ok
        else:
            report = import_export(session, path, on_row=step)
    except RegistryError as exc:
        rollback(session)
        fail(exc.detail)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if not report.ok:
        rollback(session)
        for line, error in report.errors[:MAX_REPORTED]:
            where = f"line {line}" if line else "file"
            click.echo(f"{path.name}: {where}: {error.field}: {error.message}", err=True)
        if len(report.errors) > MAX_REPORTED:
            click.echo(f"... and {len(report.errors) - MAX_REPORTED} more errors", err=True)
        bad_lines = len({line for line, _ in report.errors})
        if written_before_error:
            # The register changed between the check and the write (another writer took a number):
            # the chunks before the bad row stand; running the import again skips them as unchanged.
            click.echo(
                f"import stopped: {bad_lines} rows conflict with changes made during the import; rows before "
                "them were written (each chunk complete), and running the import again skips them as unchanged",
                err=True,
            )
            sys.exit(1)
        click.echo(f"import rejected: {bad_lines} bad rows of {report.rows}; nothing was written", err=True)
        sys.exit(1)
    if dry_run:
        rollback(session)
        click.echo(f"dry run: {report.rows} rows are valid; nothing was written")
        return
    commit(session)
    if report.kind == "export":
        click.echo(f"imported {report.rows} records from {path.name}")
    else:
        click.echo(f"imported {report.rows} rows: {report.created} certificates issued, {report.unchanged} unchanged")


@click.command("export")
@with_appcontext
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--with-api-keys", is_flag=True, help="Include API key hashes (for a full backup).")
def export_command(path: Path, with_api_keys: bool) -> None:
    """Write the whole register to FILE as JSON Lines (use '-' for standard output)."""
    session = get_session()
    count = 0
    if str(path) == "-":
        for line in export_lines(session, with_api_keys=with_api_keys):
            click.echo(line)
        return
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        for line in export_lines(session, with_api_keys=with_api_keys):
            handle.write(line + "\n")
            count += 1
    os.replace(tmp, path)  # readers never see a half-written export
    click.echo(f"exported {count} records to {path}")
