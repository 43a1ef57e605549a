"""`flask --app registry reports ...`."""

from __future__ import annotations

import csv
import datetime as dt
import sys

import click
from flask.cli import AppGroup

from registry.cli.common import fail
from registry.db import get_session
from registry.errors import RegistryError
from registry.porting.cells import safe_cell
from registry.reports import service

group = AppGroup("reports", help="Reports from the public about marks and certificates.")


@group.command("list")
@click.option("--body", "body_code", default=None, help="Only reports about body CODE's certificates.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Filed on or after this day.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row (UTF-8 with BOM, opens in Excel).")
def list_command(body_code: str | None, since: dt.datetime | None, as_csv: bool) -> None:
    """List reports, oldest first."""
    try:
        reports = service.list_reports(get_session(), body_code, since.date() if since else None)
    except RegistryError as exc:
        fail(exc.detail)
    rows = [service.report_row(r) for r in reports]
    if as_csv:
        sys.stdout.write("\ufeff")
        writer = csv.DictWriter(sys.stdout, fieldnames=service.CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)
        return
    for row in rows:
        # One line per report: tabs and line breaks inside a message would break the columns.
        click.echo("\t".join(" ".join(row[c].split()) for c in service.CSV_COLUMNS if c != "token"))
    click.echo(f"{len(rows)} report(s)", err=True)
