"""`flask --app registry schemes ...`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from registry.cli.common import unit_of_work
from registry.db import get_session
from registry.schemes.service import list_schemes, load_schemes, read_scheme_file

group = AppGroup("schemes", help="Certification schemes.")


@group.command("load")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A schemes TOML file (default: the one shipped with the registry).",
)
@unit_of_work
def load_command(path: Path | None) -> None:
    """Create or update schemes from the schemes file."""
    created, updated = load_schemes(get_session(), read_scheme_file(path))
    click.echo(f"schemes loaded: {created} created, {updated} updated")


@group.command("list")
def list_command() -> None:
    """List the schemes."""
    for s in list_schemes(get_session()):
        click.echo(f"{s.code}\t{s.name_zh}\t{s.name_en}\tmax {s.max_score}\tstars at {s.thresholds}")
