"""What every search backend answers, and the order of its answers.

Backends (the Whoosh index, the database, an in-memory one for tests) take the same
`SearchQuery` and return the same `Hits`: exactly the certificates the text rule
(`registry.search.text`) and the filters select, in one total order per sort, with exact
facet counts. The service picks the backend; pages and the API never see which one answered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.orm import Session

from registry.certificates.verdicts import verdict_of
from registry.search.text import TextQuery, Texts, tier

# Facet fields, in the order pages show them; the API uses the same names.
FACETS = ("scheme", "stars", "status", "body", "region", "business_type")
SORTS = ("relevance", "stars", "expires")


@dataclass(frozen=True)
class SearchQuery:
    """A validated search: the text, the allowed values of each filtered facet, the order and the page.

    Region filters hold leaf codes: a province or city has already been expanded to its districts.
    """

    text: TextQuery = field(default_factory=TextQuery)
    filters: Mapping[str, frozenset[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True


@dataclass(frozen=True)
class Hits:
    """One page of certificate numbers, the exact total, and exact facet counts over the whole result."""

    total: int
    numbers: list[str]
    facets: dict[str, dict[str, int]]


def ordered_counts(tally: Mapping[str, int]) -> dict[str, int]:
    """Facet counts as every backend answers them: most first, then by value; no empty values or zeros."""
    return {k: int(v) for k, v in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0])) if k and v > 0}


def sort_key(
    query: SearchQuery, rank: int, name_len: int, stars: int, expires: dt.date, number: str
) -> tuple[Any, ...]:
    """The total order of a sort: every backend lists results in exactly this order.

    Relevance: tier, shorter names, number (a listing with no text: latest expiry first).
    Stars: most stars first. Expiry: soonest first. Ties always fall back to the number.
    """
    if query.sort == "stars":
        return (-stars, number)
    if query.sort == "expires":
        return (expires.toordinal(), number)
    if query.text.empty:
        return (-expires.toordinal(), number)
    return (rank, name_len, number)


@dataclass(frozen=True)
class Row:
    """One certificate as search needs it (a plain row, not an ORM object)."""

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

    def sort_key(self, query: SearchQuery) -> tuple[Any, ...]:
        """This row's place in the query's order (the row must match the query)."""
        texts = self.texts()
        rank = tier(query.text, texts)
        return sort_key(query, rank, len(texts.name_zh), self.star_level, self.expires, self.number)

    def texts(self) -> Texts:
        return Texts.of(self.number, self.credit_code, self.name_zh, self.name_en, self.scope_zh, self.scope_en)

    def facet_values(self, day: dt.date) -> dict[str, str]:
        """The row's value of each facet; the status facet is the verdict on `day`."""
        return {
            "scheme": self.scheme,
            "stars": str(self.star_level),
            "status": verdict_of(self.status, self.expires, day),
            "body": self.body,
            "region": self.region,
            "business_type": self.business_type,
        }


class SearchBackend(Protocol):
    """Searches the register. `search` answers None when it cannot answer exactly right now."""

    name: str

    def search(self, session: Session, query: SearchQuery, day: dt.date) -> Hits | None: ...

    def sync(self, session: Session, day: dt.date) -> None:
        """Catch up with committed events (nothing to do for the database itself)."""
        ...

    def warm(self) -> None:
        """Read what a first query would, once at start-up, so that no visitor pays for it."""
        ...
