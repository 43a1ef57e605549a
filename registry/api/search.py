"""`GET /api/v1/certificates` (search and list the register, with facets) and `GET /api/v1/stats`."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from registry.api.docs import answers, described
from registry.api.representations import answer, certificate_out
from registry.certificates.schemas import StatsOut
from registry.certificates.stats import register_stats
from registry.certificates.validation import today
from registry.db import get_session
from registry.search import search_service
from registry.search.params import SearchQuery, search_request
from registry.search.schemas import SearchOut, UnderstoodOut

bp = Blueprint("api_search", __name__)


@bp.get("/api/v1/certificates")
@described(
    "searchCertificates",
    answers({200: (SearchOut, "One page of results with facet counts")}, (400, "Bad query parameter")),
    query=SearchQuery,
)
def list_certificates() -> ResponseReturnValue:
    """Search and list the register, with exact totals and facet counts."""
    req = search_request(request.args, strict=True)
    session = get_session()
    result = search_service().search(session, req)
    base_url = current_app.config["BASE_URL"]
    day = today()
    return answer(
        SearchOut(
            total=result.total,
            total_exact=True,
            page=result.page,
            per_page=result.per_page,
            items=[certificate_out(c, base_url, day) for c in result.certificates],
            facets=result.facets,
            understood=[UnderstoodOut(facet=c.facet, values=list(c.values), words=c.words) for c in result.chips],
            filters={name: list(values) for name, values in result.filters.items()},
            text=result.query.text,
        )
    )


@bp.get("/api/v1/stats")
@described("registerStats", answers({200: (StatsOut, "Register statistics")}))
def stats() -> ResponseReturnValue:
    """Counts by verdict, star level, scheme, body, region (a tree) and business type."""
    return answer(StatsOut.model_validate(register_stats(get_session(), today())))
