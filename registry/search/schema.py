"""What the index holds for one certificate, and how a database row becomes a document."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, TEXT, Schema

from registry.certificates.service import verdict_of
from registry.search.analyzer import bigram_analyzer, chinese_analyzer, english_analyzer, normalise

# Facet fields, in the order pages show them; the API uses the same names.
FACETS = ("scheme", "stars", "status", "body", "region", "business_type")
# Bump whenever the schema or the analysis changes: a generation built by another version
# reads as having no state, so the follower rebuilds it (see IndexStore.read_state).
SCHEMA_VERSION = 2


def build_schema() -> Schema:
    """The index schema: only the number is stored, the database has everything else.

    Text fields keep no positions (queries never need phrases) and the expiry date is a
    column only (sorted on, never searched): every posting left out is indexing time saved.
    """
    return Schema(
        number=ID(stored=True, unique=True),
        credit_code=ID,
        name_exact=ID,
        name_zh=TEXT(analyzer=chinese_analyzer(), phrase=False, field_boost=3.0),
        name_ng=TEXT(analyzer=bigram_analyzer(), phrase=False, field_boost=1.5),
        name_en=TEXT(analyzer=english_analyzer(), phrase=False, field_boost=2.0),
        scope_zh=TEXT(analyzer=chinese_analyzer(repetitive=True), phrase=False),
        scope_en=TEXT(analyzer=english_analyzer(stop=True), phrase=False),
        scheme=ID(sortable=True),
        stars=ID(sortable=True),
        status=ID(sortable=True),
        body=ID(sortable=True),
        region=ID(sortable=True),
        business_type=ID(sortable=True),
        expires=COLUMN(NumericColumn("i")),
    )


@dataclass(frozen=True)
class Row:
    """One certificate as the index needs it (a plain row, not an ORM object)."""

    number: str
    credit_code: str
    name_zh: str
    name_en: str
    scope_zh: str
    scope_en: str
    scheme: str
    star_level: int
    status: str
    body: str
    region: str
    business_type: str
    expires: dt.date


def document(row: Row, day: dt.date) -> dict[str, Any]:
    """The index document for a row; the status facet is the verdict on `day`."""
    return {
        "number": row.number,
        "credit_code": row.credit_code,
        "name_exact": normalise(row.name_zh).strip(),
        "name_zh": row.name_zh,
        "name_ng": normalise(row.name_zh),
        "name_en": row.name_en,
        "scope_zh": row.scope_zh,
        "scope_en": row.scope_en,
        "scheme": row.scheme,
        "stars": str(row.star_level),
        "status": verdict_of(row.status, row.expires, day),
        "body": row.body,
        "region": row.region,
        "business_type": row.business_type,
        "expires": row.expires.toordinal(),
    }
