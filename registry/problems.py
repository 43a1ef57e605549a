"""RFC 9457 problem documents: how every error looks to an API client."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException

from registry.errors import RegistryError, ValidationError
from registry.schemas import Output

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class FieldErrorOut(Output):
    field: str
    message: str
    message_zh: str


class Problem(Output):
    """RFC 9457 problem details; a validation problem names every field at fault."""

    type: str
    title: str
    status: int
    detail: str
    detail_zh: str | None = None
    errors: list[FieldErrorOut] | None = None


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A problem+json response."""
    slug = title.lower().replace(" ", "-")
    body = Problem(type=f"/problems/{slug}", title=title, status=status, detail=detail, **extra)
    response = jsonify(body.model_dump(mode="json", exclude_unset=True))
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def wants_problem_json() -> bool:
    """Whether the current request is an API call (answered in JSON, never HTML)."""
    path = request.path
    return path.startswith("/api/") or path in ("/healthz", "/.well-known/jwks.json")


def registry_error(exc: RegistryError) -> Response:
    extra: dict[str, Any] = {}
    if exc.detail_zh:
        extra["detail_zh"] = exc.detail_zh
    if isinstance(exc, ValidationError):
        extra["errors"] = [e.to_dict() for e in exc.errors]
    return problem(exc.status, exc.title, exc.detail, **extra)


def http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    details = {
        404: "No such resource. The API is described at /api/v1/openapi.json.",
        405: f"{request.method} is not allowed here.",
        413: "The request body is larger than this registry accepts.",
    }
    response = problem(status, exc.name, details.get(status, exc.description or exc.name))
    if status == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


def unexpected_error(exc: Exception) -> Response:
    # Never echo the exception: it may carry SQL, paths or secrets.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return problem(500, "Internal Server Error", "Something went wrong on our side; it has been logged.")
