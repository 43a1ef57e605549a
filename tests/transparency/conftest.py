"""The log key for tests that exercise the transparency log (other tests run with no log key)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from registry.notes import Verifier
from registry.transparency import log_service
from registry.transparency.keys import generate_log_key, log_key_path


@pytest.fixture
def log_key(app: Flask) -> Iterator[Verifier]:
    """A log key in the test keys directory; the log's verifier key."""
    keys_dir = app.config["SETTINGS"].keys_dir
    path = log_key_path(keys_dir)
    if not path.exists():
        generate_log_key(keys_dir, None)
    service = log_service(app)
    service.forget_key()
    yield service.signer().verifier
    path.unlink(missing_ok=True)
    service.forget_key()
