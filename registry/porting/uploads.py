"""A body's upload of issuances (CSV or XLSX): read, preview with nothing written, keep, publish."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.service import Actor, Minter
from registry.db import utcnow
from registry.errors import FieldError, NotFound, RegistryError
from registry.porting.importer import ImportReport, issue_items
from registry.porting.models import PendingUpload
from registry.porting.spreadsheet import NotASpreadsheet, xlsx_rows
from registry.porting.table_format import column_of, csv_rows, table_items

# An upload is for a body's everyday publishing; the CLI import takes files of any size.
MAX_ROWS = 20_000
# A previewed upload waits this long for its publication.
KEEP_FOR = dt.timedelta(hours=24)


class UnreadableUpload(RegistryError):
    """The file is neither a CSV (UTF-8 or GBK) nor an XLSX workbook."""

    status = 422
    title = "Unreadable file"


@dataclass(frozen=True)
class Problem:
    """One problem in an upload, where a person finds it: row, column name and letter."""

    row: int
    column: str
    letter: str
    message: str
    message_zh: str


@dataclass
class Preview:
    """What an upload would do, or why it cannot be published."""

    kind: str
    report: ImportReport
    problems: list[Problem] = field(default_factory=list)
    token: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def sniff(data: bytes) -> str:
    """'xlsx' or 'csv' from the content (not the name); UnreadableUpload for anything else."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableUpload(
            "This is an old Excel .xls file: save it as .xlsx (Excel workbook) or as CSV and upload again.",
            "这是旧版 Excel .xls 文件：请另存为 .xlsx（Excel 工作簿）或 CSV 后重新上传。",
        )
    if not data.strip():
        raise UnreadableUpload("The file is empty.", "文件是空的。")
    if b"\x00" in data[:4096]:
        raise UnreadableUpload(
            "The file is neither a CSV (UTF-8 or GBK) nor an XLSX workbook.",
            "文件既不是 CSV（UTF-8 或 GBK）也不是 XLSX 工作簿。",
        )
    return "csv"


def _text(data: bytes) -> str:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=True)
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableUpload(
            "The file is neither a CSV (UTF-8 or GBK) nor an XLSX workbook.",
            "文件既不是 CSV（UTF-8 或 GBK）也不是 XLSX 工作簿。",
        ) from None


def _capped(
    rows: Iterator[tuple[int, list[str]]], errors: list[tuple[int, FieldError]]
) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows):
        if count > MAX_ROWS:
            errors.append(
                (
                    row[0],
                    FieldError(
                        "file",
                        f"more than {MAX_ROWS:,} rows: split the file, or ask the operator to import it",
                        f"超过 {MAX_ROWS:,} 行：请拆分文件，或请运营方导入",
                    ),
                )
            )
            return
        yield row


def check_upload(
    session: Session,
    data: bytes,
    body: CertificationBody,
    *,
    actor: Actor,
    minter: Minter | None,
    check_only: bool,
) -> Preview:
    """Read the file and run every row through the register; with check_only nothing is written.

    Otherwise the caller commits only if the preview is ok.
    """
    kind = sniff(data)
    errors: list[tuple[int, FieldError]] = []
    header: list[str] = []
    if kind == "xlsx":
        try:
            raw = xlsx_rows(data, errors)
            first = next(raw, None)
        except NotASpreadsheet:
            raise UnreadableUpload(
                "The file looks like a workbook but cannot be read as XLSX: save it again from Excel or WPS as .xlsx.",
                "文件无法按 XLSX 读取：请在 Excel 或 WPS 中重新另存为 .xlsx。",
            ) from None
    else:
        raw = csv_rows(io.StringIO(_text(data), newline=""))
        first = next(raw, None)
    if first is not None:
        header = [c.strip() for c in first[1]]

    def rows() -> Iterator[tuple[int, list[str]]]:
        if first is not None:
            yield first
        yield from raw

    report = issue_items(
        session,
        table_items(_capped(rows(), errors), errors),
        errors,
        body,
        kind=kind,
        actor=actor,
        minter=minter,
        release=False,
        check_only=check_only,
    )
    return Preview(kind=kind, report=report, problems=[_problem(line, e, header) for line, e in report.errors])


def _problem(line: int, error: FieldError, header: list[str]) -> Problem:
    column = column_of(error.field)
    letter = ""
    if column in header:
        letter = get_column_letter(header.index(column) + 1)
    elif column.isalpha() and column.isupper() and len(column) <= 3:
        letter = column
        index = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(column))) - 1
        column = header[index] if index < len(header) else column
    return Problem(line, column, letter, error.message, error.message_zh)


def keep(
    session: Session, data: bytes, filename: str, kind: str, rows: int, body: CertificationBody, user_id: int
) -> str:
    """Store a previewed upload until it is published (or a day passes); returns its token."""
    session.execute(delete(PendingUpload).where(PendingUpload.created_at < utcnow() - KEEP_FOR))
    token = secrets.token_urlsafe(24)
    session.add(
        PendingUpload(
            token=token,
            body_id=body.id,
            user_id=user_id,
            filename=filename[:255],
            kind=kind,
            rows=rows,
            content=data,
            created_at=utcnow(),
        )
    )
    session.flush()
    return token


def pending(session: Session, token: str, body: CertificationBody) -> PendingUpload:
    """The body's previewed upload `token`; NotFound when it is unknown, expired or another body's."""
    upload = session.scalar(select(PendingUpload).where(PendingUpload.token == token))
    if upload is None or upload.body_id != body.id or upload.created_at < utcnow() - KEEP_FOR:
        raise NotFound(
            "This upload is no longer waiting to be published: upload the file again.",
            "该上传已失效：请重新上传文件。",
        )
    return upload
