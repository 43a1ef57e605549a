"""Holders belong to the register: who may change a holder's details, and how a change is described.

A holder is identified by its credit code and shared by every certificate issued to it. Its
name, region and business type change only through a `holder` event, which only a body that
certifies the holder (or the operator) may record; an issuance that states other details for
an existing holder is refused unless it asks for the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import FINAL_STATUSES, Certificate
from registry.errors import Conflict, Forbidden
from registry.organisations.models import Organisation

HOLDER_FIELDS = ("name_zh", "name_en", "region", "business_type")


def differences(holder: Organisation, wanted: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """The fields where `wanted` (None: keep) differs from the registered holder: {field: (now, wanted)}."""
    return {
        f: (getattr(holder, f), wanted[f])
        for f in HOLDER_FIELDS
        if wanted.get(f) is not None and wanted[f] != getattr(holder, f)
    }


def describe(diffs: Mapping[str, tuple[str, str]]) -> str:
    """`name_zh: 'A' -> 'B'; region: ...` for messages."""
    return "; ".join(f"{f}: {old!r} -> {new!r}" for f, (old, new) in diffs.items())


class HolderConflict(Conflict):
    """A conflict about the holder's details, reported on the holder field of a batch item."""

    field = "holder"


def details_conflict(credit_code: str, diffs: Mapping[str, tuple[str, str]]) -> Conflict:
    """An issuance names an existing holder with other details and did not ask to change them."""
    return HolderConflict(
        f"holder {credit_code} is registered with other details ({describe(diffs)}); send the registered "
        "details, or set update_holder to true to change them (only a body that certifies the holder may)",
        f"持证组织 {credit_code} 已登记的信息不同（{describe(diffs)}）；请使用已登记的信息，"
        "或设置 update_holder 为 true 以变更（仅限已为其发证的认证机构）",
    )


def certifies(session: Session, holder: Organisation, body: CertificationBody) -> bool:
    """Whether `body` holds a live (not revoked or withdrawn) certificate of `holder`."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Certificate.holder_id == holder.id,
                    Certificate.body_id == body.id,
                    Certificate.status.not_in(FINAL_STATUSES),
                )
            )
        )
    )


def check_may_change(session: Session, holder: Organisation, body: CertificationBody | None) -> None:
    """Only the operator (no body) or a body that certifies the holder may change its details."""
    if body is None or (holder.id is not None and certifies(session, holder, body)):
        return
    raise Forbidden(
        f"only a certification body that certifies holder {holder.credit_code} may change its details",
        f"只有为持证组织 {holder.credit_code} 发证的认证机构可以变更其信息",
    )


def change_details(diffs: Mapping[str, tuple[str, str]], credit_code: str) -> dict[str, Any]:
    """The `details` of a holder event: which holder, and each field's old and new value."""
    return {"holder": credit_code, "changes": {f: {"from": old, "to": new} for f, (old, new) in diffs.items()}}
