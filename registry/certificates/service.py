"""The register's write and read operations on certificates (plain Python over a session).

`Register` is one unit of work's writer, acting as one actor: issuing (`issuing.py`), changes
(`changes.py`), both recorded by the ledger (`ledger.py`). It only flushes; the unit of work
commits once (registry.db.unit_of_work for requests, registry.cli.common.unit_of_work for
commands).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from registry.bodies.models import CertificationBody
from registry.certificates import changes, issuing
from registry.certificates.issuing import BatchResult, Item
from registry.certificates.ledger import Actor
from registry.certificates.models import Certificate
from registry.certificates.reads import find_certificate, get_certificate, history, state_as_of
from registry.certificates.rules import check_may_publish
from registry.certificates.schemas import CertificateIn, EventIn
from registry.certificates.state import snapshot, state_of
from registry.certificates.unit import Minter, WriteUnit
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


class Register(WriteUnit):
    """One unit of work on the register, acting as one actor (see `WriteUnit` for its state).

    Methods only flush; the unit of work commits.
    """

    # -- issuing: one path, set-based --------------------------------------------------------

    def issue(self, data: CertificateIn, body: CertificationBody | None = None) -> tuple[Certificate, bool]:
        """Register one certificate; returns (certificate, created).

        The same path as a batch of one. An identical re-issue returns the stored certificate and
        writes nothing; a different one under a number already taken raises Conflict.
        """
        result = self.issue_many([(0, data)], body, collect=False)
        cert = find_certificate(self.session, data.number)
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
