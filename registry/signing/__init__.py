"""Signing: the keyring, the compact mark token, and printable QR marks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Keep one public-key cache per process; private keys load on first use."""
    from registry.signing.service import PublicKeyCache

    app.extensions["registry.public_keys"] = PublicKeyCache()
