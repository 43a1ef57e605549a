"""`GET /api/v1/certificates`: search and list the register, with facet counts."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from registry.api.representations import certificate_json
from registry.certificates.validation import today
from registry.db import get_session
from registry.errors import FieldError, ValidationError
from registry.organisations.business_types import BUSINESS_TYPES
from registry.search import search_service
from registry.search.query import SORTS
from registry.search.service import SearchRequest

bp = Blueprint("api_search", __name__)

MAX_PER_PAGE = 100
VERDICT_FILTERS = ("valid", "suspended", "revoked", "withdrawn", "expired")
TEXT_FILTERS = ("scheme", "body", "region")


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


def search_request(args: Mapping[str, str], *, strict: bool, per_page: int = 20) -> SearchRequest:
    """Search parameters from a query string. Strict (the API): a bad one is a 400; else it is ignored."""
    errors: list[FieldError] = []
    filters = {name: args.get(name, "").strip()[:64] for name in TEXT_FILTERS if args.get(name, "").strip()}
    choices = (
        ("stars", ("1", "2", "3", "4", "5"), "must be a star level from 1 to 5", "星级应为 1 到 5"),
        ("status", VERDICT_FILTERS, f"must be one of {', '.join(VERDICT_FILTERS)}", "状态取值无效"),
        ("business_type", BUSINESS_TYPES, f"must be one of {', '.join(BUSINESS_TYPES)}", "行业类型无效"),
    )
    for name, allowed, message, message_zh in choices:
        value = args.get(name, "").strip()
        if not value:
            continue
        if value in allowed:
            filters[name] = value
        else:
            errors.append(FieldError(name, message, message_zh))
    sort = args.get("sort", "").strip() or "relevance"
    if sort not in SORTS:
        errors.append(FieldError("sort", f"must be one of {', '.join(SORTS)}", "排序方式无效"))
        sort = "relevance"
    page = _int(args, "page", 1, 1, 100_000, errors)
    size = _int(args, "per_page", per_page, 1, MAX_PER_PAGE, errors)
    if errors and strict:
        raise ValidationError(errors, status=400)
    if not strict:
        page = min(max(page, 1), 100_000)
        size = min(max(size, 1), MAX_PER_PAGE)
        filters = {k: v for k, v in filters.items() if k not in {e.field for e in errors}}
    return SearchRequest(q=args.get("q", ""), filters=filters, sort=sort, page=page, per_page=size)


@bp.get("/api/v1/certificates")
def list_certificates() -> ResponseReturnValue:
    req = search_request(request.args, strict=True)
    session = get_session()
    result = search_service().search(session, req)
    base_url = current_app.config["BASE_URL"]
    day = today()
    return jsonify(
        total=result.total,
        total_exact=result.exact,
        page=result.page,
        per_page=result.per_page,
        items=[certificate_json(c, base_url, day) for c in result.certificates],
        facets=result.facets,
    )
