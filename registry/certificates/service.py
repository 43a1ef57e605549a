"""The register's write and read operations on certificates (plain Python over a session)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.bulk import write_bulk
from registry.certificates.chain import event_content, event_hash
from registry.certificates.holders import (
    HOLDER_FIELDS,
    change_details,
    check_may_change,
    details_conflict,
    differences,
)
from registry.certificates.models import (
    FINAL_STATUSES,
    Certificate,
    CertificateEvent,
    ChainHead,
)
from registry.certificates.schemas import CertificateIn, EventIn
from registry.certificates.validation import (
    Collector,
    check_dates,
    check_holder,
    check_rating,
    default_expiry,
    number_problem,
    number_skeleton,
    score_out,
    today,
)
from registry.db import before_commit, utcnow
from registry.errors import Conflict, FieldError, Forbidden, NotFound, ValidationError
from registry.organisations.models import Organisation
from registry.organisations.names import name_key
from registry.schemes.models import Scheme
from registry.transparency import schedule_publish


@dataclass
class BatchResult:
    """What a batch issuance did: counts, the stored certificates, and every error by index."""

    created: int = 0
    unchanged: int = 0
    certificates: list[Certificate] = field(default_factory=list)
    errors: list[tuple[int, FieldError]] = field(default_factory=list)
    # True when an error was a conflict with the register (a number already taken), not bad input.
    conflict: bool = False


@dataclass(frozen=True)
class Actor:
    """Who makes a change, as recorded in the event: e.g. "body:CNCA-R-2017-101 key:scr_ab12"."""

    name: str
    request_id: str | None = None


class Minter(Protocol):
    """Makes the signed mark token for a certificate's current claims."""

    def mint(self, certificate: Certificate) -> str: ...


def snapshot(cert: Certificate) -> dict[str, Any]:
    """The certificate's state as recorded in an event."""
    return state_of(cert, cert.scheme.code, cert.body.code, cert.holder.credit_code)


def state_of(values: Any, scheme: str, body: str, holder: str) -> dict[str, Any]:
    """An event's state from anything with the certificate's attributes."""
    return {
        "status": values.status,
        "star_level": values.star_level,
        "score": score_out(values.score),
        "scope_zh": values.scope_zh,
        "scope_en": values.scope_en,
        "sites": list(values.sites),
        "issued": values.issued.isoformat(),
        "expires": values.expires.isoformat(),
        "scheme": scheme,
        "body": body,
        "holder": holder,
        "token": values.token,
        "version": values.version,
    }


def _decimal_map(values: dict[str, Decimal]) -> dict[str, int | float]:
    return {k: score_out(v) for k, v in sorted(values.items())}


