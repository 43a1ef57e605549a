"""Reading certificates and their history (no writes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate, CertificateEvent
from registry.errors import NotFound
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme


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


def verdict_rows(*extra: Any) -> Select[Any]:
    """Certificates with what a verdict on them says: status, stars, expiry, holder and scheme
    (plus `extra` columns), as plain rows. Verification and the webhook outbox both read these."""
    return (
        select(
            Certificate.id,
            Certificate.number,
            Certificate.status,
            Certificate.star_level,
            Certificate.expires,
            Organisation.name_zh,
            Organisation.name_en,
            Organisation.credit_code,
            Scheme.code.label("scheme"),
            *extra,
        )
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .join(Scheme, Scheme.id == Certificate.scheme_id)
    )
