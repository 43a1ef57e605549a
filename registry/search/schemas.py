"""A page of search results as the API answers it."""

from __future__ import annotations

from pydantic import Field

from registry.certificates.schemas import CertificateOut
from registry.schemas import Output


class UnderstoodOut(Output):
    facet: str = Field(json_schema_extra={"enum": ["region", "stars", "scheme", "body", "business_type"]})
    values: list[str]
    words: str


class SearchOut(Output):
    total: int
    total_exact: bool
    page: int
    per_page: int
    items: list[CertificateOut]
    facets: dict[str, dict[str, int]] = Field(
        description="Counts over the whole result; region counts the next level below the region filter"
    )
    understood: list[UnderstoodOut] = Field(description="Query words read as filters (place, stars, ...)")
    filters: dict[str, list[str]]
    text: str = Field(description="What is left of q for the full-text rule")
