"""XLSX in the import format through openpyxl: values only, never formulas."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from registry.errors import FieldError
from registry.porting.table_format import EXAMPLE_ROW, TEXT_COLUMNS


class NotASpreadsheet(ValueError):
    """The bytes are not a readable XLSX workbook."""


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # Excel keeps every number as a float: 86.0 is the score 86, 86.5 stays 86.5.
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value)


def xlsx_rows(data: bytes, errors: list[tuple[int, FieldError]]) -> Iterator[tuple[int, list[str]]]:
    """The first worksheet's rows as text, numbered as Excel numbers them.

    A formula is never evaluated nor its cached result trusted: each formula cell is reported
    (row and column) and the row's value is left empty, so the import is refused.
    """
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NotASpreadsheet(str(exc)) from None
    try:
        sheet = book.worksheets[0]
        # A declared size can claim a million columns; read only the cells that exist.
        sheet.reset_dimensions()
        for row in sheet.iter_rows():
            cells = [c for c in row if getattr(c, "column", None) is not None]
            if not cells:
                continue
            line = cells[0].row
            values = [""] * max(c.column for c in cells)
            for cell in cells:
                if cell.data_type == "f":
                    where = f"{get_column_letter(cell.column)}{line}"
                    errors.append(
                        (
                            line,
                            FieldError(
                                get_column_letter(cell.column),
                                f"cell {where} holds a formula; enter values only",
                                f"单元格 {where} 含有公式，请只填写数值",
                            ),
                        )
                    )
                    continue
                values[cell.column - 1] = _cell_text(cell.value)
            yield line, values
    finally:
        book.close()


def template_xlsx() -> bytes:
    """The XLSX template: the header and the example row, identifier and date columns as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = "certificates"
    columns = list(EXAMPLE_ROW)
    sheet.append(columns)
    sheet.append(list(EXAMPLE_ROW.values()))
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(column) + 2)
        if column in TEXT_COLUMNS:
            for cell in sheet[letter]:
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
