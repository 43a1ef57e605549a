"""Search, directory, schemes and statistics pages."""

from __future__ import annotations

import re

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext, ngettext
from markupsafe import Markup, escape
from sqlalchemy import func, select

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.validation import today
from registry.db import get_session
from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.models import Organisation
from registry.organisations.validation import region_name
from registry.schemes.models import Scheme
from registry.search import search_service
from registry.search.database import _verdict
from registry.search.query import SORTS, parse
from registry.search.service import exact_target
from registry.web.i18n import VERDICT_NAMES, current_lang, pick

bp = Blueprint("web_search", __name__)

FACET_TITLES = {
    "scheme": lazy_gettext("Scheme"),
    "stars": lazy_gettext("Star level"),
    "status": lazy_gettext("Status"),
    "body": lazy_gettext("Certification body"),
    "region": lazy_gettext("Region"),
    "business_type": lazy_gettext("Business type"),
}
SORT_NAMES = {
    "relevance": lazy_gettext("Relevance"),
    "stars": lazy_gettext("Star level"),
    "expires": lazy_gettext("Expiry"),
}


def highlight(text: str, terms: tuple[str, ...] | list[str]) -> Markup:
    """`text` escaped, with every occurrence of a query term wrapped in <mark>."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms or not text:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>") + escape(match.group(0)) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def facet_label(name: str, value: str, names: dict[str, dict[str, tuple[str, str]]]) -> str:
    """A facet value as the reader sees it: UI words from the catalogs, names from the register."""
    if name == "stars":
        return ngettext("%(num)s star", "%(num)s stars", int(value))
    if name == "status":
        return str(VERDICT_NAMES.get(value, value))
    if name == "region":
        return region_name(value, current_lang())
    if name == "business_type":
        return pick(*BUSINESS_TYPES.get(value, (value, value)))
    return pick(*names.get(name, {}).get(value, (value, value)))


def _names(session) -> dict[str, dict[str, tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return {
        "scheme": {c: (zh, en) for c, zh, en in session.execute(select(Scheme.code, Scheme.name_zh, Scheme.name_en))},
        "body": {
            c: (zh, en)
            for c, zh, en in session.execute(
                select(CertificationBody.code, CertificationBody.name_zh, CertificationBody.name_en)
            )
        },
    }


@bp.get("/search")
def search() -> ResponseReturnValue:
    from registry.api.search import search_request

    session = get_session()
    lang = current_lang()
    req = search_request(request.args, strict=False)
    parsed = parse(req.q)
    if req.page == 1 and not req.filters:
        target = exact_target(session, parsed)
        if target is not None:
            return redirect(url_for("web.certificate", number=target[1], lang=lang))
    result = search_service().search(session, req)
    if result.total and req.page > result.pages:
        args = {**request.args.to_dict(), "page": result.pages}
        return redirect(url_for("web_search.search", **args))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "search.html",
        result=result,
        req=req,
        args=args,
        names=_names(session),
        facet_titles=FACET_TITLES,
        facet_label=facet_label,
        sorts=[(s, SORT_NAMES[s]) for s in SORTS],
        business_types=BUSINESS_TYPES,
        region_name=region_name,
        today=today(),
    )


@bp.get("/bodies")
def bodies() -> ResponseReturnValue:
    session = get_session()
    rows = session.execute(
        select(CertificationBody, func.count(Certificate.id))
        .outerjoin(Certificate, Certificate.body_id == CertificationBody.id)
        .group_by(CertificationBody.id)
        .order_by(CertificationBody.code)
    ).all()
    return render_template("bodies.html", rows=rows)


@bp.get("/schemes")
def schemes() -> ResponseReturnValue:
    session = get_session()
    items = list(session.scalars(select(Scheme).order_by(Scheme.code)))
    counts = dict(session.execute(select(Certificate.scheme_id, func.count()).group_by(Certificate.scheme_id)).all())
    return render_template("schemes.html", schemes=items, counts=counts, business_types=BUSINESS_TYPES)


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    session = get_session()
    names = _names(session)
    verdict = _verdict(today()).label("v")

    def grouped(column):  # type: ignore[no-untyped-def]
        return session.execute(
            select(column, func.count())
            .select_from(Certificate)
            .join(Organisation, Organisation.id == Certificate.holder_id)
            .join(Scheme, Scheme.id == Certificate.scheme_id)
            .group_by(column)
            .order_by(func.count().desc())
        ).all()

    charts = [
        ("stars", sorted(((str(k), n) for k, n in grouped(Certificate.star_level)), reverse=True)),
        ("scheme", [(str(k), n) for k, n in grouped(Scheme.code)]),
        ("status", [(str(k), n) for k, n in grouped(verdict)]),
        ("region", [(str(k), n) for k, n in grouped(Organisation.region)][:15]),
        ("business_type", [(str(k), n) for k, n in grouped(Organisation.business_type)]),
    ]
    total = sum(n for _, n in charts[0][1])
    return render_template(
        "stats.html",
        charts=charts,
        total=total,
        names=names,
        facet_titles=FACET_TITLES,
        facet_label=facet_label,
    )
