"""`flask --app registry log ...`: the log key, publishing, static copies, and checking a log from outside."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from registry.notes import NoteError, Verifier
from registry.signing.keyring import KeyFileError
from registry.transparency import log_service
from registry.transparency.audit import audit_log
from registry.transparency.client import AuditError, describe, http_get, iter_paths, monitor, verify_log
from registry.transparency.keys import generate_log_key, log_key_path
from registry.transparency.service import served_note
from registry.transparency.store import DatabaseTiles, LogError, entry_bundle, latest_checkpoint
from registry.transparency.tiles import ENTRIES, parse_tile_path

group = AppGroup("log", help="The transparency log: key, publishing, verification and monitoring.")


def check_log(session: Session) -> tuple[int, str | None]:
    """The log half of `audit verify` (signatures checked when the log key is readable)."""
    try:
        signer = log_service().signer()
    except KeyFileError as exc:
        return 0, str(exc)
    return audit_log(session, signer.verifier if signer else None)


def _key_option(vkey: str | None) -> Verifier | None:
    if vkey is None:
        return None
    try:
        return Verifier.parse(vkey)
    except NoteError as exc:
        raise click.BadParameter(str(exc), param_hint="--key") from None


@group.command("init-key")
@click.option("--if-missing", is_flag=True, help="Do nothing when the log key exists.")
def init_key_command(if_missing: bool) -> None:
    """Make the log's Ed25519 key in REGISTRY_KEYS_DIR (encrypted with REGISTRY_KEY_PASSPHRASE)."""
    settings = current_app.config["SETTINGS"]
    path = log_key_path(settings.keys_dir)
    if path.exists():
        if if_missing:
            return
        raise click.ClickException(f"the log key already exists ({path}); a log keeps its key for life")
    passphrase = settings.key_passphrase.encode() if settings.key_passphrase else None
    generate_log_key(settings.keys_dir, passphrase)
    if not passphrase:
        click.echo("warning: the log key is not encrypted (set REGISTRY_KEY_PASSPHRASE in production)", err=True)
    service = log_service()
    service.forget_key()
    click.echo(service.signer().verifier.vkey)


@group.command("sync")
def sync_command() -> None:
    """Append every committed event to the log now and sign a checkpoint."""
    try:
        result = log_service().publish()
    except LogError as exc:
        raise click.ClickException(str(exc)) from None
    if result is None:
        raise click.ClickException("no log key: run `flask --app registry log init-key`")
    click.echo(f"log size {result.size}")


@group.command("publish")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def publish_command(directory: Path) -> None:
    """Write the checkpoint, key, tiles and entry bundles to DIRECTORY for static hosting."""
    from registry.db import get_session

    session = get_session()
    service = log_service()
    latest = latest_checkpoint(session) or service.checkpoint_covering(session, -1)
    tiles = DatabaseTiles(session)
    written = 0
    for path in iter_paths(latest.size):
        target = directory / path
        level, index, width = parse_tile_path(path.removeprefix("tile/")) or (0, 0, 0)
        if target.exists() and ".p/" not in path:
            continue  # full tiles never change
        data = entry_bundle(session, index, width) if level == ENTRIES else tiles(level, index, width)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    (directory / "key").write_text(service.signer().verifier.vkey + "\n")
    tmp = directory / "checkpoint.partial"
    tmp.write_text(served_note(latest))
    tmp.replace(directory / "checkpoint")  # written last: it names only tiles already in place
    click.echo(f"wrote {written} tiles and the checkpoint for size {latest.size} to {directory}")


@group.command("verify")
@click.argument("url")
@click.option("--key", "vkey", help="The log's verifier key (default: fetched from URL/key).")
def verify_command(url: str, vkey: str | None) -> None:
    """Fetch a log's key, checkpoint, tiles and entries from URL (its /log prefix) and recompute its root."""
    try:
        checkpoint, count = verify_log(http_get(url), _key_option(vkey))
    except AuditError as exc:
        click.echo(f"log verify FAILED: {exc}", err=True)
        sys.exit(1)
    click.echo(f"log verified: {checkpoint.origin} size {count}")


@group.command("monitor")
@click.argument("url")
@click.option("--state", "state", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "vkey", help="The log's verifier key (default: from the state file, else fetched).")
@click.option("--spot-checks", default=1, show_default=True, help="Earlier entry bundles to re-check each run.")
def monitor_command(url: str, state: Path, vkey: str | None, spot_checks: int) -> None:
    """Prove the log's new checkpoint extends the one in --state, print the new entries, save the new state."""
    try:
        result = monitor(http_get(url), state, _key_option(vkey), spot_checks)
    except AuditError as exc:
        click.echo(f"log monitor FAILED: {exc}", err=True)
        sys.exit(1)
    for entry in result.new_entries:
        click.echo(describe(entry))
    click.echo(
        f"log consistent: {result.checkpoint.origin} size {result.previous_size} -> {result.checkpoint.size}, "
        f"{len(result.new_entries)} new entries",
        err=True,
    )


@group.command("verify-proof")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--key", "vkey", required=True, help="The log's verifier key (from /log/key or the registry's website).")
def verify_proof_command(path: Path, vkey: str) -> None:
    """Check a saved c2sp.org/tlog-proof@v1 offline: the log's signature and the entry's inclusion."""
    from registry.transparency.merkle import ProofError
    from registry.transparency.proofs import check_proof

    try:
        checkpoint, entry = check_proof(path.read_text(encoding="utf-8"), _key_option(vkey))  # type: ignore[arg-type]
    except (NoteError, ProofError) as exc:
        click.echo(f"proof INVALID: {exc}", err=True)
        sys.exit(1)
    click.echo(entry.decode("utf-8"))
    click.echo(f"proof valid: the entry is in {checkpoint.origin} at size {checkpoint.size}", err=True)
