"""Import a body's issuances (CSV or JSON Lines), all or nothing; a whole-register export loads through restore.py."""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.schemas import CertificateIn, parse_certificate
from registry.certificates.service import Actor, Minter, Register
from registry.errors import FieldError, ValidationError
from registry.porting.export import FORMAT
from registry.porting.table_format import csv_rows, line_error, table_items

# Rows a preview lists in full; the rest are counted.
SAMPLE_ROWS = 20


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, FieldError]] = field(default_factory=list)
    # The first rows as parsed, for a preview.
    sample: list[CertificateIn] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def open_text(path: Path) -> IO[str]:
    """Open a text file as UTF-8 (BOM allowed), or GBK when it is not UTF-8 (Excel in China)."""
    with path.open("rb") as raw:
        sample = raw.read(1 << 20)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    return path.open(encoding=encoding, newline="")


def sniff_kind(path: Path) -> str:
    """'csv', 'jsonl' (a body's issuances) or 'export' (a whole register)."""
    if path.suffix.lower() == ".csv":
        return "csv"
    with open_text(path) as handle:
        first = handle.readline()
    try:
        head = json.loads(first)
    except ValueError:
        return "jsonl"
    if isinstance(head, dict) and head.get("kind") == "header" and head.get("format") == FORMAT:
        return "export"
    return "jsonl"


def _jsonl_items(handle: IO[str], errors: list[tuple[int, FieldError]]) -> Iterator[tuple[int, Any]]:
    for line, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            yield line, json.loads(text)
        except ValueError as exc:
            errors.append(line_error(line, "line", f"not valid JSON: {exc.msg}", "不是有效的 JSON"))


def import_issuances(
    session: Session,
    path: Path,
    body: CertificationBody,
    *,
    actor: Actor,
    minter: Minter | None,
    on_row: Callable[[], None] | None = None,
    check_only: bool = False,
    on_chunk: Callable[[], None] | None = None,
) -> ImportReport:
    """Issue every row of a body's CSV or JSON Lines file; the caller commits only if report.ok.

    `check_only` checks every row and writes nothing; `on_chunk` runs after each written chunk
    (the CLI commits there, so API writes proceed between chunks).
    """
    kind = sniff_kind(path)
    with open_text(path) as handle:
        parse_errors: list[tuple[int, FieldError]] = []
        rows = table_items(csv_rows(handle), parse_errors) if kind == "csv" else _jsonl_items(handle, parse_errors)
        return issue_items(
            session,
            rows,
            parse_errors,
            body,
            kind="csv" if kind == "csv" else "jsonl",
            actor=actor,
            minter=minter,
            on_row=on_row,
            check_only=check_only,
            on_chunk=on_chunk,
        )


def issue_items(
    session: Session,
    rows: Iterator[tuple[int, Any]],
    parse_errors: list[tuple[int, FieldError]],
    body: CertificationBody,
    *,
    kind: str,
    actor: Actor,
    minter: Minter | None,
    on_row: Callable[[], None] | None = None,
    release: bool = True,
    check_only: bool = False,
    on_chunk: Callable[[], None] | None = None,
) -> ImportReport:
    """Issue (line, raw item) rows all or nothing through the register; the caller commits only if report.ok.

    `parse_errors` is filled by the reader of `rows` while it is consumed. `release` lets go of
    flushed objects after each chunk (long CLI imports); a request that still uses its objects
    passes False. `check_only` checks every row the same way and writes nothing; `on_chunk` runs
    after each written chunk (the CLI commits there, so API writes proceed between chunks).
    """
    report = ImportReport(kind=kind)
    register = Register(session, actor, body=body, minter=minter)

    def parsed() -> Iterator[tuple[int, Any]]:
        for line, item in rows:
            report.rows += 1
            try:
                data = parse_certificate(item)
            except ValidationError as exc:
                yield line, exc
                continue
            if len(report.sample) < SAMPLE_ROWS:
                report.sample.append(data)
            yield line, data

    result = register.issue_many(
        parsed(), body, release=release, on_item=on_row, check_only=check_only, on_chunk=on_chunk
    )
    report.created, report.unchanged = result.created, result.unchanged
    report.errors = sorted(parse_errors + result.errors, key=lambda e: e[0])
    if report.errors:
        report.created = 0
    return report


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """A CSV document as text (used by tests and the sample file)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
