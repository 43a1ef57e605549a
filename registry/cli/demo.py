"""`flask --app registry demo seed`."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from registry.cli.common import unit_of_work
from registry.db import get_session
from registry.demo.seed import seed
from registry.signing.service import current_minter

group = AppGroup("demo", help="Demo data.")


@group.command("seed")
@click.option(
    "--count",
    default=2000,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="How many certificates to create.",
)
@click.option("--seed", "rng_seed", default=2026, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the register already holds certificates.")
@unit_of_work
def seed_command(count: int, rng_seed: int, if_empty: bool) -> None:
    """Fill the register with plausible demo certificates and histories."""
    from sqlalchemy import func, select

    from registry.certificates.models import Certificate

    session = get_session()
    existing = session.scalar(select(func.count()).select_from(Certificate)) or 0
    if if_empty and existing:
        click.echo(f"register already holds {existing} certificates; no demo data added")
        return
    minter = current_minter(required=False)
    if minter is None:
        click.echo("warning: no signing key; certificates get no mark token (run `keys generate`)", err=True)
    if sys.stderr.isatty():
        with click.progressbar(length=count, label="seeding", file=sys.stderr) as bar:
            done = [0]

            def step(n: int) -> None:
                bar.update(n - done[0])
                done[0] = n

            result = seed(session, count, rng_seed=rng_seed, minter=minter, progress=step)
    else:
        result = seed(session, count, rng_seed=rng_seed, minter=minter)
    click.echo(f"demo data: {result.certificates} certificates, {result.events} events, {result.bodies} bodies")
