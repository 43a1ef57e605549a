"""`flask --app registry users ...`: certification bodies' portal accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from registry.accounts import service
from registry.accounts.models import ROLES
from registry.accounts.passwords import current_passwords
from registry.bodies.service import get_body
from registry.cli.common import unit_of_work
from registry.db import get_session

group = AppGroup("users", help="Portal accounts of certification bodies' staff.")


@group.command("create")
@click.argument("email")
@click.option("--body", "body_code", required=True, help="The certification body's code.")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin: also keys, users, contacts.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@unit_of_work
def create_command(email: str, body_code: str, role: str, password_stdin: bool) -> None:
    """Create a portal account; without --password-stdin a one-time password is printed as the last line."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    session = get_session()
    user, temporary = service.create_user(
        session, current_passwords(), email, get_body(session, body_code), role, password
    )
    if temporary is None:
        click.echo(f"created {user.role} {user.email} for {body_code}")
        return
    click.echo(
        f"created {user.role} {user.email} for {body_code}; one-time password (must be changed at first sign-in):",
        err=True,
    )
    click.echo(temporary)


@group.command("list")
@click.option("--body", "body_code", help="Only this body's users.")
def list_command(body_code: str | None) -> None:
    """List accounts: e-mail, body, role, status, second factor, last sign-in."""
    session = get_session()
    body = get_body(session, body_code) if body_code else None
    for user in service.list_users(session, body):
        status = "disabled" if user.disabled_at else "active"
        last = user.last_login_at.strftime("%Y-%m-%dT%H:%MZ") if user.last_login_at else "never"
        totp = "totp" if user.totp_enabled else "-"
        click.echo(f"{user.email}\t{user.body.code}\t{user.role}\t{status}\t{totp}\t{last}")


@group.command("disable")
@click.argument("email")
@unit_of_work
def disable_command(email: str) -> None:
    """Stop EMAIL from signing in; their sessions end at once."""
    user = service.set_disabled(get_session(), service.get_user(get_session(), email), True)
    click.echo(f"{user.email} disabled")


@group.command("enable")
@click.argument("email")
@unit_of_work
def enable_command(email: str) -> None:
    """Let a disabled EMAIL sign in again."""
    user = service.set_disabled(get_session(), service.get_user(get_session(), email), False)
    click.echo(f"{user.email} enabled")


@group.command("reset-password")
@click.argument("email")
@click.option("--clear-totp", is_flag=True, help="Also remove the second factor (a lost phone).")
@unit_of_work
def reset_password_command(email: str, clear_totp: bool) -> None:
    """Print a one-time password for EMAIL (the last line); their sessions end and any lockout is lifted."""
    session = get_session()
    user = service.get_user(session, email)
    temporary = service.reset_password(session, current_passwords(), user, clear_totp=clear_totp)
    click.echo(f"one-time password for {user.email} (must be changed at first sign-in):", err=True)
    click.echo(temporary)
