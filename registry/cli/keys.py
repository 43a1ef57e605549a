"""`flask --app registry keys ...` and the offline `verify-token`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from registry.certificates.models import Certificate
from registry.certificates.service import Actor, Register
from registry.cli.common import fail, unit_of_work
from registry.db import get_session
from registry.signing import service
from registry.signing.keyring import short_key_id
from registry.signing.token import TokenFormatError, decode_token

group = AppGroup("keys", help="Signing keys for marks and receipts.")


def _settings():  # type: ignore[no-untyped-def]
    return current_app.config["SETTINGS"]


@group.command("generate")
@click.option("--if-missing", is_flag=True, help="Do nothing when an active key exists.")
@unit_of_work
def generate_command(if_missing: bool) -> None:
    """Make the registry's first signing key (private part in REGISTRY_KEYS_DIR)."""
    session = get_session()
    existing = service.active_key(session)
    if existing is not None and if_missing:
        if not service.key_has_private_file(_settings(), existing.kid):
            fail(f"active key {existing.kid} has no private key file in {_settings().keys_dir}")
        click.echo(f"active key {existing.kid} already exists")
        return
    key = service.generate_key(session, _settings())
    click.echo(f"generated signing key {key.kid}")


def _resign(session, revoked_only: bool = True) -> int:  # type: ignore[no-untyped-def]
    """Re-sign every certificate whose mark was signed by a key that is not the active one."""
    minter = service.minter_for(session, _settings())
    assert minter is not None
    active_short = short_key_id(minter.signer.kid)
    stale = {short_key_id(k.kid) for k in service.list_keys(session) if k.revoked_at is not None or not revoked_only}
    stale.discard(active_short)
    register = Register(session, Actor("operator:keys-resign"), minter=minter)
    count = 0
    numbers = list(session.scalars(select(Certificate.number).where(Certificate.token.is_not(None))))
    with click.progressbar(numbers, label="re-signing", file=sys.stderr) as bar:
        for number in bar:
            cert = session.scalar(select(Certificate).where(Certificate.number == number))
            try:
                short = decode_token(cert.token or "").key_short_id
            except TokenFormatError:
                short = b""
            if cert.status in ("revoked", "withdrawn") or (short and short not in stale):
                continue
            register.remark(number, "mark re-signed with the active key")
            count += 1
    return count


@group.command("rotate")
@click.option("--resign", is_flag=True, help="Also re-sign every mark signed by an older key.")
@unit_of_work
def rotate_command(resign: bool) -> None:
    """Make a new active key; the old one is retired and still verifies."""
    session = get_session()
    new, old = service.rotate_key(session, _settings())
    click.echo(f"new active key {new.kid}" + (f"; retired {old.kid}" if old else ""))
    if resign:
        click.echo(f"re-signed {_resign(session, revoked_only=False)} certificates")


@group.command("revoke")
@click.argument("kid")
@unit_of_work
def revoke_command(kid: str) -> None:
    """Revoke a compromised key: its marks verify as forged. Then run `keys resign`."""
    key = service.revoke_key(get_session(), kid)
    click.echo(f"revoked key {key.kid}; marks it signed now verify as forged")
    click.echo("re-sign the affected certificates with: flask --app registry keys resign", err=True)


@group.command("resign")
@unit_of_work
def resign_command() -> None:
    """Re-sign with the active key every live certificate whose mark a revoked key signed."""
    click.echo(f"re-signed {_resign(get_session())} certificates")


@group.command("list")
def list_command() -> None:
    """List keys with their status."""
    for key in service.list_keys(get_session()):
        click.echo(f"{key.kid}\t{key.status}\tcreated {key.created_at:%Y-%m-%d}")


@click.command("verify-token")
@with_appcontext
@click.argument("token_or_url")
@click.option(
    "--keys",
    "keys_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The registry's published key set (a saved /.well-known/jwks.json).",
)
@click.option(
    "--origin", help="Registry origin the mark was signed for (default: from the URL, else REGISTRY_BASE_URL)."
)
def verify_token_command(token_or_url: str, keys_file: Path, origin: str | None) -> None:
    """Check a mark offline, with no database: print its claims and whether the signature holds."""
    from registry.signing.offline import verify_offline

    try:
        jwks = json.loads(keys_file.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"cannot read key set {keys_file}: {exc}")
    result = verify_offline(token_or_url, jwks, origin or None, current_app.config["BASE_URL"])
    for line in result.lines():
        click.echo(line)
    sys.exit(0 if result.valid else 1)


@click.command("verify-receipt")
@with_appcontext
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--keys",
    "keys_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The registry's published key set (a saved /.well-known/jwks.json).",
)
def verify_receipt_command(path: Path, keys_file: Path) -> None:
    """Check a verification receipt offline (FILE holds the compact JWS, or the API's JSON answer)."""
    from registry.verification.receipts import check_receipt

    text = path.read_text("utf-8").strip()
    try:
        jwks = json.loads(keys_file.read_text("utf-8"))
    except ValueError as exc:
        fail(f"cannot read key set {keys_file}: {exc}")
    if text.startswith("{"):
        try:
            text = json.loads(text).get("receipt", "")
        except ValueError:
            fail(f"{path.name} is neither a receipt nor a verification answer")
    result = check_receipt(text, jwks)
    click.echo(f"receipt: {'genuine' if result.valid else 'NOT VALID'} ({result.reason})")
    if result.payload:
        click.echo(
            f"issuer: {result.payload.get('iss')}  checked_at: {result.payload.get('checked_at')}  "
            f"as_of: {result.payload.get('as_of')}"
        )
        for item in result.payload.get("results", []):
            click.echo(f"  {item.get('number') or item.get('input')}: {item.get('verdict')} ({item.get('reason')})")
    sys.exit(0 if result.valid else 1)
