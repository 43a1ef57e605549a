"""The register's write and read operations on certificates (plain Python over a session).

`Register` is one unit of work's writer, acting as one actor: issuing (`issuing.py`), changes
(`changes.py`), both recorded by the ledger (`ledger.py`). It only flushes; the unit of work
commits once (registry.db.unit_of_work for requests, registry.cli.common.unit_of_work for
commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates import changes, issuing
from registry.certificates.bulk import state_of
from registry.certificates.issuing import BatchResult, Item, check_may_publish
from registry.certificates.ledger import Actor, Ledger
from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.schemas import CertificateIn, EventIn
from registry.certificates.validation import today
from registry.errors import Forbidden, NotFound
from registry.organisations.holders import HolderBook
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme

__all__ = [
    "Actor",
    "BatchResult",
    "Minter",
    "Register",
    "check_may_publish",
    "find_certificate",
    "get_certificate",
    "history",
    "snapshot",
    "state_as_of",
    "state_of",
]


class Minter(Protocol):
    """Makes the signed mark token for a certificate's current claims."""

    def mint(self, certificate: Certificate) -> str: ...


def snapshot(cert: Certificate) -> dict[str, Any]:
    """The certificate's state as recorded in an event."""
    return state_of(cert, cert.scheme.code, cert.body.code, cert.holder.credit_code)


class Register:
    """One unit of work on the register, acting as one actor.

    `body` limits the work to that certification body's certificates (None: operator). `clock`
    gives "today" for every check and default date (validation included). Methods only flush.
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
        self.ledger = Ledger(session, actor)
        self.holders = HolderBook(session)
        self.schemes: dict[str, Scheme] = {}
        # Set by issue_many(check_only=True): check everything, change nothing.
        self.check_only = False

    # -- issuing: one path, set-based --------------------------------------------------------

    def issue(self, data: CertificateIn, body: CertificationBody | None = None) -> tuple[Certificate, bool]:
        """Register one certificate; returns (certificate, created).

        The same path as a batch of one. An identical re-issue returns the stored certificate and
        writes nothing; a different one under a number already taken raises Conflict.
        """
        result = self.issue_many([(0, data)], body, collect=False)
        cert = self.session.scalar(select(Certificate).where(Certificate.number == data.number))
        assert cert is not None
        return cert, bool(result.created)

    def issue_many(self, items: Iterable[Item], body: CertificationBody | None = None, **options: Any) -> BatchResult:
        """Issue many certificates all or nothing (see `registry.certificates.issuing.issue_many`)."""
        return issuing.issue_many(self, items, body, **options)

    def check_issue(self, data: CertificateIn) -> tuple[Scheme, dt.date]:
        """Validate an issuance against the schemes and reference data; returns (scheme, expires)."""
        return issuing.check_issue(self, data)

    # -- changes -------------------------------------------------------------------------------

    def apply(self, number: str, event: EventIn) -> Certificate:
        """Apply one status change or amendment; illegal transitions raise Conflict."""
        return changes.apply(self, number, event)

    def suspend(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="suspend", reason=reason, effective=effective))

    def reinstate(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="reinstate", reason=reason, effective=effective))

    def revoke(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="revoke", reason=reason, effective=effective))

    def withdraw(self, number: str, reason: str = "", effective: dt.date | None = None) -> Certificate:
        return self.apply(number, EventIn(type="withdraw", reason=reason, effective=effective))

    def change_holder(
        self,
        holder: Organisation,
        diffs: dict[str, tuple[str, str]],
        body: CertificationBody | None,
        reason: str,
        *,
        skip: Certificate | None = None,
    ) -> dict[str, Any]:
        """Change a holder's details, recording a `holder` event on each of its certificates."""
        return changes.change_holder(self, holder, diffs, body, reason, skip=skip)

    def remark(self, number: str, reason: str) -> Certificate:
        """Sign a fresh mark token for the certificate's current claims (e.g. after a key revocation)."""
        return changes.remark(self, number, reason)

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

    # -- what issuing and changes share --------------------------------------------------------

    def scheme(self, code: str) -> Scheme | None:
        """The scheme with `code` (looked up once per unit of work), or None."""
        if code not in self.schemes:
            scheme = self.session.scalar(select(Scheme).where(Scheme.code == code))
            if scheme is None:
                return None
            self.schemes[code] = scheme
        return self.schemes[code]

    def mint(self, cert: Any) -> str | None:
        """The signed mark token for `cert`'s claims (None without a minter, e.g. when only checking)."""
        return self.minter.mint(cert) if self.minter is not None else None

    def remint(self, cert: Certificate) -> None:
        if self.minter is not None:
            cert.token = self.minter.mint(cert)

    @staticmethod
    def snapshot(cert: Certificate) -> dict[str, Any]:
        return snapshot(cert)

    def forget(self) -> None:
        """Let go of what this unit of work looked up (a long import, after each committed chunk)."""
        self.schemes.clear()
        self.holders.forget()


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
