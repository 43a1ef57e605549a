"""Watch lists: signed webhooks and Atom feeds when watched certificates change."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Queue webhook messages for every unit of work's events, inside it (before its commit)."""
    from registry.db import subscribers
    from registry.watches.outbox import fill_outbox

    subscribers(app).before["webhook-outbox"] = fill_outbox
