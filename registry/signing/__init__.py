"""Signing: the keyring, the compact mark token, and printable QR marks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Signing needs no set-up at start: keys load on first use."""
