"""`flask --app registry bodies ...`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from registry.bodies import service
from registry.cli.common import unit_of_work
from registry.db import get_session

group = AppGroup("bodies", help="Certification bodies and their API keys.")


@group.command("create")
@click.argument("code")
@click.option("--name-zh", required=True, help="Chinese name.")
@click.option("--name-en", default="", help="English name.")
@unit_of_work
def create_command(code: str, name_zh: str, name_en: str) -> None:
    """Register a certification body with its CNCA approval number as CODE."""
    body = service.create_body(get_session(), code, name_zh, name_en)
    click.echo(f"created certification body {body.code}")


@group.command("list")
def list_command() -> None:
    """List bodies with their certificate counts."""
    for body, count in service.list_bodies(get_session()):
        click.echo(f"{body.code}\t{body.status}\t{count}\t{body.name_zh}\t{body.name_en}")


@group.command("suspend")
@click.argument("code")
@unit_of_work
def suspend_command(code: str) -> None:
    """Stop a body from publishing."""
    service.set_body_status(get_session(), code, "suspended")
    click.echo(f"{code} suspended")


@group.command("activate")
@click.argument("code")
@unit_of_work
def activate_command(code: str) -> None:
    """Let a suspended body publish again."""
    service.set_body_status(get_session(), code, "active")
    click.echo(f"{code} active")


@group.command("issue-key")
@click.argument("code")
@unit_of_work
def issue_key_command(code: str) -> None:
    """Make an API key for body CODE; the key is printed once, as the last line."""
    key, full = service.issue_key(get_session(), code)
    click.echo(f"API key {key.prefix} for {code}; store it now, it is not shown again:", err=True)
    click.echo(full)


@group.command("revoke-key")
@click.argument("key_id")
@unit_of_work
def revoke_key_command(key_id: str) -> None:
    """Revoke the API key KEY_ID (its public prefix, e.g. scr_1a2b3c4d)."""
    key = service.revoke_key(get_session(), key_id)
    click.echo(f"API key {key.prefix} revoked")
