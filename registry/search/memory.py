"""An in-memory search backend for tests: the rows it is given, searched with the shared rules."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlalchemy.orm import Session

from registry.search.interfaces import FACETS, Hits, Row, SearchQuery, ordered_counts
from registry.search.text import matches


class MemoryBackend:
    """Holds rows in a dict; `load` replaces them. Exact by construction, slow by design."""

    name = "memory"

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        self.rows: dict[str, Row] = {}
        self.load(rows)

    def load(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.rows[row.number] = row

    def sync(self, session: Session, day: dt.date) -> None:
        from registry.search.follower import all_rows

        self.rows = {row.number: row for row in all_rows(session)}

    def warm(self) -> None:
        return None

    def search(self, session: Session | None, query: SearchQuery, day: dt.date) -> Hits:
        found = []
        for row in self.rows.values():
            values = row.facet_values(day)
            if any(values[name] not in allowed for name, allowed in query.filters.items() if name in values):
                continue
            if matches(query.text, row.texts()):
                key = row.sort_key(query)
                found.append((key, row, values))
        found.sort(key=lambda item: item[0])
        facets: dict[str, dict[str, int]] = {}
        if query.facets:
            tallies = {name: Counter(values[name] for _k, _r, values in found) for name in FACETS}
            facets = {name: ordered_counts(t) for name, t in tallies.items()}
        start, limit = (query.page - 1) * query.per_page, query.page * query.per_page
        return Hits(total=len(found), numbers=[row.number for _k, row, _v in found[start:limit]], facets=facets)
