"""`GET /api/v1/certificates` (search and list the register, with facets) and `GET /api/v1/stats`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from registry.api.representations import certificate_json
from registry.certificates.stats import register_stats
from registry.certificates.validation import today
from registry.db import get_session
from registry.search import search_service
from registry.search.params import search_request

bp = Blueprint("api_search", __name__)


@bp.get("/api/v1/certificates")
def list_certificates() -> ResponseReturnValue:
    req = search_request(request.args, strict=True)
    session = get_session()
    result = search_service().search(session, req)
    base_url = current_app.config["BASE_URL"]
    day = today()
    return jsonify(
        total=result.total,
        total_exact=True,
        page=result.page,
        per_page=result.per_page,
        items=[certificate_json(c, base_url, day) for c in result.certificates],
        facets=result.facets,
        understood=[{"facet": c.facet, "values": list(c.values), "words": c.words} for c in result.chips],
        filters={name: list(values) for name, values in result.filters.items()},
        text=result.query.text,
    )


@bp.get("/api/v1/stats")
def stats() -> ResponseReturnValue:
    return jsonify(register_stats(get_session(), today()))
