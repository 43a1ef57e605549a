"""Loading and reading schemes."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.errors import FieldError, NotFound, ValidationError
from registry.schemes.models import Scheme

REQUIRED = (
    "code",
    "short_name",
    "name_zh",
    "name_en",
    "max_score",
    "thresholds",
    "validity_months",
    "surveillance_months",
    "business_types",
    "components",
)


def read_scheme_file(path: Path | None = None) -> list[dict[str, Any]]:
    """Parse and check a schemes TOML file (the shipped one by default)."""
    if path is None:
        text = resources.files("registry.schemes").joinpath("schemes.toml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError([FieldError("file", f"not valid TOML: {exc}", "不是有效的 TOML")]) from None
    errors: list[FieldError] = []
    entries = data.get("scheme", [])
    for i, entry in enumerate(entries):
        where = f"scheme[{i}]."
        for key in REQUIRED:
            if key not in entry:
                errors.append(FieldError(where + key, "is required", "必填"))
        thresholds = entry.get("thresholds", [])
        if len(thresholds) != 5 or thresholds != sorted(thresholds):
            errors.append(
                FieldError(where + "thresholds", "needs five ascending minimum scores", "应为五个递增的最低分")
            )
        elif thresholds[-1] > entry.get("max_score", 0):
            errors.append(FieldError(where + "thresholds", "exceed max_score", "超过满分"))
    if errors:
        raise ValidationError(errors)
    return entries


def load_schemes(session: Session, entries: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update schemes by code; returns (created, updated)."""
    existing = {s.code: s for s in session.scalars(select(Scheme))}
    created = updated = 0
    for entry in entries:
        scheme = existing.get(entry["code"])
        if scheme is None:
            scheme = Scheme(code=entry["code"])
            session.add(scheme)
            created += 1
        else:
            updated += 1
        for key in REQUIRED[1:]:
            setattr(scheme, key, entry[key])
        scheme.notes = entry.get("notes", "")
        scheme.short_name_zh = entry.get("short_name_zh", "")
    session.flush()
    return created, updated


def list_schemes(session: Session) -> list[Scheme]:
    """All schemes, by code."""
    return list(session.scalars(select(Scheme).order_by(Scheme.code)))


def get_scheme(session: Session, code: str) -> Scheme:
    """The scheme with `code`, or NotFound."""
    scheme = session.scalar(select(Scheme).where(Scheme.code == code))
    if scheme is None:
        raise NotFound(f"no scheme {code!r}", f"没有方案 {code!r}")
    return scheme
