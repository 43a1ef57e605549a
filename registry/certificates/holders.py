"""Holders belong to the register: who may change a holder's details, and how a change is described.

A holder is identified by its credit code and shared by every certificate issued to it. Its
name, region and business type change only through a `holder` event, which only a body that
certifies the holder (or the operator) may record; an issuance that states other details for
an existing holder is refused unless it asks for the change.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.models import FINAL_STATUSES, Certificate
from registry.errors import Forbidden
from registry.organisations.holders import (
    HOLDER_FIELDS,
    HolderConflict,
    change_details,
    describe,
    details_conflict,
    differences,
)
from registry.organisations.models import Organisation

__all__ = [
    "HOLDER_FIELDS",
    "HolderConflict",
    "certifies",
    "change_details",
    "check_may_change",
    "describe",
    "details_conflict",
    "differences",
]


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
