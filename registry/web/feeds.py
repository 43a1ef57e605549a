"""Atom feeds: every status change in the register (filterable), and each watch's own messages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate, CertificateEvent
from registry.db import get_session, utcnow
from registry.errors import FieldError, ValidationError
from registry.organisations.models import Organisation
from registry.schemes.models import Scheme
from registry.watches.models import Delivery
from registry.watches.service import find_watch

bp = Blueprint("feeds", __name__)

STATUS_EVENTS = ("suspend", "reinstate", "revoke", "withdraw", "renew")
EVENT_WORDS = {
    "issue": ("issued", "颁发"),
    "suspend": ("suspended", "暂停"),
    "reinstate": ("reinstated", "恢复"),
    "revoke": ("revoked", "撤销"),
    "withdraw": ("withdrawn", "注销"),
    "renew": ("renewed", "换证"),
    "amend": ("amended", "变更"),
    "surveillance": ("surveilled", "监督"),
    "expire": ("expired", "过期"),
}
FEED_SIZE = 100


def _atom_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _feed(feed_id: str, title: str, entries: list[dict[str, Any]]) -> Response:
    updated = entries[0]["updated"] if entries else _atom_time(utcnow())
    body = render_template(
        "feed.atom.xml", feed_id=feed_id, title=title, self_url=request.url, updated=updated, entries=entries
    )
    return Response(body, mimetype="application/atom+xml", headers={"Cache-Control": "public, max-age=60"})


def _region_prefix(code: str) -> str:
    """A GB/T 2260 code as the prefix it rolls up: 110000 -> 11, 110100 -> 1101, 110105 -> 110105."""
    if len(code) != 6 or not code.isdigit():
        raise ValidationError(
            [FieldError("region", "must be a six-digit GB/T 2260 code", "应为六位行政区划码")], status=400
        )
    return code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code


@bp.get("/feeds/changes.atom")
def changes() -> ResponseReturnValue:
    query = (
        select(CertificateEvent, Certificate.number, Organisation.name_zh, Organisation.name_en)
        .join(Certificate, Certificate.id == CertificateEvent.certificate_id)
        .join(Organisation, Organisation.id == Certificate.holder_id)
        .where(CertificateEvent.type.in_(STATUS_EVENTS))
    )
    body, scheme, region = (request.args.get(k, "").strip() for k in ("body", "scheme", "region"))
    if body:
        query = query.join(CertificationBody, CertificationBody.id == Certificate.body_id).where(
            CertificationBody.code == body
        )
    if scheme:
        query = query.join(Scheme, Scheme.id == Certificate.scheme_id).where(Scheme.code == scheme)
    if region:
        query = query.where(Organisation.region.startswith(_region_prefix(region)))
    rows = get_session().execute(query.order_by(CertificateEvent.seq.desc()).limit(FEED_SIZE)).all()
    base = current_app.config["BASE_URL"]
    entries = []
    for event, number, name_zh, name_en in rows:
        en, zh = EVENT_WORDS[event.type]
        state = event.state
        entries.append(
            {
                "id": f"{base}/certificates/{number}/history#event-{event.seq}",
                "title": f"{number} {zh} / {en}: {name_zh}",
                "updated": _atom_time(event.recorded_at),
                "link": f"{base}{url_for('web.certificate', number=number)}",
                "summary": f"{name_zh} ({name_en}) · {number} · {zh} {en} · {event.effective.isoformat()}"
                + (f" · {event.reason}" if event.reason else "")
                + f" · {state['star_level']}★ · {state['scheme']} · → {state['expires']}",
                "json": None,
            }
        )
    title = "服务认证证书状态变更 / Service certificate status changes"
    return _feed(f"{base}/feeds/changes.atom", title, entries)


@bp.get("/feeds/watches/<watch_id>.atom")
def watch_feed(watch_id: str) -> ResponseReturnValue:
    session = get_session()
    watch = find_watch(session, watch_id)
    deliveries = session.scalars(
        select(Delivery).where(Delivery.watch_id == watch.id).order_by(Delivery.created_at.desc()).limit(FEED_SIZE)
    )
    base = current_app.config["BASE_URL"]
    entries = []
    for d in deliveries:
        data = d.payload.get("data", {})
        en, zh = EVENT_WORDS.get(data.get("event", ""), (d.event_type, d.event_type))
        holder = data.get("holder") or {}
        entries.append(
            {
                "id": f"{base}/feeds/watches/{watch.id}.atom#{d.id}",
                "title": f"{data.get('number')} {zh} / {en}: {holder.get('name_zh', '')}",
                "updated": _atom_time(d.created_at),
                "link": data.get("url") or base,
                "summary": f"{holder.get('name_zh', '')} · {data.get('number')} · {zh} {en} · "
                f"{data.get('effective', '')} · {data.get('verdict')}",
                "json": json.dumps(d.payload, ensure_ascii=False, sort_keys=True),
            }
        )
    return _feed(f"{base}/feeds/watches/{watch.id}.atom", f"关注 / Watch {watch.id}", entries)
