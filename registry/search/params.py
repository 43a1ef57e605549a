"""Search parameters from a query string, checked once at the edge (the API strictly, the site kindly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from registry.certificates.verdicts import REGISTER_VERDICTS
from registry.errors import FieldError, ValidationError
from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.validation import regions
from registry.search.interfaces import FACETS, SORTS

MAX_PER_PAGE = 100
MAX_PAGE = 100_000
STAR_LEVELS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class SearchRequest:
    """What was asked: the typed text, the facet filters (several values of one facet mean any of them)."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...] | str] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    facets: bool = True
    # Read place, star, scheme, body and business-type words in `q` as filters.
    understand: bool = True

    def values(self, facet: str) -> tuple[str, ...]:
        raw = self.filters.get(facet, ())
        return split(raw) if isinstance(raw, str) else tuple(raw)


def split(raw: str) -> tuple[str, ...]:
    """`"4, 5"` -> ("4", "5"): comma-separated values, trimmed, without repeats or empties."""
    return tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int, errors: list[FieldError]) -> int:
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        errors.append(FieldError(name, f"must be a whole number from {low} to {high}", f"应为 {low} 到 {high} 的整数"))
    return value


def _allowed(facet: str) -> tuple[tuple[str, ...] | None, str, str]:
    if facet == "stars":
        return STAR_LEVELS, "each value must be a star level from 1 to 5", "星级应为 1 到 5"
    if facet == "status":
        return REGISTER_VERDICTS, f"each value must be one of {', '.join(REGISTER_VERDICTS)}", "状态取值无效"
    if facet == "business_type":
        return tuple(BUSINESS_TYPES), f"each value must be one of {', '.join(BUSINESS_TYPES)}", "行业类型无效"
    if facet == "region":
        return tuple(regions()), "each value must be a GB/T 2260 region code", "地区代码无效"
    return None, "", ""


def search_request(args: Mapping[str, str], *, strict: bool, per_page: int = 20) -> SearchRequest:
    """Search parameters from a query string. Strict (the API): a bad one is a 400; else it is dropped."""
    errors: list[FieldError] = []
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values = tuple(v[:64] for v in split(args.get(facet, "")))[:50]
        if not values:
            continue
        allowed, message, message_zh = _allowed(facet)
        bad = [v for v in values if allowed is not None and v not in allowed]
        if bad:
            errors.append(FieldError(facet, message, message_zh))
            values = tuple(v for v in values if v not in bad)
        if values:
            filters[facet] = values
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        errors.append(FieldError("sort", f"must be one of {', '.join(SORTS)}", "排序方式无效"))
        sort = "relevance"
    page = _int(args, "page", 1, 1, MAX_PAGE, errors)
    size = _int(args, "per_page", per_page, 1, MAX_PER_PAGE, errors)
    if errors and strict:
        raise ValidationError(errors, status=400)
    page = min(max(page, 1), MAX_PAGE)
    size = min(max(size, 1), MAX_PER_PAGE)
    understand = args.get("understand", "").strip().lower() not in ("0", "false", "no")
    return SearchRequest(
        q=args.get("q", ""), filters=filters, sort=sort, page=page, per_page=size, understand=understand
    )