class Register:
    """One unit of work on the register, acting as one actor.

    `body` limits the work to that certification body's certificates (None: operator).
    Methods only flush; the caller commits once.
    """

    def __init__(
        self,
        session: Session,
        actor: Actor,
        *,
        body: CertificationBody | None = None,
        minter: Minter | None = None,
        clock: Callable[[], dt.date] = today,
    ) -> None:
        self.session = session
        self.actor = actor
        self.body = body
        self.minter = minter
        self.clock = clock
        self._head: ChainHead | None = None
        self._schemes: dict[str, Scheme] = {}
        self._holders: dict[str, Organisation] = {}
        # Credit codes a batch already looked up and did not find (saves a query per row).
        self._absent_holders: set[str] = set()
        # Set by issue_many(check_only=True): check everything, change nothing.
        self.check_only = False
        # Holders new in this unit of work, as first stated: later items must agree.
        self._new_holders: dict[str, dict[str, str]] = {}

    # -- issuing ---------------------------------------------------------------------------

    def issue(self, data: CertificateIn, body: CertificationBody | None = None) -> tuple[Certificate, bool]:
        """Register a new certificate; returns (certificate, created).

        An identical re-issue returns the stored certificate and writes nothing; a
        different one under a number already taken raises Conflict.
        """
        body = body or self.body
        if body is None:
            raise ValidationError([FieldError("body", "is required", "必须指定认证机构")])
        scheme, expires = self.check_issue(data)
        existing = self.session.scalar(select(Certificate).where(Certificate.number == data.number))
        if existing is not None:
            return self._reissue(existing, data, body, expires), False
        self._refuse_look_alike(data.number, self._look_alikes([data.number]))
        return self._issue_new(data, body, scheme, expires), True

    def _issue_new(self, data: CertificateIn, body: CertificationBody, scheme: Scheme, expires: dt.date) -> Certificate:
        check_may_publish(body)
        holder = self._holder_for(data, body) or self._new_holder(data)
        cert = Certificate(
            number=data.number,
            number_skeleton=number_skeleton(data.number),
            scheme=scheme,
            holder=holder,
            body=body,
            star_level=data.star_level,
            score=data.score,
            scope_zh=data.scope_zh,
            scope_en=data.scope_en,
            sites=list(data.sites),
            evaluation=_decimal_map(data.evaluation),
            issued=data.issued,
            expires=expires,
            status="valid",
            version=1,
            created_at=utcnow(),
            updated_at=utcnow(),
        )
        self.session.add(cert)
        self._remint(cert)
        self._record(cert, "issue", data.issued, "", {"evaluation": cert.evaluation})
        return cert

    def issue_many(
        self,
        items: Iterable[tuple[int, CertificateIn | ValidationError]],
        body: CertificationBody | None = None,
        *,
        keep: bool = True,
        release: bool = False,
        chunk: int = 500,
        on_item: Callable[[], None] | None = None,
        check_only: bool = False,
        on_chunk: Callable[[], None] | None = None,
    ) -> BatchResult:
        """Issue many certificates, all or nothing, reporting every bad item by its index.

        Items arrive as (index, parsed input or the ValidationError from parsing it). Once
        any item fails, later items are still checked but nothing more is written; the
        caller rolls back when `result.errors` is not empty.

        `check_only` runs every check and writes nothing (no lock is taken). `on_chunk` runs
        after each chunk is flushed: a long import commits there, so the register's write
        lock is held for one chunk at a time, never for the whole file.
        """
        body = body or self.body
        if body is None:
            raise ValidationError([FieldError("body", "is required", "必须指定认证机构")])
        result = BatchResult()
        self.check_only = check_only
        seen: dict[str, int] = {}
        # Skeletons of the numbers this call issues, so that later items cannot look like them.
        issued_skeletons: dict[str, str] = {}
        buffer: list[tuple[int, CertificateIn | ValidationError]] = []
        # keep=False writes through the bulk path (same checks, same rows, no ORM object per row)
        # and returns no objects; release=True also empties the session after each chunk.
        bulk: list[tuple[CertificateIn, Scheme, dt.date]] = []

        def drain() -> None:
            numbers = [d.number for _, d in buffer if isinstance(d, CertificateIn)]
            with self.session.no_autoflush:
                existing = (
                    {
                        c.number: c
                        for c in self.session.scalars(select(Certificate).where(Certificate.number.in_(numbers)))
                    }
                    if numbers
                    else {}
                )
                codes = [d.holder.credit_code for _, d in buffer if isinstance(d, CertificateIn)]
                for org in self.session.scalars(select(Organisation).where(Organisation.credit_code.in_(codes))):
                    self._holders[org.credit_code] = org
                self._absent_holders = {c for c in codes if c not in self._holders}
                look_alikes = self._look_alikes([n for n in numbers if n not in existing]) | issued_skeletons
                for index, data in buffer:
                    if on_item is not None:
                        on_item()
                    try:
                        if isinstance(data, ValidationError):
                            raise data
                        if data.number in seen:
                            raise ValidationError(
                                [
                                    FieldError(
                                        "number",
                                        f"duplicates item {seen[data.number]}",
                                        f"与第 {seen[data.number]} 项重复",
                                    )
                                ]
                            )
                        seen[data.number] = index
                        scheme, expires = self.check_issue(data)
                        if data.number in existing:
                            cert = self._reissue(existing[data.number], data, body, expires)
                            result.unchanged += 1
                        else:
                            self._refuse_look_alike(data.number, look_alikes)
                            # Later items of the batch must not look like this one either.
                            look_alikes.setdefault(number_skeleton(data.number), data.number)
                            issued_skeletons.setdefault(number_skeleton(data.number), data.number)
                        if data.number in existing:
                            pass
                        elif result.errors:
                            continue
                        elif keep:
                            cert = self._issue_new(data, body, scheme, expires)
                            result.created += 1
                        else:
                            check_may_publish(body)
                            if self._holder_for(data, body) is None:
                                self._note_new_holder(data)
                            bulk.append((data, scheme, expires))
                            result.created += 1
                            continue
                        if keep:
                            result.certificates.append(cert)
                    except ValidationError as exc:
                        result.errors.extend((index, e) for e in exc.errors)
                    except Conflict as exc:
                        result.conflict = True
                        field_name = getattr(exc, "field", "number")
                        result.errors.append((index, FieldError(field_name, exc.detail, exc.detail_zh)))
            buffer.clear()
            if not result.errors and not check_only:
                if bulk:
                    write_bulk(self, body, bulk)
                self.session.flush()
                if on_chunk is not None:
                    on_chunk()
            bulk.clear()
            if release:
                # Long imports: keep memory flat by letting go of what is already flushed.
                self.session.expunge_all()
                self._head = None
                self._schemes.clear()
                self._holders.clear()
                self.session.add(body)

        for item in items:
            buffer.append(item)
            if len(buffer) >= chunk:
                drain()
        drain()
        return result

    def check_issue(self, data: CertificateIn) -> tuple[Scheme, dt.date]:
        """Validate an issuance against the schemes and reference data; returns (scheme, expires)."""
        c = Collector()
        problem = number_problem(data.number)
        if problem:
            c.errors.append(problem)
        scheme = self._scheme(data.scheme)
        if scheme is None:
            c.add("scheme", f"unknown scheme {data.scheme!r}", f"未知的认证方案 {data.scheme!r}")
        check_holder(c, data.holder.model_dump())
        expires = data.expires
        if scheme is not None:
            check_rating(c, scheme, data.star_level, data.score)
            unknown = sorted(set(data.evaluation) - {comp["code"] for comp in scheme.components})
            if unknown:
                c.add(
                    "evaluation",
                    f"{unknown[0]!r} is not a component of {scheme.code}",
                    f"{unknown[0]!r} 不是 {scheme.code} 的评价项目",
                )
            if expires is None:
                expires = default_expiry(data.issued, scheme)
        check_dates(c, data.issued, expires)
        c.check()
        assert scheme is not None and expires is not None
        return scheme, expires

    def _reissue(
        self, cert: Certificate, data: CertificateIn, body: CertificationBody, expires: dt.date
    ) -> Certificate:
        if cert.body_id != body.id:
            raise Conflict(
                f"certificate {cert.number} is registered by another certification body",
                f"证书 {cert.number} 已由其他认证机构登记",
            )
        wanted = {
            "scheme": data.scheme,
            "holder.credit_code": data.holder.credit_code,
            "holder.name_zh": data.holder.name_zh,
            "star_level": data.star_level,
            "score": score_out(data.score),
            "scope_zh": data.scope_zh,
            "scope_en": data.scope_en,
            "issued": data.issued,
            "expires": expires,
            "sites": list(data.sites),
        }
        stored = {
            "scheme": cert.scheme.code,
            "holder.credit_code": cert.holder.credit_code,
            "holder.name_zh": cert.holder.name_zh,
            "star_level": cert.star_level,
            "score": score_out(cert.score),
            "scope_zh": cert.scope_zh,
            "scope_en": cert.scope_en,
            "issued": cert.issued,
            "expires": cert.expires,
            "sites": list(cert.sites),
        }
        differing = [k for k in wanted if wanted[k] != stored[k]]
        if differing:
            raise Conflict(
                f"certificate {cert.number} is already registered with different "
                f"{', '.join(differing)}; use an event (amend, renew) to change it",
                f"证书 {cert.number} 已登记且内容不同（{', '.join(differing)}）；请通过变更事件修改",
            )
        return cert

    def _look_alikes(self, numbers: list[str]) -> dict[str, str]:
        """Registered numbers that look like any of `numbers`, by skeleton: {skeleton: number}."""
        skeletons = {number_skeleton(n) for n in numbers}
        if not skeletons:
            return {}
        rows = self.session.execute(
            select(Certificate.number_skeleton, Certificate.number).where(Certificate.number_skeleton.in_(skeletons))
        )
        return {skeleton: number for skeleton, number in rows if skeleton is not None}

    @staticmethod
    def _refuse_look_alike(number: str, look_alikes: dict[str, str]) -> None:
        other = look_alikes.get(number_skeleton(number))
        if other is not None and other != number:
            raise Conflict(
                f"certificate number {number} looks like {other}, which is already registered "
                "(O and 0, I, L and 1, repeated '-' or '/' read alike); choose a distinct number",
                f"证书编号 {number} 与已登记的 {other} 易混淆（O 与 0、I/L 与 1、重复的分隔符），请使用可区分的编号",
            )

    def _scheme(self, code: str) -> Scheme | None:
        if code not in self._schemes:
            scheme = self.session.scalar(select(Scheme).where(Scheme.code == code))
            if scheme is None:
                return None
            self._schemes[code] = scheme
        return self._schemes[code]

    def _holder_for(self, data: CertificateIn, body: CertificationBody) -> Organisation | None:
        """The registered holder an issuance names (None if new), after checking its stated details.

        Other details are a Conflict, unless the issuance asks to change them and `body` may.
        """
        h = data.holder
        holder = self._holders.get(h.credit_code)
        if holder is None and h.credit_code not in self._absent_holders:
            holder = self.session.scalar(select(Organisation).where(Organisation.credit_code == h.credit_code))
        if holder is None:
            return None
        self._holders[h.credit_code] = holder
        stated = h.model_dump()
        # An issuance without an English name leaves the registered one alone.
        stated["name_en"] = stated["name_en"] or None
        diffs = differences(holder, stated)
        if diffs:
            if not data.update_holder:
                raise details_conflict(h.credit_code, diffs)
            if self.check_only:
                check_may_change(self.session, holder, body)
                return holder
            self.change_holder(holder, diffs, body, f"holder details updated with the issuance of {data.number}")
        return holder

    def _note_new_holder(self, data: CertificateIn) -> dict[str, str]:
        """Remember a holder first named in this unit of work; later items must state the same details."""
        h = data.holder
        stated = {f: getattr(h, f) for f in HOLDER_FIELDS}
        first = self._new_holders.setdefault(h.credit_code, stated)
        diffs = {f: (first[f], stated[f]) for f in HOLDER_FIELDS if first[f] != stated[f]}
        if diffs:
            raise details_conflict(h.credit_code, diffs)
        return stated

    def _new_holder(self, data: CertificateIn) -> Organisation:
        stated = self._note_new_holder(data)
        holder = Organisation(
            credit_code=data.holder.credit_code,
            **stated,
            name_key=name_key(stated["name_zh"]),
            name_en_key=name_key(stated["name_en"] or ""),
        )
        self.session.add(holder)
        self._holders[data.holder.credit_code] = holder
        return holder

    def change_holder(
        self,
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
        check_may_change(self.session, holder, body)
        c = Collector()
        merged = {f: getattr(holder, f) for f in HOLDER_FIELDS} | {f: new for f, (_, new) in diffs.items()}
        check_holder(c, merged | {"credit_code": holder.credit_code})
        c.check()
        details = change_details(diffs, holder.credit_code)
        for f, (_, new) in diffs.items():
            setattr(holder, f, new)
        # The keys officers' name lookups use (registry.verification.holders) follow the names.
        holder.name_key, holder.name_en_key = name_key(holder.name_zh), name_key(holder.name_en or "")
        day = self.clock()
        affected = self.session.scalars(
            select(Certificate).where(Certificate.holder_id == holder.id).order_by(Certificate.id)
        )
        for cert in affected:
            if cert is skip:
                continue
            cert.version += 1
            cert.updated_at = utcnow()
            self._record(cert, "holder", day, reason, details)
        return details

    # -- changes ---------------------------------------------------------------------------

    def apply(self, number: str, event: EventIn) -> Certificate:
        """Apply one status change or amendment; illegal transitions raise Conflict."""
        cert = self.get_for_change(number)
        effective = self._effective(cert, event.effective)
        handler = getattr(self, f"_on_{event.type}")
        details: dict[str, Any] = handler(cert, event, effective)
        cert.version += 1
        cert.updated_at = utcnow()
        self._record(cert, event.type, effective, event.reason, details)
        return cert

    def suspend(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="suspend", reason=reason, effective=effective))

    def reinstate(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="reinstate", reason=reason, effective=effective))

    def revoke(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="revoke", reason=reason, effective=effective))

    def withdraw(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="withdraw", reason=reason, effective=effective))

    def get_for_change(self, number: str) -> Certificate:
        """The certificate to change, if this actor may change it."""
        cert = get_certificate(self.session, number)
        if self.body is not None and cert.body_id != self.body.id:
            raise Forbidden(
                f"certificate {cert.number} belongs to another certification body",
                f"证书 {cert.number} 属于其他认证机构",
            )
        if self.body is not None:
            check_may_publish(self.body)
        return cert

    def _effective(self, cert: Certificate, given: dt.date | None) -> dt.date:
        day = given or self.clock()
        last = self.session.scalar(
            select(CertificateEvent.effective)
            .where(CertificateEvent.certificate_id == cert.id)
            .order_by(CertificateEvent.seq.desc())
            .limit(1)
        )
        if day > self.clock():
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

    def _not_final(self, cert: Certificate, action: str) -> None:
        if cert.status in FINAL_STATUSES:
            raise Conflict(
                f"certificate {cert.number} is {cert.status}, which is final; it cannot be {action}",
                f"证书 {cert.number} 已{_ZH_STATUS[cert.status]}，不可再变更",
            )

    def _not_expired(self, cert: Certificate, day: dt.date, action: str) -> None:
        if cert.expires < day:
            raise Conflict(
                f"certificate {cert.number} expired on {cert.expires.isoformat()}; it cannot be {action}, only renewed",
                f"证书 {cert.number} 已于 {cert.expires.isoformat()} 过期，只能换证（renew）",
            )

    def _on_suspend(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "suspended")
        if cert.status == "suspended":
            raise Conflict(f"certificate {cert.number} is already suspended", "证书已处于暂停状态")
        self._not_expired(cert, day, "suspended")
        cert.status = "suspended"
        return {}

    def _on_reinstate(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        if cert.status != "suspended":
            raise Conflict(
                f"certificate {cert.number} is {cert.status}; only a suspended certificate can be reinstated",
                f"证书 {cert.number} 当前为{_ZH_STATUS[cert.status]}，只有暂停的证书可以恢复",
            )
        self._not_expired(cert, day, "reinstated")
        cert.status = "valid"
        return {}

    def _on_revoke(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "revoked")
        cert.status = "revoked"
        return {}

    def _on_withdraw(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "withdrawn")
        cert.status = "withdrawn"
        return {}

    def _on_renew(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "renewed")
        if cert.status == "suspended":
            raise Conflict(
                f"certificate {cert.number} is suspended; reinstate it before renewing",
                "证书处于暂停状态，请先恢复再换证",
            )
        expires = event.expires or default_expiry(day, cert.scheme)
        c = Collector()
        if expires <= cert.expires:
            c.add(
                "expires",
                f"must be after the current expiry ({cert.expires.isoformat()})",
                f"应晚于当前有效期（{cert.expires.isoformat()}）",
            )
        self._rate(c, cert, event)
        c.check()
        cert.expires = expires
        cert.status = "valid"
        self._remint(cert)
        return {"expires": expires.isoformat()} | self._rating_details(event)

    def _on_amend(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "amended")
        fields = ("star_level", "score", "scope_zh", "scope_en", "sites", "evaluation")
        given = [f for f in fields if getattr(event, f) is not None]
        if not given:
            raise ValidationError(
                [FieldError("type", f"amend needs at least one of {', '.join(fields)}", "变更至少需要一个字段")]
            )
        c = Collector()
        self._rate(c, cert, event)
        c.check()
        for f in ("scope_zh", "scope_en"):
            if getattr(event, f) is not None:
                setattr(cert, f, getattr(event, f))
        if event.sites is not None:
            cert.sites = list(event.sites)
        self._remint(cert)
        details = {f: getattr(event, f) for f in ("scope_zh", "scope_en", "sites") if getattr(event, f) is not None}
        return details | self._rating_details(event)

    def _on_surveillance(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "surveilled")
        if event.result is None:
            raise ValidationError(
                [
                    FieldError(
                        "result", "surveillance needs a result: passed or failed", "监督结果必填：passed 或 failed"
                    )
                ]
            )
        c = Collector()
        self._rate(c, cert, event)
        c.check()
        self._remint(cert)
        return {"result": event.result} | self._rating_details(event)

    def _on_holder(self, cert: Certificate, event: EventIn, day: dt.date) -> dict[str, Any]:
        self._not_final(cert, "changed")
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
        return self.change_holder(cert.holder, diffs, self.body, event.reason, skip=cert)

    def _rate(self, c: Collector, cert: Certificate, event: EventIn) -> None:
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
            cert.evaluation = _decimal_map(event.evaluation)

    @staticmethod
    def _rating_details(event: EventIn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if event.star_level is not None:
            out["star_level"] = event.star_level
        if event.score is not None:
            out["score"] = score_out(event.score)
        if event.evaluation is not None:
            out["evaluation"] = _decimal_map(event.evaluation)
        return out

    # -- events and marks ------------------------------------------------------------------

    def remark(self, number: str, reason: str) -> Certificate:
        """Sign a fresh mark token for the certificate's current claims (e.g. after a key revocation)."""
        cert = self.get_for_change(number)
        old = cert.token
        self._remint(cert)
        if cert.token == old:
            return cert
        cert.version += 1
        cert.updated_at = utcnow()
        self._record(cert, "remark", self.clock(), reason, {})
        return cert

    def _remint(self, cert: Certificate) -> None:
        if self.minter is not None:
            cert.token = self.minter.mint(cert)

    def _lock_head(self) -> ChainHead:
        """Take the chain head for this unit of work (a row lock; SQLite's write lock)."""
        if self._head is None:
            # Writing first makes SQLite take its write lock before we read the head, and
            # row-locks it on PostgreSQL, so concurrent writers chain one after another.
            self.session.execute(update(ChainHead).where(ChainHead.id == 1).values(seq=ChainHead.seq))
            head = self.session.get(ChainHead, 1, populate_existing=True)
            if head is None:
                raise RuntimeError("the register's chain head is missing: run `flask --app registry db upgrade`")
            self._head = head
            # After the commit, the transparency log appends this unit's events.
            schedule_publish(self.session)
            # Subscribers that must commit with the events: the webhook outbox, for every event after here.
            # (Imported here: the outbox reads certificates, so a module-level import would be circular.)
            from registry.watches.outbox import fill_outbox

            before_commit(self.session, "webhook-outbox", partial(fill_outbox, self.session, head.seq))
        return self._head

    def _record(
        self, cert: Certificate, kind: str, effective: dt.date, reason: str, details: dict[str, Any]
    ) -> CertificateEvent:
        head = self._lock_head()
        event = CertificateEvent(
            seq=head.seq + 1,
            certificate=cert,
            type=kind,
            effective=effective,
            recorded_at=utcnow(),
            actor=self.actor.name,
            request_id=self.actor.request_id,
            reason=reason,
            details=details,
            state=snapshot(cert),
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, event_content(event, cert.number))
        head.seq, head.hash = event.seq, event.hash
        self.session.add(event)
        return event


def check_may_publish(body: CertificationBody) -> None:
    """A suspended certification body cannot publish."""
    if body.status != "active":
        raise Forbidden(
            f"certification body {body.code} is suspended and cannot publish",
            f"认证机构 {body.code} 已被暂停，不能发布",
        )


_ZH_STATUS = {"valid": "有效", "suspended": "暂停", "revoked": "撤销", "withdrawn": "注销", "expired": "过期"}


# -- reads -----------------------------------------------------------------------------------


def find_certificate(session: Session, number: str) -> Certificate | None:
    """The certificate with `number` (any case), or None."""
    return session.scalar(select(Certificate).where(Certificate.number == number.strip().upper()))


def get_certificate(session: Session, number: str) -> Certificate:
    """The certificate with `number`, or NotFound."""
    cert = find_certificate(session, number)
    if cert is None:
        raise NotFound(
            f"no certificate {number.strip().upper()!r} has ever been registered",
            f"登记簿中没有证书 {number.strip().upper()!r}",
        )
    return cert


def history(session: Session, cert: Certificate) -> list[CertificateEvent]:
    """The certificate's events, oldest first."""
    return list(
        session.scalars(
            select(CertificateEvent).where(CertificateEvent.certificate_id == cert.id).order_by(CertificateEvent.seq)
        )
    )


def state_as_of(session: Session, cert: Certificate, day: dt.date) -> dict[str, Any] | None:
    """The state the register recorded as in effect on `day`, or None before issuance."""
    event = session.scalar(
        select(CertificateEvent)
        .where(CertificateEvent.certificate_id == cert.id, CertificateEvent.effective <= day)
        .order_by(CertificateEvent.effective.desc(), CertificateEvent.seq.desc())
        .limit(1)
    )
    return None if event is None else dict(event.state)
