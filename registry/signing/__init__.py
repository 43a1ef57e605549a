"""Signing: the keyring, the compact mark token, and printable QR marks."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """One keyring per app (signers, active key, public keys); private keys load on first use."""
    from registry.signing.service import Keyring

    app.extensions["registry.keyring"] = Keyring(app.config["SETTINGS"])
