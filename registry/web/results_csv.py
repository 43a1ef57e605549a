"""The results of a bulk check as a CSV an officer opens in Excel, in the page's language."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext

from registry.certificates.validation import CHINA_TZ
from registry.porting.cells import safe_cell
from registry.web.i18n import VERDICT_WORDS

KIND_WORDS = {
    "number": lazy_gettext("certificate number"),
    "token": lazy_gettext("mark token"),
    "url": lazy_gettext("scanned link"),
    "credit_code": lazy_gettext("credit code"),
    "name": lazy_gettext("organisation name"),
    "unknown": lazy_gettext("not understood"),
}


def beijing_time(stamp: str) -> str:
    """An RFC 3339 UTC time as Beijing time, `2026-05-01 09:30:00`."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return stamp or ""
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S")


def result_header() -> list[str]:
    return [
        _("Input"),
        _("Understood as"),
        _("Certificate number"),
        _("Verdict"),
        _("Star level"),
        _("Holder"),
        _("Holder (English)"),
        _("Credit code"),
        _("Scheme"),
        _("Expires"),
        _("Reason"),
        _("Checked at (Beijing time)"),
        _("As of"),
        _("Receipt"),
    ]


def result_cells(row: dict[str, Any], payload: dict[str, Any], lang: str, receipt_url: str) -> list[str]:
    holder = row.get("holder") or {}
    star, scheme, expires = row.get("star_level"), row.get("scheme"), row.get("expires")
    numbers = row.get("number") or ""
    certificates = row.get("certificates")
    if certificates is not None:
        numbers = "; ".join(f"{c['number']} ({VERDICT_WORDS[c['verdict']]})" for c in certificates)
        if certificates:
            best = certificates[0]
            star, scheme, expires = best["star_level"], best["scheme"], best["expires"]
        if holder == {} and row.get("holders"):
            holder = {
                "name_zh": "; ".join(h["name_zh"] for h in row["holders"]),
                "name_en": "; ".join(h["name_en"] for h in row["holders"]),
                "credit_code": "; ".join(h["credit_code"] for h in row["holders"]),
            }
    return [
        row.get("input"),
        KIND_WORDS.get(row.get("input_kind", "number"), ""),
        numbers,
        VERDICT_WORDS.get(row.get("verdict", ""), row.get("verdict")),
        star,
        holder.get("name_zh"),
        holder.get("name_en"),
        holder.get("credit_code"),
        scheme,
        expires,
        row.get("reason") if lang == "en" else row.get("reason_zh"),
        beijing_time(str(payload.get("checked_at", ""))),
        payload.get("as_of") or "",
        receipt_url,
    ]


def results_csv(
    payload: dict[str, Any],
    lang: str,
    receipt_url: str,
    source_header: list[str] | None = None,
    source_rows: list[list[str]] | None = None,
) -> bytes:
    """The CSV (UTF-8 with BOM, so Excel keeps the Chinese): the upload's own columns, then the results."""
    results = list(payload.get("results") or [])
    width = max([len(source_header or [])] + [len(r) for r in source_rows or []])
    # Uploaded rows were checked after any pasted items, so they line up with the last results.
    offset = len(results) - len(source_rows or [])
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    own = list(source_header or []) + [""] * (width - len(source_header or []))
    writer.writerow([safe_cell(c) for c in [*own, *result_header()]])
    for i, row in enumerate(results):
        source = (source_rows or [])[i - offset] if source_rows and i >= offset else []
        cells = list(source) + [""] * (width - len(source))
        writer.writerow([safe_cell(c) for c in [*cells, *result_cells(row, payload, lang, receipt_url)]])
    return out.getvalue().encode("utf-8")
