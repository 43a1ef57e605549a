"""Search parameters from a query string, checked once at the edge (the API strictly, the site kindly)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticError
from pydantic_core import PydanticCustomError

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


def whole_number(raw: str | None, name: str, default: int, low: int, high: int) -> tuple[int, FieldError | None]:
    """A whole-number parameter (its default when absent or empty), and an error when outside low..high."""
    if raw is None or raw == "":
        return default, None
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        return value, FieldError(name, f"must be a whole number from {low} to {high}", f"应为 {low} 到 {high} 的整数")
    return value, None


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


def facet_values(facet: str, raw: str) -> tuple[tuple[str, ...], FieldError | None]:
    """A facet filter's values, the allowed ones kept, and an error naming the facet when one was not allowed."""
    values = tuple(v[:64] for v in split(raw))[:50]
    allowed, message, message_zh = _allowed(facet)
    if allowed is None:
        return values, None
    kept = tuple(v for v in values if v in allowed)
    return kept, (FieldError(facet, message, message_zh) if len(kept) < len(values) else None)


def sort_order(raw: str) -> tuple[str, FieldError | None]:
    """The result order asked for (relevance when empty), and an error when it is not one we offer."""
    sort = raw.strip() or "relevance"
    if sort not in SORTS:
        return "relevance", FieldError("sort", f"must be one of {', '.join(SORTS)}", "排序方式无效")
    return sort, None


def search_request(args: Mapping[str, str], *, strict: bool, per_page: int = 20) -> SearchRequest:
    """Search parameters from a query string. Strict (the API): a bad one is a 400; else it is dropped."""
    if strict:
        return SearchQuery.from_args(args).request()
    filters: dict[str, tuple[str, ...]] = {}
    for facet in FACETS:
        values, _error = facet_values(facet, args.get(facet, ""))
        if values:
            filters[facet] = values
    sort, _error = sort_order(args.get("sort", ""))
    page, _error = whole_number(args.get("page"), "page", 1, 1, MAX_PAGE)
    size, _error = whole_number(args.get("per_page"), "per_page", per_page, 1, MAX_PER_PAGE)
    return SearchRequest(
        q=args.get("q", ""),
        filters=filters,
        sort=sort,
        page=min(max(page, 1), MAX_PAGE),
        per_page=min(max(size, 1), MAX_PER_PAGE),
        understand=understands(args.get("understand", "")),
    )


def understands(raw: str) -> bool:
    """Whether to read place, star, scheme, body and business-type words in q as filters (0, false, no: not)."""
    return raw.strip().lower() not in ("0", "false", "no")


def _refused(error: FieldError) -> PydanticCustomError:
    """A rule's error for pydantic: the same message, and its Chinese in the context."""
    return PydanticCustomError("search_parameter", error.message, {"message_zh": error.message_zh})


def _several(pattern: str) -> str:
    """A pattern for comma-separated values (any of them)."""
    return f"^\\s*{pattern}\\s*(,\\s*{pattern}\\s*)*$"


def _param(text: str, example: str | int, default: str | int = "", **schema: Any) -> Any:
    return Field(default=default, description=text, json_schema_extra={**schema, "example": example})


class SearchQuery(BaseModel):
    """Every parameter `GET /api/v1/certificates` accepts, each with an example; a bad one is a 400 naming it."""

    model_config = ConfigDict(extra="ignore")
    q: str = _param(
        "What a person types: names (zh/en), scope words, a number or its start, a credit code. Words that name a "
        "place, star level, scheme, body or business type narrow that facet (see `understood`).",
        "朝阳区 超市",
    )
    scheme: str = _param("Scheme codes, comma-separated (any of them)", "GB/T 27922-2011")
    stars: str = _param("Star levels, comma-separated (any of them)", "4,5", pattern=_several("[1-5]"))
    status: str = _param(
        "Verdicts, comma-separated: " + ", ".join(REGISTER_VERDICTS),
        "valid",
        pattern=_several("(" + "|".join(REGISTER_VERDICTS) + ")"),
    )
    body: str = _param("Certification body codes, comma-separated", "CNCA-R-2016-188")
    region: str = _param(
        "GB/T 2260 region codes, comma-separated; a province or city includes everything under it",
        "110000",
        pattern=_several("[0-9]{6}"),
    )
    business_type: str = _param("Business type codes, comma-separated", "supermarket", pattern="^[a-z_, ]+$")
    sort: str = _param("Order of results", "stars", "relevance", enum=list(SORTS))
    page: int = _param("Page number, from 1", 1, 1, minimum=1, maximum=MAX_PAGE)
    per_page: int = _param(f"Results per page (max {MAX_PER_PAGE})", 20, 20, minimum=1, maximum=MAX_PER_PAGE)
    understand: str = _param(
        "0 to search every word of q as text", "1", "1", enum=["0", "1", "false", "true", "no", "yes"]
    )

    @field_validator(*FACETS)
    @classmethod
    def _allowed_values(cls, raw: str, info: ValidationInfo) -> str:
        _values, error = facet_values(str(info.field_name), raw)
        if error is not None:
            raise _refused(error)
        return raw

    @field_validator("sort")
    @classmethod
    def _offered_order(cls, raw: str) -> str:
        sort, error = sort_order(raw)
        if error is not None:
            raise _refused(error)
        return sort

    @field_validator("page", "per_page", mode="before")
    @classmethod
    def _whole_number(cls, raw: Any, info: ValidationInfo) -> int:
        name = str(info.field_name)
        default, high = (1, MAX_PAGE) if name == "page" else (20, MAX_PER_PAGE)
        value, error = whole_number(str(raw), name, default, 1, high)
        if error is not None:
            raise _refused(error)
        return value

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> SearchQuery:
        """The parameters of a query string; ValidationError (400) naming every bad one."""
        try:
            return cls.model_validate({name: args[name] for name in args})
        except PydanticError as exc:
            errors = [
                FieldError(str(e["loc"][0]), e["msg"], e.get("ctx", {}).get("message_zh", "格式不正确"))
                for e in exc.errors(include_url=False)
            ]
            raise ValidationError(errors, status=400) from None

    def request(self) -> SearchRequest:
        """The search this asks for."""
        filters = {facet: facet_values(facet, getattr(self, facet))[0] for facet in FACETS}
        return SearchRequest(
            q=self.q,
            filters={facet: values for facet, values in filters.items() if values},
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
            understand=understands(self.understand),
        )
