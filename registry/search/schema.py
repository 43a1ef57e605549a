"""What the index holds for one certificate, and how a database row becomes a document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from registry.search.analyzer import cjk_analyzer, latin_analyzer
from registry.search.interfaces import FACETS, Row
from registry.search.text import exact_form

__all__ = ["FACETS", "SCHEMA_VERSION", "Row", "build_schema", "document"]

# Bump whenever the schema or the analysis changes: a generation built by another version
# reads as having no state, so the follower rebuilds it (see IndexStore.read_state).
SCHEMA_VERSION = 3


def build_schema() -> Schema:
    """The index schema.

    Postings find candidates; the stored normalised texts let the backend check a long run
    exactly; columns hold what sorting and facet counting read for every match.
    """
    return Schema(
        number=ID(stored=True, unique=True, sortable=True),
        credit_code=ID,
        name_exact=ID,
        name_ng=TEXT(analyzer=cjk_analyzer(), phrase=False),
        scope_ng=TEXT(analyzer=cjk_analyzer(), phrase=False),
        name_en=TEXT(analyzer=latin_analyzer(), phrase=False),
        scope_en=TEXT(analyzer=latin_analyzer(), phrase=False),
        texts=STORED,
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
        "texts": (t.name_zh, t.scope_zh, t.name_en, t.scope_en),
        **row.facet_values(day),
        "expires": row.expires.toordinal(),
        "name_len": len(t.name_zh),
    }
