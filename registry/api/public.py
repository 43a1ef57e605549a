"""Public read endpoints: no key needed."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field

from registry.api.docs import answers, described
from registry.api.representations import (
    answer,
    certificate_as_of_out,
    certificate_out,
    event_out,
)
from registry.certificates.schemas import CertificateOut, HistoryOut
from registry.certificates.service import get_certificate, history, state_as_of
from registry.certificates.validation import today
from registry.db import get_session
from registry.errors import FieldError, NotFound, ValidationError
from registry.schemas import Output
from registry.schemes.schemas import SchemeListOut, SchemeOut
from registry.schemes.service import list_schemes

bp = Blueprint("api_public", __name__)
NUMBER = {"number": "The certificate number"}


class HealthOut(Output):
    status: Literal["ok"]


class AsOfQuery(BaseModel):
    """`as_of`, read by `parse_day`: a bad date is a 400 naming it."""

    as_of: dt.date | None = Field(default=None, description="The day to answer for: the state in effect then")


def parse_day(name: str, raw: str) -> dt.date:
    """A YYYY-MM-DD query parameter, or a 400 naming it."""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            [FieldError(name, f"{raw!r} is not a date in the form YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")], status=400
        ) from None


@bp.get("/healthz")
@described("health", answers({200: (HealthOut, "OK")}))
def healthz() -> ResponseReturnValue:
    """The service is up."""
    return answer(HealthOut(status="ok"))


@bp.get("/api/v1/schemes")
@described("listSchemes", answers({200: (SchemeListOut, "Schemes")}))
def schemes() -> ResponseReturnValue:
    """Every certification scheme: full score, star thresholds, validity, evaluation components."""
    items = [SchemeOut.model_validate(s.to_dict()) for s in list_schemes(get_session())]
    return answer(SchemeListOut(items=items, total=len(items)))


@bp.get("/api/v1/certificates/<path:number>/history")
@described(
    "getHistory",
    answers({200: (HistoryOut, "Events, oldest first")}, (404, "No such certificate")),
    path_parameter_descriptions=NUMBER,
)
def certificate_history(number: str) -> ResponseReturnValue:
    """A certificate's events, oldest first."""
    session = get_session()
    cert = get_certificate(session, number)
    return answer(HistoryOut(number=cert.number, events=[event_out(e) for e in history(session, cert)]))


@bp.get("/api/v1/certificates/<path:number>")
@described(
    "getCertificate",
    answers(
        {200: (CertificateOut, "The certificate")},
        (400, "Bad as_of date"),
        (404, "No such certificate (or not yet issued on as_of)"),
    ),
    query=AsOfQuery,
    path_parameter_descriptions=NUMBER,
)
def certificate(number: str) -> ResponseReturnValue:
    """One certificate with its verdict; with as_of, the state in effect that day."""
    session = get_session()
    base_url = current_app.config["BASE_URL"]
    raw = request.args.get("as_of")
    day = parse_day("as_of", raw) if raw is not None else None
    cert = get_certificate(session, number)
    if day is None:
        return answer(certificate_out(cert, base_url, today()))
    state = state_as_of(session, cert, day)
    if state is None:
        raise NotFound(
            f"certificate {cert.number} was not yet issued on {day.isoformat()} (issued {cert.issued.isoformat()})",
            f"证书 {cert.number} 在 {day.isoformat()} 尚未颁发（颁证日期 {cert.issued.isoformat()}）",
        )
    return answer(certificate_as_of_out(cert, state, base_url, day))
