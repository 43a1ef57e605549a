"""The register's pure rules: which change may follow which status, and the verdict on a day.

Plain values in, plain values or a Conflict out: no database, no ORM (the service applies them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from registry.errors import Conflict, Forbidden

STATUSES = ("valid", "suspended", "revoked", "withdrawn")
# Revoked and withdrawn certificates stay so: no change may follow.
FINAL_STATUSES = ("revoked", "withdrawn")

ZH_STATUS = {"valid": "有效", "suspended": "暂停", "revoked": "撤销", "withdrawn": "注销", "expired": "过期"}


def verdict_of(status: str, expires: dt.date, day: dt.date) -> str:
    """The verdict for a stored status on `day`: final statuses stand, otherwise expiry wins."""
    if status in FINAL_STATUSES:
        return status
    if expires < day:
        return "expired"
    return status


@dataclass(frozen=True)
class Transition:
    """A change: the status it leaves (None: unchanged), how messages name it, and its guards in order.

    Guards: "final" (not after revoke or withdraw), "unsuspended" (not while suspended, e.g. renew),
    "suspended" (only from suspended), "not_suspended_yet" (not twice), "live" (not once expired).
    """

    done: str
    to: str | None
    guards: tuple[str, ...]


TRANSITIONS: dict[str, Transition] = {
    "suspend": Transition("suspended", "suspended", ("final", "not_suspended_yet", "live")),
    "reinstate": Transition("reinstated", "valid", ("suspended", "live")),
    "revoke": Transition("revoked", "revoked", ("final",)),
    "withdraw": Transition("withdrawn", "withdrawn", ("final",)),
    "renew": Transition("renewed", "valid", ("final", "unsuspended")),
    "amend": Transition("amended", None, ("final",)),
    "surveillance": Transition("surveilled", None, ("final",)),
    "holder": Transition("changed", None, ("final",)),
}


def check_transition(kind: str, number: str, status: str, expires: dt.date, day: dt.date) -> str:
    """The status after a `kind` change effective on `day`, or the Conflict saying why it may not happen."""
    t = TRANSITIONS[kind]
    for guard in t.guards:
        if guard == "final" and status in FINAL_STATUSES:
            raise Conflict(
                f"certificate {number} is {status}, which is final; it cannot be {t.done}",
                f"证书 {number} 已{ZH_STATUS[status]}，不可再变更",
            )
        if guard == "not_suspended_yet" and status == "suspended":
            raise Conflict(f"certificate {number} is already suspended", "证书已处于暂停状态")
        if guard == "suspended" and status != "suspended":
            raise Conflict(
                f"certificate {number} is {status}; only a suspended certificate can be {t.done}",
                f"证书 {number} 当前为{ZH_STATUS[status]}，只有暂停的证书可以恢复",
            )
        if guard == "unsuspended" and status == "suspended":
            raise Conflict(
                f"certificate {number} is suspended; reinstate it before renewing",
                "证书处于暂停状态，请先恢复再换证",
            )
        if guard == "live" and expires < day:
            raise Conflict(
                f"certificate {number} expired on {expires.isoformat()}; it cannot be {t.done}, only renewed",
                f"证书 {number} 已于 {expires.isoformat()} 过期，只能换证（renew）",
            )
    return t.to if t.to is not None else status


def check_may_publish(body: Any) -> None:
    """A suspended certification body cannot publish."""
    if body.status != "active":
        raise Forbidden(
            f"certification body {body.code} is suspended and cannot publish",
            f"认证机构 {body.code} 已被暂停，不能发布",
        )
