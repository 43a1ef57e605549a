"""`POST /api/v1/reports`: anyone may report a suspicious mark or certificate; no account, no personal data."""

from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue
from pydantic import ValidationError as PydanticError

from registry.api.docs import answers, described
from registry.api.representations import answer
from registry.api.write import json_body
from registry.certificates.schemas import field_errors
from registry.db import get_session
from registry.errors import ValidationError
from registry.reports.schemas import ReportIn, ReportOut
from registry.reports.service import file_report
from registry.verification import current_verifier

bp = Blueprint("api_reports", __name__, url_prefix="/api/v1")


@bp.post("/reports")
@described(
    "fileReport",
    answers(
        {201: (ReportOut, "Stored")},
        (400, "Malformed JSON"),
        (413, "Too large"),
        (415, "Not JSON"),
        (422, "Validation failed"),
    ),
    json=ReportIn,
)
def create() -> ResponseReturnValue:
    """Report a suspicious mark or certificate (no account, no personal data needed)."""
    try:
        data = ReportIn.model_validate(json_body())
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None
    session = get_session()
    report = file_report(session, current_verifier(), data)
    response = answer(ReportOut(id=report.id), 201)
    response.headers["Cache-Control"] = "no-store"
    return response
