"""`flask --app registry bodies ...`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from registry.bodies import service
from registry.certificates.listing import bodies_with_counts
from registry.cli.common import unit_of_work
from registry.db import get_session

group = AppGroup("bodies", help="Certification bodies and their API keys.")


def contact_options(func):  # type: ignore[no-untyped-def]
    """--phone, --email and --website: where consumers reach the body (shown on its certificates' pages)."""
    func = click.option("--website", default=None, help="Web site (https://...); '' clears it.")(func)
    func = click.option("--email", default=None, help="E-mail address for consumers; '' clears it.")(func)
    return click.option("--phone", default=None, help="Phone number for consumers; '' clears it.")(func)


@group.command("create")
@click.argument("code")
@click.option("--name-zh", required=True, help="Chinese name.")
@click.option("--name-en", default="", help="English name.")
@contact_options
@unit_of_work
def create_command(
    code: str, name_zh: str, name_en: str, phone: str | None, email: str | None, website: str | None
) -> None:
    """Register a certification body with its CNCA approval number as CODE."""
    body = service.create_body(
        get_session(), code, name_zh, name_en, contact_phone=phone, contact_email=email, website=website
    )
    click.echo(f"created certification body {body.code}")


@group.command("update")
@click.argument("code")
@click.option("--name-zh", default=None, help="Chinese name.")
@click.option("--name-en", default=None, help="English name.")
@contact_options
@unit_of_work
def update_command(
    code: str, name_zh: str | None, name_en: str | None, phone: str | None, email: str | None, website: str | None
) -> None:
    """Change body CODE's names or contact details; options not given stay as they are."""
    body = service.update_body(
        get_session(), code, name_zh, name_en, contact_phone=phone, contact_email=email, website=website
    )
    shown = ", ".join(f"{kind} {text}" for kind, text, _ in body.contacts) or "no contact details"
    click.echo(f"updated certification body {body.code}: {shown}")


@group.command("list")
def list_command() -> None:
    """List bodies with their certificate counts."""
    for body, count in bodies_with_counts(get_session()):
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
