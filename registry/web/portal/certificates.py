"""The body's certificates: list with search and filters, one certificate with its history and changes."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from registry.certificates.listing import STATUS_FILTERS, Filters, body_certificate, body_certificates
from registry.certificates.models import FINAL_STATUSES, Certificate
from registry.certificates.schemas import EVENT_TYPES, parse_event
from registry.certificates.service import Register, history
from registry.certificates.validation import score_out, today
from registry.certificates.verdicts import verdict_of
from registry.db import get_session, rollback
from registry.errors import Conflict, FieldError, Forbidden, ValidationError
from registry.schemes.models import Scheme
from registry.signing.service import current_minter
from registry.web.i18n import pick
from registry.web.portal import actor, bp, lurl, me, staff_required

PER_PAGE = 50
ACTION_NAMES = {
    "suspend": lazy_gettext("Suspend"),
    "reinstate": lazy_gettext("Reinstate"),
    "revoke": lazy_gettext("Revoke"),
    "withdraw": lazy_gettext("Withdraw"),
    "renew": lazy_gettext("Renew"),
    "amend": lazy_gettext("Amend star level, score or scope"),
    "surveillance": lazy_gettext("Record a surveillance audit"),
}
# Form fields each kind of change takes besides the reason and the effective date.
EVENT_FIELDS = {
    "suspend": (),
    "reinstate": (),
    "revoke": (),
    "withdraw": (),
    "renew": ("expires", "star_level", "score"),
    "amend": ("star_level", "score", "scope_zh", "scope_en"),
    "surveillance": ("result", "star_level", "score"),
}


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.get("/")
@staff_required
def certificates() -> ResponseReturnValue:
    args = request.args
    filters = Filters(
        q=args.get("q", "").strip()[:200],
        status=args.get("status", "") if args.get("status", "") in STATUS_FILTERS else "",
        scheme=args.get("scheme", "").strip()[:64],
        stars=_int(args.get("stars")) if _int(args.get("stars")) in range(1, 6) else None,
    )
    page = max(1, min(_int(args.get("page")) or 1, 10_000))
    db = get_session()
    day = today()
    items, total = body_certificates(db, me().body, filters, day, page=page, per_page=PER_PAGE)
    schemes = list(db.scalars(select(Scheme.code).order_by(Scheme.code)))
    return render_template(
        "portal/certificates.html",
        items=items,
        total=total,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        filters=filters,
        schemes=schemes,
        statuses=STATUS_FILTERS,
        verdict=lambda c: verdict_of(c.status, c.expires, day),
    )


def available_actions(cert: Certificate, verdict: str) -> list[str]:
    """The changes that make sense from the certificate's state (the service enforces them anyway)."""
    if cert.status in FINAL_STATUSES:
        return []
    if verdict == "expired":
        return ["renew", "revoke", "withdraw"]
    if cert.status == "suspended":
        return ["reinstate", "revoke", "withdraw", "amend", "surveillance"]
    return ["suspend", "revoke", "withdraw", "renew", "amend", "surveillance"]


def _page(
    cert: Certificate,
    *,
    errors: list[FieldError] | None = None,
    message: str | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    verdict = verdict_of(cert.status, cert.expires, today())
    return (
        render_template(
            "portal/certificate.html",
            cert=cert,
            verdict=verdict,
            score=score_out(cert.score),
            events=history(get_session(), cert),
            actions=available_actions(cert, verdict),
            event_fields=EVENT_FIELDS,
            action_names=ACTION_NAMES,
            errors=errors or [],
            message=message,
            form=form or {},
            today=today().isoformat(),
        ),
        status,
    )


@bp.get("/certificates/<path:number>")
@staff_required
def certificate(number: str) -> ResponseReturnValue:
    cert = body_certificate(get_session(), me().body, number)
    if cert is None:
        abort(404)
    return _page(cert)


def event_from_form(form: dict[str, str]) -> dict[str, Any]:
    """The event document the API would receive, from the change form's filled-in fields."""
    kind = form.get("type", "")
    doc: dict[str, Any] = {"type": kind}
    for name in ("reason", "effective", *EVENT_FIELDS.get(kind, ())):
        value = (form.get(name) or "").strip()
        if value:
            doc[name] = value
    return doc


@bp.post("/certificates/<path:number>/events")
@staff_required
def change(number: str) -> ResponseReturnValue:
    db = get_session()
    form = request.form.to_dict()
    if form.get("type") not in EVENT_TYPES:
        abort(400)
    try:
        event = parse_event(event_from_form(form))
        register = Register(db, actor(), body=me().body, minter=current_minter())
        cert = register.apply(number, event)
    except ValidationError as exc:
        rollback(db)
        return _page(_own(number), errors=exc.errors, form=form, status=422)
    except Conflict as exc:
        rollback(db)
        return _page(_own(number), message=pick(exc.detail_zh, exc.detail), form=form, status=409)
    except Forbidden as exc:
        # Another body's certificate stays an error page; one's own body being suspended is said here.
        rollback(db)
        own = body_certificate(db, me().body, number)
        if own is None:
            raise
        return _page(own, message=pick(exc.detail_zh, exc.detail), form=form, status=403)
    flash(_("The change has been recorded and published."), "success")
    return redirect(lurl("portal.certificate", number=cert.number))


def _own(number: str) -> Certificate:
    cert = body_certificate(get_session(), me().body, number)
    if cert is None:
        abort(404)
    return cert
