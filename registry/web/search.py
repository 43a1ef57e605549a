"""Search, directory, schemes and statistics pages."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext, ngettext
from markupsafe import Markup, escape
from sqlalchemy import func, select

from registry.bodies.models import CertificationBody
from registry.certificates.models import Certificate
from registry.certificates.stats import register_stats
from registry.certificates.validation import today
from registry.certificates.verdicts import verdict_of
from registry.db import get_session
from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.validation import region_name
from registry.schemes.models import Scheme
from registry.search import search_service
from registry.search.interfaces import FACETS, SORTS
from registry.search.params import SearchRequest, search_request
from registry.search.service import SearchPage, exact_target
from registry.search.text import parse
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


def search_url(args: dict[str, str], name: str, value: str) -> str:
    """/search with `args` and one facet set: built directly, as a page can hold a hundred such links."""
    return "/search?" + urlencode({**args, name: value})


def chip_links(
    req: SearchRequest, result: SearchPage, args: dict[str, str], names: dict[str, dict[str, tuple[str, str]]]
) -> list[tuple[str, str, str]]:
    """(facet title, value label, URL without it) for every filter in effect: typed words and chosen facets."""
    links = []
    for chip in result.chips:
        label = " / ".join(facet_label(chip.facet, v, names) for v in chip.values)
        # Removing an understood word searches it as plain text: quoted words are never understood.
        q = req.q.replace(chip.words, f'"{chip.words}"', 1) if chip.words in req.q else req.q
        extra = {} if chip.words in req.q else {"understand": "0"}
        links.append((str(FACET_TITLES[chip.facet]), label, url_for("web_search.search", **{**args, "q": q, **extra})))
    for name in FACETS:
        values = req.values(name)
        if values:
            label = " / ".join(facet_label(name, v, names) for v in values)
            without = {k: v for k, v in args.items() if k != name}
            links.append((str(FACET_TITLES[name]), label, url_for("web_search.search", **without)))
    return links


@bp.get("/search")
def search() -> ResponseReturnValue:
    session = get_session()
    lang = current_lang()
    req = search_request(request.args, strict=False)
    if req.page == 1 and not req.filters:
        target = exact_target(session, parse(req.q))
        if target is not None:
            return redirect(url_for("web.certificate", number=target[1], lang=lang))
    result = search_service().search(session, req)
    if result.total and req.page > result.pages:
        args = {**request.args.to_dict(), "page": result.pages}
        return redirect(url_for("web_search.search", **args))
    args = {k: v for k, v in request.args.items() if k != "page"}
    names = _names(session)
    return render_template(
        "search.html",
        result=result,
        req=req,
        args=args,
        chips=chip_links(req, result, args, names),
        search_url=search_url,
        certificate_base=url_for("web.certificate", number="X")[:-1],
        certificate_query="?"
        + urlencode({k: v for k, v in {"lang": lang, "as_of": request.args.get("as_of")}.items() if v}),
        names=names,
        facet_titles=FACET_TITLES,
        facet_label=facet_label,
        sorts=[(s, SORT_NAMES[s]) for s in SORTS],
        region_name=region_name,
        today=today(),
        verdict_of=verdict_of,
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
    numbers = register_stats(session, today())
    charts = [
        ("stars", list(numbers["by_star_level"].items())),
        ("scheme", list(numbers["by_scheme"].items())),
        ("status", [(v, n) for v, n in numbers["by_verdict"].items() if n]),
        ("region", [(r["code"], r["count"]) for r in numbers["by_region"]][:15]),
        ("business_type", list(numbers["by_business_type"].items())),
    ]
    return render_template(
        "stats.html",
        charts=charts,
        total=numbers["total"],
        names=_names(session),
        facet_titles=FACET_TITLES,
        facet_label=facet_label,
    )
