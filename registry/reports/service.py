"""Filing and listing reports. A report names a mark or a number; the register supplies the rest."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.bodies.service import get_body
from registry.certificates.service import find_certificate
from registry.reports.models import Report
from registry.reports.schemas import ReportIn
from registry.signing.offline import parse_mark_input
from registry.verification.core import Verifier

CSV_COLUMNS = ("id", "created_at", "kind", "verdict", "number", "body", "location", "message", "contact", "token")


def file_report(session: Session, verifier: Verifier, data: ReportIn) -> Report:
    """Store a report with the certificate it names (when there is one) and that certificate's body."""
    if data.token is not None:
        token = parse_mark_input(data.token).token or "".join(data.token.split()).upper()
        result = verifier.verify_token(data.token, token, None)
        # A forged mark still names a number; its body wants to know that its name is being used.
        number = result.number or (result.mark.claims.number if result.mark is not None else None)
    else:
        token = None
        result = verifier.verify(data.number or "")
        number = result.number
    cert = result.certificate or (find_certificate(session, number) if number else None)
    report = Report(
        kind=data.kind,
        token=token[:400] if token else None,
        number=(number or "")[:60] or None,
        verdict="unreadable" if result.unreadable else result.verdict,
        certificate_id=cert.id if cert is not None else None,
        body_id=cert.body_id if cert is not None else None,
        message=data.message,
        location=data.location,
        contact=data.contact,
    )
    session.add(report)
    session.flush()
    return report


def list_reports(session: Session, body_code: str | None = None, since: dt.date | None = None) -> list[Report]:
    """Reports, oldest first; only one body's with `body_code`, only those filed on or after `since`."""
    query = select(Report).options(selectinload(Report.body)).order_by(Report.created_at, Report.id)
    if body_code is not None:
        query = query.where(Report.body_id == get_body(session, body_code).id)
    if since is not None:
        query = query.where(Report.created_at >= dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC))
    return list(session.scalars(query))


def report_row(report: Report) -> dict[str, str]:
    """One report as text columns (CSV_COLUMNS), for the CLI and CSV files."""
    return {
        "id": str(report.id),
        "created_at": report.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "kind": report.kind,
        "verdict": report.verdict,
        "number": report.number or "",
        "body": report.body.code if report.body is not None else "",
        "location": report.location,
        "message": report.message,
        "contact": report.contact,
        "token": report.token or "",
    }
