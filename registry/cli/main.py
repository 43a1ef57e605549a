"""The `registry` console script: the operator commands of `flask --app registry`, without `--app`."""

from __future__ import annotations

from flask.cli import FlaskGroup


def main() -> None:
    """Run the Flask CLI on this registry's app (the same commands and options as `flask --app registry`)."""
    from registry import create_app

    cli = FlaskGroup(
        name="registry",
        create_app=create_app,
        help="Operator commands of the Service Certificate Registry, grouped by domain.",
    )
    cli.main(prog_name="registry")
