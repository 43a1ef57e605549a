"""Spreadsheet cells that Excel shows as text: never a formula (OWASP CSV injection)."""

from __future__ import annotations

# A spreadsheet runs a cell that starts with one of these as a formula (TAB and CR before them too).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """`value` as a CSV cell: empty for None, true/false for booleans, a leading ' before a formula start."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
