"""Changing certificates: status changes, amendments, renewals, holder changes and new marks.

Which change may follow which status is `registry.certificates.rules.TRANSITIONS`; this module
checks the rest (dates, ratings against the scheme, who may act), applies the change to the row
and records it through the ledger.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from registry.certificates.holders import HOLDER_FIELDS, change_details, check_may_change, differences
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.rules import check_transition
from registry.certificates.schemas import EventIn
from registry.certificates.state import decimal_map, snapshot
from registry.certificates.validation import Collector, check_holder, check_rating, default_expiry, score_out
from registry.db import utcnow
from registry.errors import FieldError, ValidationError
from registry.organisations.names import name_key

if TYPE_CHECKING:
    from registry.bodies.models import CertificationBody
    from registry.certificates.unit import WriteUnit
    from registry.organisations.models import Organisation


def apply(reg: WriteUnit, number: str, event: EventIn) -> Certificate:
    """Apply one status change or amendment; illegal transitions raise Conflict."""
    cert = reg.get_for_change(number)
    effective = effective_day(reg, cert, event.effective)
    status = check_transition(event.type, cert.number, cert.status, cert.expires, effective)
    details: dict[str, Any] = CHANGES[event.type](reg, cert, event, effective)
    cert.status = status
    record(reg, cert, event.type, effective, event.reason, details)
    return cert


def record(
    reg: WriteUnit, cert: Certificate, kind: str, effective: dt.date, reason: str, details: dict[str, Any]
) -> None:
    """A new version of the certificate, and its event in the ledger."""
    cert.version += 1
    cert.updated_at = utcnow()
    reg.ledger.append(cert, kind, effective, reason, details, snapshot(cert))


def effective_day(reg: WriteUnit, cert: Certificate, given: dt.date | None) -> dt.date:
    """The day a change takes effect: not in the future, not before the last recorded change."""
    day = given or reg.clock()
    last = reg.session.scalar(
        select(CertificateEvent.effective)
        .where(CertificateEvent.certificate_id == cert.id)
        .order_by(CertificateEvent.seq.desc())
        .limit(1)
    )
    if day > reg.clock():
        raise ValidationError([FieldError("effective", "cannot be in the future", "生效日期不能晚于今天")])
    if last is not None and day < last:
        raise ValidationError(
            [
                FieldError(
                    "effective",
                    f"must be on or after the last recorded change ({last.isoformat()})",
                    f"不能早于上一次变更的生效日期（{last.isoformat()}）",
                )
            ]
        )
    return day


def _status_only(reg: WriteUnit, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
    return {}


def _renew(reg: WriteUnit, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
    expires = event.expires or default_expiry(day, cert.scheme)
    c = Collector()
    if expires <= cert.expires:
        c.add(
            "expires",
            f"must be after the current expiry ({cert.expires.isoformat()})",
            f"应晚于当前有效期（{cert.expires.isoformat()}）",
        )
    rate(c, cert, event)
    c.check()
    cert.expires = expires
    reg.remint(cert)
    return {"expires": expires.isoformat()} | rating_details(event)


def _amend(reg: WriteUnit, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
    fields = ("star_level", "score", "scope_zh", "scope_en", "sites", "evaluation")
    if not [f for f in fields if getattr(event, f) is not None]:
        raise ValidationError(
            [FieldError("type", f"amend needs at least one of {', '.join(fields)}", "变更至少需要一个字段")]
        )
    c = Collector()
    rate(c, cert, event)
    c.check()
    for f in ("scope_zh", "scope_en"):
        if getattr(event, f) is not None:
            setattr(cert, f, getattr(event, f))
    if event.sites is not None:
        cert.sites = list(event.sites)
    reg.remint(cert)
    details = {f: getattr(event, f) for f in ("scope_zh", "scope_en", "sites") if getattr(event, f) is not None}
    return details | rating_details(event)


def _surveillance(reg: WriteUnit, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
    if event.result is None:
        raise ValidationError(
            [FieldError("result", "surveillance needs a result: passed or failed", "监督结果必填：passed 或 failed")]
        )
    c = Collector()
    rate(c, cert, event)
    c.check()
    reg.remint(cert)
    return {"result": event.result} | rating_details(event)


def _holder(reg: WriteUnit, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
    diffs = differences(cert.holder, event.holder.model_dump() if event.holder is not None else {})
    if not diffs:
        raise ValidationError(
            [
                FieldError(
                    "holder",
                    f"a holder change needs one of {', '.join(HOLDER_FIELDS)} differing from the register",
                    "持证组织变更至少需要一项与登记信息不同的字段",
                )
            ]
        )
    return change_holder(reg, cert.holder, diffs, reg.body, event.reason, skip=cert)


# What each change does beyond its new status (rules.TRANSITIONS says which status it may follow).
CHANGES = {
    "suspend": _status_only,
    "reinstate": _status_only,
    "revoke": _status_only,
    "withdraw": _status_only,
    "renew": _renew,
    "amend": _amend,
    "surveillance": _surveillance,
    "holder": _holder,
}


def rate(c: Collector, cert: Certificate, event: EventIn) -> None:
    """Apply a new star level, score or evaluation, checked against the scheme."""
    if event.star_level is None and event.score is None and event.evaluation is None:
        return
    star = event.star_level if event.star_level is not None else cert.star_level
    score = event.score if event.score is not None else cert.score
    parsed = check_rating(c, cert.scheme, star, score)
    if event.evaluation is not None:
        unknown = sorted(set(event.evaluation) - {comp["code"] for comp in cert.scheme.components})
        if unknown:
            c.add("evaluation", f"{unknown[0]!r} is not a component of {cert.scheme.code}", "未知的评价项目")
    if c.errors or parsed is None:
        return
    cert.star_level, cert.score = star, parsed
    if event.evaluation is not None:
        cert.evaluation = decimal_map(event.evaluation)


def rating_details(event: EventIn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if event.star_level is not None:
        out["star_level"] = event.star_level
    if event.score is not None:
        out["score"] = score_out(event.score)
    if event.evaluation is not None:
        out["evaluation"] = decimal_map(event.evaluation)
    return out


def change_holder(
    reg: WriteUnit,
    holder: Organisation,
    diffs: dict[str, tuple[str, str]],
    body: CertificationBody | None,
    reason: str,
    *,
    skip: Certificate | None = None,
) -> dict[str, Any]:
    """Change a holder's details, recording a `holder` event on each of its certificates.

    `skip` is the certificate whose own event the caller records. Returns the event details.
    """
    check_may_change(reg.session, holder, body)
    c = Collector()
    merged = {f: getattr(holder, f) for f in HOLDER_FIELDS} | {f: new for f, (_, new) in diffs.items()}
    check_holder(c, merged | {"credit_code": holder.credit_code})
    c.check()
    details = change_details(diffs, holder.credit_code)
    for f, (_, new) in diffs.items():
        setattr(holder, f, new)
    # The keys officers' name lookups use (registry.verification.holders) follow the names.
    holder.name_key, holder.name_en_key = name_key(holder.name_zh), name_key(holder.name_en or "")
    day = reg.clock()
    affected = reg.session.scalars(
        select(Certificate).where(Certificate.holder_id == holder.id).order_by(Certificate.id)
    )
    for cert in affected:
        if cert is not skip:
            record(reg, cert, "holder", day, reason, details)
    return details


def remark(reg: WriteUnit, number: str, reason: str) -> Certificate:
    """Sign a fresh mark token for the certificate's current claims (e.g. after a key revocation)."""
    cert = reg.get_for_change(number)
    old = cert.token
    reg.remint(cert)
    if cert.token != old:
        record(reg, cert, "remark", reg.clock(), reason, {})
    return cert
