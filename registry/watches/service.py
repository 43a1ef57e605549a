"""Creating, reading and deleting watches. No account: the watch's secret is its key."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Collection

from pydantic import ValidationError as PydanticError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from registry.certificates.schemas import field_errors
from registry.certificates.validation import NUMBER_RE
from registry.errors import FieldError, NotFound, Unauthorized, ValidationError
from registry.organisations.validation import credit_code_problem
from registry.watches.models import Delivery, Watch, WatchTarget
from registry.watches.schemas import MAX_TARGETS, WatchIn
from registry.watches.signatures import new_secret
from registry.watches.ssrf import RefusedURL, check_callback_url


def parse_watch(data: object) -> WatchIn:
    """The JSON body of POST /api/v1/watches, checked; every problem named by field."""
    try:
        raw = WatchIn.model_validate(data)
    except PydanticError as exc:
        raise ValidationError(field_errors(exc)) from None
    numbers = list(dict.fromkeys("".join(v.split()).upper() for v in raw.numbers))
    codes = list(dict.fromkeys("".join(v.split()).upper() for v in raw.credit_codes))
    errors: list[FieldError] = []
    if not numbers and not codes:
        errors.append(
            FieldError("numbers", "watch at least one number or credit code", "至少关注一个证书编号或信用代码")
        )
    if len(numbers) + len(codes) > MAX_TARGETS:
        errors.append(
            FieldError(
                "numbers", f"at most {MAX_TARGETS} numbers and credit codes", f"最多 {MAX_TARGETS} 个编号和信用代码"
            )
        )
    for i, number in enumerate(numbers):
        if not NUMBER_RE.match(number):
            errors.append(FieldError(f"numbers[{i}]", "is not a certificate number", "不是证书编号"))
    for i, code in enumerate(codes):
        problem = credit_code_problem(code)
        if problem:
            errors.append(FieldError(f"credit_codes[{i}]", problem[0], problem[1]))
    if errors:
        raise ValidationError(errors)
    return WatchIn(url=raw.url.strip(), numbers=numbers, credit_codes=codes)


def create_watch(session: Session, data: WatchIn, allow_hosts: Collection[str]) -> Watch:
    """A new active watch (the caller commits); its callback URL must pass the SSRF checks."""
    try:
        url = check_callback_url(data.url, allow_hosts)
    except RefusedURL as exc:
        raise ValidationError([FieldError("url", str(exc), exc.zh)]) from None
    watch = Watch(id="wat_" + secrets.token_hex(12), url=url, secret=new_secret(), status="active")
    watch.targets = [WatchTarget(kind="number", value=n) for n in data.numbers] + [
        WatchTarget(kind="credit_code", value=c) for c in data.credit_codes
    ]
    session.add(watch)
    session.flush()
    return watch


def find_watch(session: Session, watch_id: str) -> Watch:
    watch = session.get(Watch, watch_id) if len(watch_id) <= 40 else None
    if watch is None:
        raise NotFound("no such watch", "没有这个关注")
    return watch


def authorised_watch(session: Session, watch_id: str, bearer: str) -> Watch:
    """The watch, if `bearer` is its secret (compared in constant time)."""
    watch = find_watch(session, watch_id)
    if not hmac.compare_digest(bearer.encode(), watch.secret.encode()):
        raise Unauthorized("send the watch's secret as the bearer token", "请以关注的密钥作为 Bearer 令牌")
    return watch


def delete_watch(session: Session, watch: Watch) -> None:
    """Forget a watch, its targets and its queued messages (the database cascades to them)."""
    session.execute(delete(Delivery).where(Delivery.watch_id == watch.id))
    session.delete(watch)


def disable_watch(session: Session, watch_id: str, reason: str) -> None:
    """Stop a watch (its receiver said 410 Gone) and cancel what is still queued for it."""
    session.execute(update(Watch).where(Watch.id == watch_id).values(status="disabled", disabled_reason=reason))
    session.execute(
        update(Delivery).where(Delivery.watch_id == watch_id, Delivery.state == "pending").values(state="cancelled")
    )


def watch_targets(session: Session, watch: Watch) -> dict[str, list[str]]:
    rows = session.execute(select(WatchTarget.kind, WatchTarget.value).where(WatchTarget.watch_id == watch.id))
    out: dict[str, list[str]] = {"numbers": [], "credit_codes": []}
    for kind, value in rows:
        out["numbers" if kind == "number" else "credit_codes"].append(value)
    return out
