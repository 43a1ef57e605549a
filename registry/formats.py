"""Formats every part of the registry writes the same way: canonical JSON and UTC times."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def format_time(value: dt.datetime) -> str:
    """A UTC time as ISO 8601 with microseconds and Z."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
