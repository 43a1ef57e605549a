"""Restore: load a whole-register export into an empty register, row for row, then audit the chain."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from registry.bodies.models import ApiKey, CertificationBody
from registry.certificates.chain import audit
from registry.certificates.models import Certificate, CertificateEvent, ChainHead
from registry.certificates.validation import number_skeleton
from registry.idempotency.models import IdempotentRequest
from registry.organisations.holders import holder_row
from registry.organisations.models import Organisation
from registry.porting.importer import ImportReport, open_text
from registry.porting.table_format import line_error
from registry.schemes.models import Scheme
from registry.signing.models import SigningKey

REQUIRED_BY_KIND = {
    "scheme": ("code", "name_zh", "max_score", "thresholds"),
    "signing_key": ("kid", "public_key", "created_at"),
    "body": ("code", "name_zh", "status", "created_at"),
    "api_key": ("body", "prefix", "key_hash", "created_at"),
    "holder": ("credit_code", "name_zh", "region", "business_type"),
    "certificate": ("number", "scheme", "holder", "body", "star_level", "score", "issued", "expires", "status"),
    "event": ("seq", "certificate", "type", "effective", "recorded_at", "actor", "state", "prev_hash", "hash"),
    "idempotent_request": ("api_key", "key", "fingerprint", "status", "body", "created_at"),
}


def _time(value: str | None) -> Any:
    return None if value is None else dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _date(value: str) -> Any:
    return dt.date.fromisoformat(value)


def import_export(session: Session, path: Path, on_row: Callable[[], None] | None = None) -> ImportReport:
    """Load a whole-register export into an empty register, row for row, then audit the chain."""
    report = ImportReport(kind="export")
    if session.scalar(select(func.count()).select_from(Certificate)):
        report.errors.append(
            line_error(
                0,
                "file",
                "the register is not empty; a full export loads only into an empty one",
                "登记簿不为空；完整导出只能导入空登记簿",
            )
        )
        return report
    ids: dict[str, dict[str, int]] = {"scheme": {}, "body": {}, "holder": {}, "certificate": {}, "api_key": {}}
    ids["scheme"] = {code: i for i, code in session.execute(select(Scheme.id, Scheme.code))}
    pending: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    last_event: tuple[int, str] = (0, "0" * 64)

    def flush(kind: str) -> None:
        rows = pending.pop(kind, [])
        if not rows or report.errors:
            return
        try:
            _insert(session, kind, rows, ids)
        except KeyError as exc:
            report.errors.append(line_error(rows[0][0], kind, f"refers to unknown {exc.args[0]}", "引用了不存在的记录"))

    with open_text(path) as handle:
        current = None
        for line, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            report.rows += 1
            if on_row is not None:
                on_row()
            try:
                record = json.loads(text)
            except ValueError as exc:
                report.errors.append(line_error(line, "line", f"not valid JSON: {exc.msg}", "不是有效的 JSON"))
                continue
            kind = record.get("kind") if isinstance(record, dict) else None
            if kind == "header":
                continue
            if kind not in REQUIRED_BY_KIND:
                report.errors.append(line_error(line, "kind", f"unknown record kind {kind!r}", "未知的记录类型"))
                continue
            missing = [k for k in REQUIRED_BY_KIND[kind] if k not in record]
            if missing:
                report.errors.append(line_error(line, missing[0], "is required", "必填"))
                continue
            if kind != current and current is not None:
                flush(current)
            current = kind
            pending.setdefault(kind, []).append((line, record))
            if kind == "event":
                last_event = (record["seq"], record["hash"])
            if len(pending[kind]) >= 1000:
                flush(kind)
        if current is not None:
            flush(current)
    if report.errors:
        return report
    head = session.get(ChainHead, 1)
    assert head is not None
    head.seq, head.hash = last_event
    session.flush()
    _count, failure = audit(session)
    if failure is not None:
        report.errors.append(
            line_error(0, f"event {failure.seq}", f"hash chain broken: {failure.problem}", "事件哈希链校验失败")
        )
    report.created = report.rows
    return report


def _insert(
    session: Session, kind: str, rows: list[tuple[int, dict[str, Any]]], ids: dict[str, dict[str, int]]
) -> None:
    records = [r for _, r in rows]
    if kind == "scheme":
        for r in records:
            if r["code"] in ids["scheme"]:
                continue
            scheme = Scheme(
                code=r["code"],
                short_name=r.get("short_name", r["code"]),
                short_name_zh=r.get("short_name_zh", ""),
                name_zh=r["name_zh"],
                name_en=r.get("name_en", ""),
                max_score=r["max_score"],
                thresholds=r["thresholds"],
                validity_months=r.get("validity_months", 36),
                surveillance_months=r.get("surveillance_months", 12),
                components=r.get("components", []),
                business_types=r.get("business_types", []),
                notes=r.get("notes", ""),
            )
            session.add(scheme)
            session.flush()
            ids["scheme"][scheme.code] = scheme.id
    elif kind == "signing_key":
        existing = set(session.scalars(select(SigningKey.kid)))
        session.add_all(
            SigningKey(
                kid=r["kid"],
                public_key=r["public_key"],
                created_at=_time(r["created_at"]),
                retired_at=_time(r.get("retired_at")),
                revoked_at=_time(r.get("revoked_at")),
            )
            for r in records
            if r["kid"] not in existing
        )
        session.flush()
    elif kind == "body":
        existing = {code: i for i, code in session.execute(select(CertificationBody.id, CertificationBody.code))}
        for r in records:
            if r["code"] in existing:
                ids["body"][r["code"]] = existing[r["code"]]
                continue
            body = CertificationBody(
                code=r["code"],
                name_zh=r["name_zh"],
                name_en=r.get("name_en", ""),
                status=r["status"],
                created_at=_time(r["created_at"]),
                contact_phone=r.get("contact_phone", ""),
                contact_email=r.get("contact_email", ""),
                website=r.get("website", ""),
            )
            session.add(body)
            session.flush()
            ids["body"][body.code] = body.id
    elif kind == "api_key":
        result = session.execute(
            insert(ApiKey).returning(ApiKey.id, ApiKey.prefix, sort_by_parameter_order=True),
            [
                {
                    "body_id": ids["body"][r["body"]],
                    "prefix": r["prefix"],
                    "key_hash": r["key_hash"],
                    "created_at": _time(r["created_at"]),
                    "last_used_at": _time(r.get("last_used_at")),
                    "revoked_at": _time(r.get("revoked_at")),
                }
                for r in records
            ],
        )
        ids["api_key"].update({prefix: i for i, prefix in result})
    elif kind == "holder":
        result = session.execute(
            insert(Organisation).returning(Organisation.id, Organisation.credit_code, sort_by_parameter_order=True),
            [
                holder_row(r["credit_code"], r["name_zh"], r.get("name_en", ""), r["region"], r["business_type"])
                for r in records
            ],
        )
        ids["holder"].update({code: i for i, code in result})
    elif kind == "certificate":
        result = session.execute(
            insert(Certificate).returning(Certificate.id, Certificate.number, sort_by_parameter_order=True),
            [
                {
                    "number": r["number"],
                    "number_skeleton": number_skeleton(r["number"]),
                    "scheme_id": ids["scheme"][r["scheme"]],
                    "holder_id": ids["holder"][r["holder"]],
                    "body_id": ids["body"][r["body"]],
                    "star_level": r["star_level"],
                    "score": Decimal(str(r["score"])),
                    "scope_zh": r.get("scope_zh", ""),
                    "scope_en": r.get("scope_en", ""),
                    "sites": r.get("sites", []),
                    "evaluation": r.get("evaluation", {}),
                    "issued": _date(r["issued"]),
                    "expires": _date(r["expires"]),
                    "status": r["status"],
                    "token": r.get("token"),
                    "version": r.get("version", 1),
                    "created_at": _time(r.get("created_at")),
                    "updated_at": _time(r.get("updated_at")),
                }
                for r in records
            ],
        )
        ids["certificate"].update({number: i for i, number in result})
    elif kind == "event":
        session.execute(
            insert(CertificateEvent),
            [
                {
                    "seq": r["seq"],
                    "certificate_id": ids["certificate"][r["certificate"]],
                    "type": r["type"],
                    "effective": _date(r["effective"]),
                    "recorded_at": _time(r["recorded_at"]),
                    "actor": r["actor"],
                    "request_id": r.get("request_id"),
                    "reason": r.get("reason", ""),
                    "details": r.get("details", {}),
                    "state": r["state"],
                    "prev_hash": r["prev_hash"],
                    "hash": r["hash"],
                }
                for r in records
            ],
        )
    elif kind == "idempotent_request":
        _insert_idempotent(session, records, ids)


def _insert_idempotent(session: Session, records: list[dict[str, Any]], ids: dict[str, dict[str, int]]) -> None:
    session.execute(
        insert(IdempotentRequest),
        [
            {
                "api_key_id": ids["api_key"][r["api_key"]],
                "key": r["key"],
                "fingerprint": r["fingerprint"],
                "status": r["status"],
                "body": r["body"],
                "created_at": _time(r["created_at"]),
            }
            for r in records
        ],
    )
