"""Holders: organisations identified by their credit code, shared by every certificate issued to them.

How an issuance's stated details compare with the registered holder, and the holders one unit of
work looks up or creates (`HolderBook`, used by issuing). Who may change a registered holder's
details, and the `holder` events that record a change, belong to the certificates package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from registry.errors import Conflict
from registry.organisations.models import Organisation
from registry.organisations.names import name_key

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


def change_details(diffs: Mapping[str, tuple[str, str]], credit_code: str) -> dict[str, Any]:
    """The `details` of a holder event: which holder, and each field's old and new value."""
    return {"holder": credit_code, "changes": {f: {"from": old, "to": new} for f, (old, new) in diffs.items()}}


def holder_row(credit_code: str, name_zh: str, name_en: str | None, region: str, business_type: str) -> dict[str, Any]:
    """A holder's table row as every writer inserts it: its details and its names' comparison keys
    (which officers' checks by name look up, registry.verification.holders)."""
    return {
        "credit_code": credit_code,
        "name_zh": name_zh,
        "name_en": name_en,
        "region": region,
        "business_type": business_type,
        "name_key": name_key(name_zh),
        "name_en_key": name_key(name_en or ""),
    }


class HolderBook:
    """The holders one unit of work has looked up, and the new ones it names, by credit code.

    A holder first named in the unit of work fixes its details: later items must state the same.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.registered: dict[str, Organisation] = {}
        self.absent: set[str] = set()
        self.new: dict[str, dict[str, Any]] = {}

    def load(self, codes: Iterable[str]) -> None:
        """Look up many holders at once (saves a query per row); codes not found are remembered."""
        codes = set(codes)
        for org in self.session.scalars(select(Organisation).where(Organisation.credit_code.in_(codes))):
            self.registered[org.credit_code] = org
        self.absent = {c for c in codes if c not in self.registered}

    def find(self, credit_code: str) -> Organisation | None:
        """The registered holder with this credit code, or None."""
        holder = self.registered.get(credit_code)
        if holder is None and credit_code not in self.absent:
            holder = self.session.scalar(select(Organisation).where(Organisation.credit_code == credit_code))
            if holder is not None:
                self.registered[credit_code] = holder
        return holder

    def note_new(self, credit_code: str, stated: Mapping[str, Any]) -> None:
        """Remember a holder first named in this unit of work; a later different statement is a Conflict."""
        mine = {f: stated[f] for f in HOLDER_FIELDS}
        first = self.new.setdefault(credit_code, mine)
        diffs = {f: (first[f], mine[f]) for f in HOLDER_FIELDS if first[f] != mine[f]}
        if diffs:
            raise details_conflict(credit_code, diffs)

    def insert_new(self, credit_codes: Iterable[str]) -> dict[str, int]:
        """Insert the noted new holders among `credit_codes` with one statement: {credit code: id}."""
        rows = []
        for code in dict.fromkeys(credit_codes):
            if code in self.registered or code not in self.new:
                continue
            rows.append(holder_row(code, **self.new[code]))
        if not rows:
            return {}
        result = self.session.execute(
            insert(Organisation).returning(Organisation.id, Organisation.credit_code, sort_by_parameter_order=True),
            rows,
        )
        return {code: id_ for id_, code in result}

    def forget(self) -> None:
        """Let go of everything looked up (a long import, between chunks)."""
        self.registered.clear()
        self.absent.clear()
