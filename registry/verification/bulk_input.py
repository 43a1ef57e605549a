"""Reading a procurement officer's list: pasted lines or an uploaded CSV (UTF-8 or GBK)."""

from __future__ import annotations

import csv
import io
import re

from registry.certificates.validation import NUMBER_RE
from registry.verification.schemas import MAX_ITEMS

HEADER_WORDS = ("证书编号", "证书号", "编号", "number", "certificate", "cert", "url", "链接", "token", "标志")
_URLISH = re.compile(r"^\s*https?://", re.IGNORECASE)


class NoInputColumn(ValueError):
    """The CSV has no column that holds certificate numbers or mark links."""


def decode_upload(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _looks_like_input(cell: str) -> bool:
    cell = cell.strip()
    # Real certificate numbers carry digits; a column of words ("Beijing") is not one.
    number_like = bool(NUMBER_RE.match(cell.upper())) and any(c.isdigit() for c in cell)
    return bool(_URLISH.match(cell) or number_like or re.fullmatch(r"[A-Za-z2-7]{60,}", cell))


def items_from_csv(text: str) -> list[str]:
    """The certificate numbers or URLs in a CSV: the named column, else the most number-like one."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    header = [c.strip().lower() for c in rows[0]]
    column, body = None, rows
    for i, name in enumerate(header):
        if any(word in name for word in HEADER_WORDS):
            column, body = i, rows[1:]
            break
    if column is None:
        scores = [sum(1 for r in rows if i < len(r) and _looks_like_input(r[i])) for i in range(width)]
        column = max(range(width), key=lambda i: scores[i])
        if scores[column] == 0:
            raise NoInputColumn("no column of certificate numbers or mark links")
        if rows and not (column < len(rows[0]) and _looks_like_input(rows[0][column])):
            body = rows[1:]
    return [r[column].strip() for r in body if column < len(r) and r[column].strip()]


def items_from_text(text: str) -> list[str]:
    """One input per line (commas, semicolons and tabs also separate)."""
    return [part.strip() for part in re.split(r"[\r\n,;\t，；]+", text) if part.strip()]


def limit_items(items: list[str]) -> tuple[list[str], int]:
    """At most MAX_ITEMS inputs; returns (kept, dropped count)."""
    return items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
