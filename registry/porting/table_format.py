"""The import format of a body's issuances: one header row, then one certificate per row (CSV or XLSX)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from registry.errors import FieldError

CSV_COLUMNS = {
    "number": "number",
    "scheme": "scheme",
    "holder_name_zh": "holder.name_zh",
    "holder_name_en": "holder.name_en",
    "credit_code": "holder.credit_code",
    "region": "holder.region",
    "business_type": "holder.business_type",
    "star_level": "star_level",
    "score": "score",
    "scope_zh": "scope_zh",
    "scope_en": "scope_en",
    "issued": "issued",
    "expires": "expires",
    "sites": "sites",
}
REQUIRED_COLUMNS = ("number", "scheme", "credit_code", "star_level", "score", "issued")


def line_error(line: int, fld: str, message: str, zh: str = "") -> tuple[int, FieldError]:
    return line, FieldError(fld, message, zh)


def csv_rows(handle: IO[str]) -> Iterator[tuple[int, list[str]]]:
    """A CSV file's records with the line each ends on (the header is line 1)."""
    reader = csv.reader(handle)
    for row in reader:
        yield reader.line_num, row


def table_items(
    rows: Iterator[tuple[int, list[str]]], errors: list[tuple[int, FieldError]]
) -> Iterator[tuple[int, Any]]:
    """Issuances from a table in the import format (CSV or a worksheet): a header row, then one row each.

    Rows with nothing in them are skipped; a row with values beyond the header is an error.
    """
    first = next(rows, None)
    if first is None:
        errors.append(line_error(1, "file", "the file is empty", "文件是空的"))
        return
    header_line, header = first
    columns = [c.strip() for c in header]
    while columns and not columns[-1]:
        columns.pop()
    unknown = [c for c in columns if c not in CSV_COLUMNS and not c.startswith("evaluation.")]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    for name in unknown:
        errors.append(line_error(header_line, name or "column", f"unknown column {name!r}", f"未知的列 {name!r}"))
    for name in missing:
        errors.append(line_error(header_line, name, f"required column {name!r} is missing", f"缺少必需的列 {name!r}"))
    if unknown or missing:
        return
    for line, values in rows:
        if not any(v.strip() for v in values):
            continue
        if any(v.strip() for v in values[len(columns) :]):
            errors.append(line_error(line, "row", "more values than columns", "数值多于列数"))
        item: dict[str, Any] = {"holder": {}}
        for column, value in zip(columns, values, strict=False):
            value = value.strip()
            if not value:
                continue
            if column.startswith("evaluation."):
                item.setdefault("evaluation", {})[column.removeprefix("evaluation.")] = value
                continue
            target = CSV_COLUMNS[column]
            if target == "sites":
                item["sites"] = [s.strip() for s in value.split(";") if s.strip()]
            elif target.startswith("holder."):
                item["holder"][target.removeprefix("holder.")] = value
            else:
                item[target] = value
        yield line, item


# The example row of the downloadable templates (a valid issuance under GB/T 27922-2011).
EXAMPLE_ROW = {
    "number": "CNCA-EX-2025-0001",
    "scheme": "GB/T 27922-2011",
    "holder_name_zh": "北京示例商贸有限公司",
    "holder_name_en": "Beijing Example Trading Co., Ltd.",
    "credit_code": "91110105H2LTFY5G0R",
    "region": "110105",
    "business_type": "mall",
    "star_level": "4",
    "score": "86",
    "scope_zh": "家用电器的售后服务",
    "scope_en": "After-sales service of household appliances",
    "issued": "2025-06-01",
    "expires": "",
    "sites": "北京市朝阳区示例路1号;北京市朝阳区示例路2号",
    "evaluation.customer_satisfaction": "90",
}
# Columns Excel must keep as text: long digit strings lose digits as numbers, dates change form.
TEXT_COLUMNS = ("number", "credit_code", "region", "issued", "expires")


def column_of(field: str) -> str:
    """The column an error's field came from ("holder.credit_code" -> "credit_code")."""
    for column, target in CSV_COLUMNS.items():
        if field == target or field.startswith(target + "."):
            return column
    if field.startswith("evaluation."):
        return field
    return field


def template_csv() -> bytes:
    """The CSV template: the header and the example row, UTF-8 with a BOM so that Excel reads it."""
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXAMPLE_ROW)
    writer.writerow(EXAMPLE_ROW.values())
    return ("\ufeff" + out.getvalue()).encode("utf-8")
