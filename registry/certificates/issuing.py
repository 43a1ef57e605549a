"""Issuing certificates: the one issuing path, set-based, for one item or a file of them.

Every issuance (the API, the portal, imports, the demo seed, tests) goes through `issue_many`:
items are checked against the schemes, the holders and the numbers already registered, then
written in chunks with set-based INSERTs (`registry.certificates.bulk`) and chained by the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from registry.bodies.models import CertificationBody
from registry.certificates.bulk import write_rows
from registry.certificates.changes import change_holder
from registry.certificates.holders import check_may_change, details_conflict, differences
from registry.certificates.models import Certificate
from registry.certificates.rules import check_may_publish
from registry.certificates.schemas import CertificateIn
from registry.certificates.validation import (
    Collector,
    check_dates,
    check_holder,
    check_rating,
    default_expiry,
    number_problem,
    number_skeleton,
    score_out,
)
from registry.errors import Conflict, FieldError, ValidationError
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme

if TYPE_CHECKING:
    from registry.certificates.unit import WriteUnit

Item = tuple[int, CertificateIn | ValidationError]


@dataclass
class BatchResult:
    """What a batch issuance did: counts and every error by the item's index."""

    created: int = 0
    unchanged: int = 0
    errors: list[tuple[int, FieldError]] = field(default_factory=list)
    # True when an error was a conflict with the register (a number already taken), not bad input.
    conflict: bool = False


def body_required(body: CertificationBody | None) -> CertificationBody:
    if body is None:
        raise ValidationError([FieldError("body", "is required", "必须指定认证机构")])
    return body


def issue_many(
    reg: WriteUnit,
    items: Iterable[Item],
    body: CertificationBody | None = None,
    *,
    release: bool = False,
    chunk: int = 500,
    on_item: Callable[[], None] | None = None,
    check_only: bool = False,
    on_chunk: Callable[[], None] | None = None,
    collect: bool = True,
) -> BatchResult:
    """Issue many certificates, all or nothing, reporting every bad item by its index.

    Items arrive as (index, parsed input or the ValidationError from parsing it). Once any item
    fails, later items are still checked but nothing more is written; the caller discards the
    unit of work when `result.errors` is not empty. `collect=False` raises the first error instead.

    `check_only` runs every check and writes nothing (no lock is taken). `on_chunk` runs after
    each chunk is flushed: a long import commits there, so the register's write lock is held for
    one chunk at a time, never for the whole file. `release` lets go of what the register looked
    up after each chunk (a long import's memory stays flat).
    """
    body = body_required(body or reg.body)
    result = BatchResult()
    reg.check_only = check_only
    seen: dict[str, int] = {}
    # Skeletons of the numbers this call issues, so that later items cannot look like them.
    issued_skeletons: dict[str, str] = {}
    buffer: list[Item] = []
    rows: list[tuple[CertificateIn, Scheme, dt.date]] = []

    def drain() -> None:
        numbers = [d.number for _, d in buffer if isinstance(d, CertificateIn)]
        with reg.session.no_autoflush:
            existing = (
                {c.number: c for c in reg.session.scalars(select(Certificate).where(Certificate.number.in_(numbers)))}
                if numbers
                else {}
            )
            reg.holders.load(d.holder.credit_code for _, d in buffer if isinstance(d, CertificateIn))
            look_alikes = look_alikes_of(reg, [n for n in numbers if n not in existing]) | issued_skeletons
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
                    scheme, expires = check_issue(reg, data)
                    if data.number in existing:
                        reissue(existing[data.number], data, body, expires)
                        result.unchanged += 1
                        continue
                    refuse_look_alike(data.number, look_alikes)
                    # Later items of the batch must not look like this one either.
                    look_alikes.setdefault(number_skeleton(data.number), data.number)
                    issued_skeletons.setdefault(number_skeleton(data.number), data.number)
                    if result.errors:
                        continue
                    check_may_publish(body)
                    if holder_for(reg, data, body) is None:
                        reg.holders.note_new(data.holder.credit_code, data.holder.model_dump())
                    rows.append((data, scheme, expires))
                    result.created += 1
                except ValidationError as exc:
                    if not collect:
                        raise
                    result.errors.extend((index, e) for e in exc.errors)
                except Conflict as exc:
                    if not collect:
                        raise
                    result.conflict = True
                    field_name = getattr(exc, "field", "number")
                    result.errors.append((index, FieldError(field_name, exc.detail, exc.detail_zh)))
        buffer.clear()
        if not result.errors and not check_only:
            if rows:
                write_rows(reg, body, rows)
            reg.session.flush()
            if on_chunk is not None:
                on_chunk()
        rows.clear()
        if release:
            reg.forget()

    for item in items:
        buffer.append(item)
        if len(buffer) >= chunk:
            drain()
    drain()
    return result


def check_issue(reg: WriteUnit, data: CertificateIn) -> tuple[Scheme, dt.date]:
    """Validate an issuance against the schemes and reference data; returns (scheme, expires)."""
    c = Collector()
    problem = number_problem(data.number)
    if problem:
        c.errors.append(problem)
    scheme = reg.scheme(data.scheme)
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
    check_dates(c, data.issued, expires, reg.clock())
    c.check()
    assert scheme is not None and expires is not None
    return scheme, expires


def reissue(cert: Certificate, data: CertificateIn, body: CertificationBody, expires: dt.date) -> Certificate:
    """An issuance of a number already registered: the same certificate again, or a Conflict."""
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


def look_alikes_of(reg: WriteUnit, numbers: list[str]) -> dict[str, str]:
    """Registered numbers that look like any of `numbers`, by skeleton: {skeleton: number}."""
    skeletons = {number_skeleton(n) for n in numbers}
    if not skeletons:
        return {}
    rows = reg.session.execute(
        select(Certificate.number_skeleton, Certificate.number).where(Certificate.number_skeleton.in_(skeletons))
    )
    return {skeleton: number for skeleton, number in rows if skeleton is not None}


def refuse_look_alike(number: str, look_alikes: dict[str, str]) -> None:
    other = look_alikes.get(number_skeleton(number))
    if other is not None and other != number:
        raise Conflict(
            f"certificate number {number} looks like {other}, which is already registered "
            "(O and 0, I, L and 1, repeated '-' or '/' read alike); choose a distinct number",
            f"证书编号 {number} 与已登记的 {other} 易混淆（O 与 0、I/L 与 1、重复的分隔符），请使用可区分的编号",
        )


def holder_for(reg: WriteUnit, data: CertificateIn, body: CertificationBody) -> Organisation | None:
    """The registered holder an issuance names (None if new), after checking its stated details.

    Other details are a Conflict, unless the issuance asks to change them and `body` may.
    """
    h = data.holder
    holder = reg.holders.find(h.credit_code)
    if holder is None:
        return None
    stated = h.model_dump()
    # An issuance without an English name leaves the registered one alone.
    stated["name_en"] = stated["name_en"] or None
    diffs = differences(holder, stated)
    if diffs:
        if not data.update_holder:
            raise details_conflict(h.credit_code, diffs)
        if reg.check_only:
            check_may_change(reg.session, holder, body)
            return holder
        change_holder(reg, holder, diffs, body, f"holder details updated with the issuance of {data.number}")
    return holder
