"""Demo data that looks real: bodies, holders across Chinese cities, and lived-in histories."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.schemas import CertificateIn, EventIn, HolderIn
from registry.certificates.service import Actor, Minter, Register
from registry.certificates.validation import add_months, default_expiry, today
from registry.demo.bodies import CERTIFICATION_BODIES
from registry.demo.names import branch_suffix, organisation_name
from registry.demo.scopes import scope_text
from registry.organisations.validation import (
    CREDIT_ALPHABET,
    credit_check_char,
    regions,
)
from registry.schemes.models import Scheme
from registry.schemes.service import load_schemes, read_scheme_file

# How often each scheme appears; the Beijing retail scheme dominates, as in the real register.
SCHEME_WEIGHTS = {
    "BJ-RETAIL-SQ": 35,
    "GB/T 27922-2011": 30,
    "RCS-ITS-2019": 12,
    "HK-STAR": 15,
    "Q/HXC 013-2018": 8,
}
SUSPEND_REASONS = (
    (
        "监督审核发现服务承诺未兑现，限期整改",
        "Surveillance audit found service commitments not honoured; corrective action required",
    ),
    ("未按期接受监督审核", "Surveillance audit not accepted on schedule"),
    ("顾客投诉经核实，暂停证书", "Verified customer complaints; certificate suspended"),
)
REINSTATE_REASONS = (("整改完成并通过验证", "Corrective actions completed and verified"),)
REVOKE_REASONS = (
    ("暂停期满未完成整改", "Corrective actions not completed within the suspension period"),
    ("提供虚假材料", "False documents supplied"),
)
WITHDRAW_REASONS = (
    ("获证组织申请注销", "Certificate holder asked to withdraw"),
    ("获证组织停业", "Certificate holder ceased trading"),
)


@dataclass
class SeedResult:
    bodies: int
    certificates: int
    events: int


def credit_code(rng: random.Random, region: str) -> str:
    """A well-formed unified social credit code for an enterprise in `region`."""
    body = "91" + region + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + credit_check_char(body)


def region_pools() -> tuple[list[str], list[str]]:
    """(Beijing district codes, other district codes) from the shipped region table."""
    table = regions()
    beijing, other = [], []
    for code, region in table.items():
        parent = region.get("parent")
        if not parent or code.endswith("00"):
            continue
        (beijing if code.startswith("11") else other).append(code)
    return beijing, other


def city_of(code: str) -> tuple[str, str]:
    table = regions()
    region = table[code]
    parent = table.get(str(region.get("parent")))
    city = parent or region
    zh, en = str(city["name_zh"]), str(city["name_en"])
    return zh.removesuffix("市"), en.removesuffix(" Municipality")


def _score_for(rng: random.Random, scheme: Scheme, star: int) -> Decimal:
    low = scheme.thresholds[star - 1]
    high = scheme.thresholds[star] - 1 if star < 5 else scheme.max_score
    return Decimal(rng.randint(low * 2, high * 2)) / 2


def _star(rng: random.Random) -> int:
    return rng.choices((1, 2, 3, 4, 5), weights=(4, 10, 30, 36, 20))[0]


def seed(
    session: Session,
    count: int = 2000,
    *,
    rng_seed: int = 2026,
    minter: Minter | None = None,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:
    """Add demo bodies, `count` certificates and their histories. Only flushes."""
    rng = random.Random(rng_seed)
    day = today()
    if not session.scalar(select(Scheme).limit(1)):
        load_schemes(session, read_scheme_file())
    schemes = {s.code: s for s in session.scalars(select(Scheme))}
    bodies = []
    for i, spec in enumerate(CERTIFICATION_BODIES, start=1):
        body = session.scalar(select(CertificationBody).where(CertificationBody.code == spec["code"]))
        if body is None:
            body = CertificationBody(
                code=spec["code"],
                name_zh=spec["name_zh"],
                name_en=spec["name_en"],
                status="active",
                # Demo contacts, on example.cn and a 400 number no one answers.
                contact_phone=f"400-000-{i:04d}",
                contact_email=f"service@{spec['prefix'].lower()}.example.cn",
            )
            session.add(body)
        bodies.append((body, spec["prefix"]))
    session.flush()

    beijing, other = region_pools()
    register = Register(session, Actor("operator:demo-seed"), minter=minter, clock=lambda: day)
    codes = [c for c in SCHEME_WEIGHTS if c in schemes]
    weights = [SCHEME_WEIGHTS[c] for c in codes]
    used_names: set[str] = set()
    used_numbers: set[str] = set(session.scalars(select(Certificate.number)))
    events = 0
    for i in range(count):
        scheme = schemes[rng.choices(codes, weights=weights)[0]]
        business_type = rng.choice(scheme.business_types)
        region = rng.choice(beijing) if scheme.code == "BJ-RETAIL-SQ" or rng.random() < 0.35 else rng.choice(other)
        city_zh, city_en = city_of(region)
        name_zh, name_en = organisation_name(rng, business_type, city_zh, city_en)
        if name_zh in used_names:
            district = regions()[region]
            suffix_zh, suffix_en = branch_suffix(
                str(district["name_zh"]).removesuffix("区"),
                str(district["name_en"]).removesuffix(" District"),
                business_type,
            )
            name_zh, name_en = name_zh + suffix_zh, f"{name_en} {suffix_en}"
        if name_zh in used_names:
            name_zh, name_en = f"{name_zh}（{i}）", f"{name_en} ({i})"
        used_names.add(name_zh)
        body, prefix = rng.choice(bodies)
        issued = day - dt.timedelta(days=rng.randint(10, 6 * 365))
        year_code = "SV" if scheme.code != "RCS-ITS-2019" else "IT"
        number = f"{prefix}-{issued.year}-{year_code}-{rng.randint(0, 999999):06d}"
        while number in used_numbers:
            number = f"{prefix}-{issued.year}-{year_code}-{rng.randint(0, 999999):06d}"
        used_numbers.add(number)
        star = _star(rng)
        scope_zh, scope_en = scope_text(rng, business_type)
        evaluation = {comp["code"]: Decimal(rng.randint(70, 100)) for comp in scheme.components if rng.random() < 0.8}
        data = CertificateIn(
            number=number,
            scheme=scheme.code,
            holder=HolderIn(
                name_zh=name_zh,
                name_en=name_en,
                credit_code=credit_code(rng, region),
                region=region,
                business_type=business_type,
            ),
            star_level=star,
            score=_score_for(rng, scheme, star),
            scope_zh=scope_zh,
            scope_en=scope_en,
            issued=issued,
            sites=[],
            evaluation=evaluation,
        )
        # Through the public issuing path, with every check a body's issuance gets.
        cert, _created = register.issue(data, body)
        events += 1 + _live(register, rng, cert.number, scheme, issued, default_expiry(issued, scheme), day)
        if progress is not None:
            progress(i + 1)
        if (i + 1) % 500 == 0:
            session.flush()
    session.flush()
    return SeedResult(bodies=len(bodies), certificates=count, events=events)


def _live(
    register: Register,
    rng: random.Random,
    number: str,
    scheme: Scheme,
    issued: dt.date,
    expires: dt.date,
    day: dt.date,
) -> int:
    """Give a certificate a history; returns the number of events written."""
    written = 0
    cursor = issued
    end = min(expires, day)

    def later(lo: int, hi: int) -> dt.date | None:
        candidate = cursor + dt.timedelta(days=rng.randint(lo, hi))
        return candidate if candidate <= end else None

    # Yearly surveillance, sometimes with a star change.
    when = add_months(issued, scheme.surveillance_months)
    while when <= end and rng.random() < 0.7:
        event = EventIn(type="surveillance", effective=when, result="passed", reason="年度监督审核")
        if rng.random() < 0.15:
            star = max(1, min(5, register.get_for_change(number).star_level + rng.choice((-1, 1))))
            event = event.model_copy(update={"star_level": star, "score": _score_for(rng, scheme, star)})
        register.apply(number, event)
        written += 1
        cursor = when
        when = add_months(when, scheme.surveillance_months)

    roll = rng.random()
    if roll < 0.10 and (start := later(30, 400)):
        register.apply(number, EventIn(type="suspend", effective=start, reason="｜".join(rng.choice(SUSPEND_REASONS))))
        written += 1
        cursor = start
        back = later(20, 120)
        if back and rng.random() < 0.6:
            register.apply(number, EventIn(type="reinstate", effective=back, reason="｜".join(REINSTATE_REASONS[0])))
            written += 1
            cursor = back
        elif back and rng.random() < 0.5:
            register.apply(number, EventIn(type="revoke", effective=back, reason="｜".join(rng.choice(REVOKE_REASONS))))
            return written + 1
        else:
            return written
    elif roll < 0.14 and (when := later(30, 700)):
        register.apply(number, EventIn(type="withdraw", effective=when, reason="｜".join(rng.choice(WITHDRAW_REASONS))))
        return written + 1
    elif roll < 0.16 and (when := later(30, 700)):
        register.apply(number, EventIn(type="revoke", effective=when, reason="｜".join(rng.choice(REVOKE_REASONS))))
        return written + 1

    if expires < day and rng.random() < 0.75:
        renew_on = expires - dt.timedelta(days=rng.randint(0, 30))
        if renew_on >= cursor:
            register.apply(number, EventIn(type="renew", effective=renew_on, reason="复评通过，换发证书"))
            written += 1
    return written
