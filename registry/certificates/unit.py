"""What one unit of work's writes share: who acts, the ledger, the holders and schemes looked up.

`WriteUnit` is the state issuing (`issuing.py`) and changes (`changes.py`) work on; `Register`
(`service.py`) is the same object with the public operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.bodies.models import CertificationBody
from registry.certificates.ledger import Actor, Ledger
from registry.certificates.models import Certificate
from registry.certificates.reads import get_certificate
from registry.certificates.rules import check_may_publish
from registry.certificates.validation import today
from registry.errors import Forbidden
from registry.organisations.holders import HolderBook
from registry.schemes.models import Scheme


class Minter(Protocol):
    """Makes the signed mark token for a certificate's current claims."""

    def mint(self, certificate: Any) -> str: ...


class WriteUnit:
    """One unit of work's writer state, acting as one actor.

    `body` limits the work to that certification body's certificates (None: operator). `clock`
    gives "today" for every check and default date (validation included). Nothing here commits.
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

    def forget(self) -> None:
        """Let go of what this unit of work looked up (a long import, after each committed chunk)."""
        self.schemes.clear()
        self.holders.forget()
