"""What the index holds for one certificate, and how a database row becomes a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh.columns import NumericColumn, VarBytesColumn
from whoosh.fields import COLUMN, ID, TEXT, Schema

from registry.search.analyzer import cjk_analyzer, latin_analyzer
from registry.search.interfaces import FACETS, Row
from registry.search.text import exact_form

__all__ = ["FACETS", "SCHEMA_VERSION", "Row", "build_schema", "document"]

# Bump whenever the schema or the analysis changes: a generation built by another version
# reads as having no state, so the follower rebuilds it (see IndexStore.read_state).
SCHEMA_VERSION = 4


def build_schema() -> Schema:
    """The index schema.

    Postings find candidates; the normalised Chinese name and scope, kept as columns, let the
    backend check a long run exactly; other columns hold what sorting and facet counting read.
    """
    return Schema(
        number=ID(stored=True, unique=True, sortable=True),
        credit_code=ID,
        name_exact=ID,
        name_ng=TEXT(analyzer=cjk_analyzer(), phrase=False),
        scope_ng=TEXT(analyzer=cjk_analyzer(), phrase=False),
        name_en=TEXT(analyzer=latin_analyzer(), phrase=False),
        scope_en=TEXT(analyzer=latin_analyzer(), phrase=False),
        name_text=COLUMN(VarBytesColumn()),
        scope_text=COLUMN(VarBytesColumn()),
        scheme=ID(sortable=True),
        stars=ID(sortable=True),
        status=ID(sortable=True),
        body=ID(sortable=True),
        region=ID(sortable=True),
        business_type=ID(sortable=True),
        expires=COLUMN(NumericColumn("i")),
        name_len=COLUMN(NumericColumn("i")),
    )


def document(row: Row, day: dt.date) -> dict[str, Any]:
    """The index document for a row."""
    t = row.texts()
    return {
        "number": row.number,
        "credit_code": row.credit_code,
        "name_exact": exact_form(row.name_zh),
        "name_ng": t.name_zh,
        "scope_ng": t.scope_zh,
        "name_en": t.name_words,
        "scope_en": t.scope_words,
        "name_text": t.name_zh.encode("utf-8"),
        "scope_text": t.scope_zh.encode("utf-8"),
        **row.facet_values(day),
        "expires": row.expires.toordinal(),
        "name_len": len(t.name_zh),
    }
