"""Checking a holder by credit code or name: its certificates, each with a verdict, and the best one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate
from registry.certificates.service import state_as_of
from registry.certificates.verdicts import verdict_of
from registry.organisations.models import Organisation
from registry.organisations.names import name_key
from registry.schemes.models import Scheme

# Which verdict a holder's best certificate gives, best first.
VERDICT_RANK = ("valid", "suspended", "expired", "withdrawn", "revoked")


def holder_json(org: Any) -> dict[str, str]:
    """The holder as every verification result names it."""
    return {"name_zh": org.name_zh, "name_en": org.name_en, "credit_code": org.credit_code}


@dataclass
class HolderMatch:
    """The holders an input names and their certificates (as results list them)."""

    holders: list[Organisation]
    certificates: list[dict[str, Any]] = field(default_factory=list)
    how: str = "exact"  # "exact" | "normalised"

    @property
    def best(self) -> str:
        verdicts = {c["verdict"] for c in self.certificates}
        return next((v for v in VERDICT_RANK if v in verdicts), "not_found")


def by_credit_code(session: Session, code: str) -> list[Organisation]:
    return list(session.scalars(select(Organisation).where(Organisation.credit_code == code)))


def by_name(session: Session, name: str) -> tuple[list[Organisation], str]:
    """Holders named exactly `name`, else those whose name has the same key; and which way matched."""
    name = name.strip()
    exact = list(
        session.scalars(
            select(Organisation)
            .where(or_(Organisation.name_zh == name, Organisation.name_en == name))
            .order_by(Organisation.id)  # the batch lookup's order: both answers list holders alike
            .limit(50)
        )
    )
    if exact:
        return exact, "exact"
    key = name_key(name)
    if not key:
        return [], "normalised"
    similar = select(Organisation).where(or_(Organisation.name_key == key, Organisation.name_en_key == key))
    return list(session.scalars(similar.order_by(Organisation.id).limit(50))), "normalised"


def certificates_of(session: Session, holders: list[Organisation], day: dt.date, as_of: dt.date | None) -> list[dict]:
    """Every certificate of these holders with its verdict on `day` (as recorded then, with `as_of`)."""
    if not holders:
        return []
    codes = {h.id: h.credit_code for h in holders}
    rows = session.execute(
        select(Certificate, Scheme.code)
        .join(Scheme, Scheme.id == Certificate.scheme_id)
        .where(Certificate.holder_id.in_(list(codes)))
        .order_by(Certificate.holder_id, Certificate.expires.desc(), Certificate.number)
    ).all()
    out = []
    for cert, scheme in rows:
        if as_of is None:
            state: dict[str, Any] | None = {
                "status": cert.status,
                "star_level": cert.star_level,
                "expires": cert.expires.isoformat(),
            }
        else:
            state = state_as_of(session, cert, as_of)
        if state is None:  # not yet issued on that day
            continue
        expires = dt.date.fromisoformat(state["expires"])
        out.append(
            {
                "number": cert.number,
                "verdict": verdict_of(state["status"], expires, day),
                "star_level": state["star_level"],
                "scheme": scheme,
                "expires": state["expires"],
                "holder_credit_code": codes[cert.holder_id],
            }
        )
    rank = {v: i for i, v in enumerate(VERDICT_RANK)}
    out.sort(key=lambda c: rank.get(c["verdict"], len(rank)))
    return out


def match(session: Session, kind: str, value: str, day: dt.date, as_of: dt.date | None) -> HolderMatch:
    """The holders a credit code or a name identifies, with their certificates."""
    if kind == "credit_code":
        holders, how = by_credit_code(session, value), "exact"
    else:
        holders, how = by_name(session, value)
    return HolderMatch(holders, certificates_of(session, holders, day, as_of), how)


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def match_many(
    session: Session, wanted: list[tuple[str, str]], day: dt.date, as_of: dt.date | None
) -> dict[tuple[str, str], HolderMatch]:
    """`match` for many (kind, value) pairs with a handful of queries instead of three per input.

    Measured: 1,000 names took 2.2 s one by one.
    """
    codes = sorted({v for k, v in wanted if k == "credit_code"})
    names = sorted({v.strip() for k, v in wanted if k == "name"})
    by_code: dict[str, list[Organisation]] = {}
    for chunk in _chunks(codes):
        for org in session.scalars(select(Organisation).where(Organisation.credit_code.in_(chunk))):
            by_code.setdefault(org.credit_code, []).append(org)
    exact: dict[str, list[Organisation]] = {}
    for chunk in _chunks(names):
        query = select(Organisation).where(or_(Organisation.name_zh.in_(chunk), Organisation.name_en.in_(chunk)))
        for org in session.scalars(query.order_by(Organisation.id)):
            for name in {org.name_zh, org.name_en} & set(chunk):
                exact.setdefault(name, []).append(org)
    keys = {n: name_key(n) for n in names if n not in exact}
    by_key: dict[str, list[Organisation]] = {}
    for chunk in _chunks(sorted({k for k in keys.values() if k})):
        query = select(Organisation).where(or_(Organisation.name_key.in_(chunk), Organisation.name_en_key.in_(chunk)))
        for org in session.scalars(query.order_by(Organisation.id)):
            for key in {org.name_key, org.name_en_key} & set(chunk):
                by_key.setdefault(key, []).append(org)
    found: dict[tuple[str, str], tuple[list[Organisation], str]] = {}
    for kind, value in wanted:
        if kind == "credit_code":
            found[(kind, value)] = (by_code.get(value, []), "exact")
        elif value.strip() in exact:
            found[(kind, value)] = (exact[value.strip()][:50], "exact")
        else:
            found[(kind, value)] = (by_key.get(keys.get(value.strip(), ""), [])[:50], "normalised")
    holders = {h.id: h for orgs, _how in found.values() for h in orgs}
    certificates = certificates_of(session, list(holders.values()), day, as_of)
    by_holder: dict[str, list[dict[str, Any]]] = {}
    for cert in certificates:
        by_holder.setdefault(cert["holder_credit_code"], []).append(cert)
    out = {}
    rank = {v: i for i, v in enumerate(VERDICT_RANK)}
    for key, (orgs, how) in found.items():
        listed = [c for h in orgs for c in by_holder.get(h.credit_code, [])]
        listed.sort(key=lambda c: rank.get(c["verdict"], len(rank)))
        out[key] = HolderMatch(orgs, listed, how)
    return out


def reasons(kind: str, value: str, found: HolderMatch) -> tuple[str, str]:
    """The result's reason in English and Chinese."""
    label_en = f"credit code {value}" if kind == "credit_code" else f"the name {value!r}"
    label_zh = f"统一社会信用代码 {value}" if kind == "credit_code" else f"名称“{value}”"
    if not found.holders:
        if kind == "credit_code":
            return (f"no holder with {label_en} is registered", f"登记簿中没有{label_zh}对应的组织")
        return (
            f"no holder named {value!r} is registered (also compared ignoring full-width forms, spaces and "
            "有限公司/有限责任公司)",
            f"登记簿中没有名为“{value}”的组织（已忽略全角/半角、空格及有限公司/有限责任公司差异）",
        )
    if not found.certificates:
        return (f"{label_en} has no certificate in effect on that day", f"{label_zh}在该日期没有证书")
    counts = len(found.certificates)
    best = found.best
    if len(found.holders) > 1:
        names = "; ".join(f"{h.name_zh} ({h.credit_code})" for h in found.holders)
        return (
            f"{len(found.holders)} registered holders share {label_en}: {names}; check by credit code. "
            f"Best of their {counts} certificates: {best}",
            f"{len(found.holders)} 个登记组织同名：{names}；请按统一社会信用代码核验。"
            f"其 {counts} 张证书中最好的结论：{_ZH[best]}",
        )
    holder = found.holders[0]
    via = "" if found.how == "exact" else " (matched ignoring full-width forms, spaces and legal-form spelling)"
    via_zh = "" if found.how == "exact" else "（忽略全角/半角、空格及公司类型写法后匹配）"
    return (
        f"{holder.name_zh} ({holder.credit_code}) holds {counts} certificate(s){via}; the best is {best}",
        f"{holder.name_zh}（{holder.credit_code}）持有 {counts} 张证书{via_zh}；最好的结论为{_ZH[best]}",
    )


_ZH = {
    "valid": "有效",
    "suspended": "暂停",
    "expired": "已过期",
    "withdrawn": "已注销",
    "revoked": "已撤销",
    "not_found": "未找到",
}
