"""Reading a procurement officer's list: pasted lines or an uploaded CSV (UTF-8 or GBK)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from registry.verification.inputs import classify
from registry.verification.schemas import MAX_ITEMS

# Header words naming the column to check, by what it holds; earlier roles win on each row.
ROLE_WORDS = {
    "number": ("证书编号", "证书号", "编号", "number", "certificate", "cert", "url", "链接", "token", "标志"),
    "credit_code": ("统一社会信用代码", "信用代码", "credit", "uscc"),
    "name": (
        "投标人名称",
        "投标人",
        "供应商",
        "单位名称",
        "企业名称",
        "公司名称",
        "名称",
        "company",
        "bidder",
        "supplier",
        "name",
    ),
}
ROLES = tuple(ROLE_WORDS)


class NoInputColumn(ValueError):
    """The CSV has no column that holds certificate numbers, mark links, credit codes or names."""


@dataclass
class CsvInput:
    """An uploaded list: its header (if it has one), its rows and the item to check for each row."""

    header: list[str] | None
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def decode_upload(data: bytes) -> str:
    """Text of an uploaded file: UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def _kind(cell: str) -> str:
    return classify(cell).kind if cell.strip() else "unknown"


def _role_columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, words in ROLE_WORDS.items():
        for i, name in enumerate(header):
            taken = i in found.values()
            if not taken and role not in found and any(word in name for word in words):
                found[role] = i
    return found


def read_csv(text: str) -> CsvInput:
    """Every row of a CSV with the item to check in it: the certificate number column first, then
    the credit code column, then the name column (by header); without a header, the column whose
    cells are most often something the registry understands."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return CsvInput(None)
    width = max(len(r) for r in rows)
    columns = _role_columns([c.strip().lower() for c in rows[0]])
    header: list[str] | None = rows[0] if columns else None
    body = rows[1:] if columns else rows
    if not columns:
        weights = {"number": 3, "token": 3, "url": 3, "credit_code": 2, "name": 1}
        scores = [sum(weights.get(_kind(r[i]), 0) for r in rows if i < len(r)) for i in range(width)]
        best = max(range(width), key=lambda i: scores[i])
        if scores[best] == 0:
            raise NoInputColumn("no column of certificate numbers, mark links, credit codes or names")
        columns = {"number": best}
        if _kind(rows[0][best] if best < len(rows[0]) else "") == "unknown" or _is_name_header(rows[0][best]):
            header, body = rows[0], rows[1:]
    out = CsvInput(header)
    order = [columns[r] for r in ROLES if r in columns]
    for row in body:
        item = next((row[i].strip() for i in order if i < len(row) and row[i].strip()), "")
        if item:
            out.rows.append(row)
            out.items.append(item)
    return out


def _is_name_header(cell: str) -> bool:
    lowered = cell.strip().lower()
    return any(word in lowered for words in ROLE_WORDS.values() for word in words)


def items_from_csv(text: str) -> list[str]:
    """The items to check in a CSV, one per row (see read_csv)."""
    return read_csv(text).items


def items_from_text(text: str) -> list[str]:
    """One input per line (commas, semicolons and tabs also separate; names keep their inner spaces)."""
    return [
        part.strip()
        for part in re.split(r"[\r\n;\t；]+|[,，](?!\s*(?:ltd|limited|inc))", text, flags=re.I)
        if part.strip()
    ]


def limit_items(items: list[str]) -> tuple[list[str], int]:
    """At most MAX_ITEMS inputs; returns (kept, dropped count)."""
    return items[:MAX_ITEMS], max(0, len(items) - MAX_ITEMS)
