"""Operator commands, grouped by domain: `flask --app registry <group> <command>`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every command group."""
    from registry.cli import audit, bodies, db, demo, index, keys, porting, reports, schemes, users, worker

    app.cli.add_command(db.group)
    app.cli.add_command(schemes.group)
    app.cli.add_command(bodies.group)
    app.cli.add_command(users.group)
    app.cli.add_command(keys.group)
    app.cli.add_command(demo.group)
    app.cli.add_command(porting.import_command)
    app.cli.add_command(porting.export_command)
    app.cli.add_command(audit.group)
    app.cli.add_command(index.group)
    app.cli.add_command(reports.group)
    app.cli.add_command(keys.verify_token_command)
    app.cli.add_command(keys.verify_receipt_command)

    from registry.transparency.cli import group as log_group

    app.cli.add_command(log_group)
    app.cli.add_command(worker.worker_command)
