"""Search, directory, schemes and statistics pages."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, quote_plus, urlencode

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext, lazy_ngettext, ngettext
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
from registry.web.i18n import VERDICT_NAMES, current_lang, in_page_lang

bp = Blueprint("web_search", __name__)

FACET_TITLES = {
    "scheme": lazy_gettext("Scheme"),
    "stars": lazy_gettext("Star level"),
    "status": lazy_gettext("Status"),
    "body": lazy_gettext("Certification body"),
    "region": lazy_gettext("Region"),
    "business_type": lazy_gettext("Business type"),
}
# "5 stars": a star level as a facet value and a result's label.
STAR_NAMES = {str(n): lazy_ngettext("%(num)s star", "%(num)s stars", n) for n in range(1, 6)}
SORT_NAMES = {
    "relevance": lazy_gettext("Relevance"),
    "stars": lazy_gettext("Star level"),
    "expires": lazy_gettext("Expiry"),
}


@lru_cache(maxsize=256)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all terms, longest first (a page highlights twenty results with it)."""
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE) if ordered else None


def highlight(text: str, terms: tuple[str, ...] | list[str]) -> Markup:
    """`text` escaped, with every occurrence of a query term wrapped in <mark>."""
    pattern = _terms_pattern(tuple(terms)) if terms else None
    if pattern is None or not text:
        return escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out += (escape(text[last : match.start()]), "<mark>", escape(match.group(0)), "</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    # Every piece of `text` went through escape(); the rest are the two tags.
    return Markup("".join(out))


def facet_label(name: str, value: str, names: dict[str, dict[str, tuple[str, str]]], lang: str | None = None) -> str:
    """A facet value as the reader sees it: UI words from the catalogs, names from the register."""
    if name == "stars":
        return in_page_lang(STAR_NAMES).get(value) or ngettext("%(num)s star", "%(num)s stars", int(value))
    if name == "status":
        return in_page_lang(VERDICT_NAMES).get(value, value)
    lang = lang or current_lang()
    if name == "region":
        return region_name(value, lang)
    zh, en = (
        BUSINESS_TYPES.get(value, (value, value))
        if name == "business_type"
        else names.get(name, {}).get(value, (value, value))
    )
    return en if lang == "en" and en else zh


def _names(session) -> dict[str, dict[str, tuple[str, str]]]:  # type: ignore[no-untyped-def]
    return search_service().display_names(session)


class FacetLinks:
    """/search with the page's arguments and one facet set to a value.

    A page holds up to a hundred such links: the other arguments are encoded once per facet.
    """

    def __init__(self, args: dict[str, str]) -> None:
        self.args = args
        self._all = urlencode(args)
        self._prefixes: dict[str, str] = {}

    def __call__(self, name: str, value: str) -> str:
        prefix = self._prefixes.get(name)
        if prefix is None:
            others = urlencode({k: v for k, v in self.args.items() if k != name}) if name in self.args else self._all
            prefix = self._prefixes[name] = f"/search?{others}&{name}=" if others else f"/search?{name}="
        return prefix + quote_plus(value)


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
        links.append(
            (in_page_lang(FACET_TITLES)[chip.facet], label, url_for("web_search.search", **{**args, "q": q, **extra}))
        )
    for name in FACETS:
        values = req.values(name)
        if values:
            label = " / ".join(facet_label(name, v, names) for v in values)
            without = {k: v for k, v in args.items() if k != name}
            links.append((in_page_lang(FACET_TITLES)[name], label, url_for("web_search.search", **without)))
    return links


@dataclass(frozen=True)
class FacetSection:
    """One facet in the sidebar: its first values, the rest behind "more", as list items."""

    name: str
    title: str
    top: Markup
    more: Markup
    more_count: int


FACET_SHOWN = 8
CURRENT = ' aria-current="true"'


def facet_sections(
    req: SearchRequest,
    facets: dict[str, dict[str, int]],
    links: FacetLinks,
    names: dict[str, dict[str, tuple[str, str]]],
) -> list[FacetSection]:
    """The sidebar's facets as HTML list items, built here: a page lists up to a hundred values,
    and one formatted string per value costs a fraction of the template expressions it replaces."""
    sections = []
    lang = current_lang()
    for name, counts in facets.items():
        if not counts:
            continue
        chosen = set(req.values(name))
        items = [
            f'<li><a href="{escape(links(name, value))}"{CURRENT if value in chosen else ""}>'
            f'{escape(facet_label(name, value, names, lang))}</a> <span class="count">{n:,}</span></li>'
            for value, n in counts.items()
        ]
        if name == "stars" and "4" in counts and "5" in counts:
            items.insert(
                FACET_SHOWN if len(items) > FACET_SHOWN else len(items),
                f'<li><a href="{escape(links("stars", "4,5"))}"'
                f"{CURRENT if req.values('stars') == ('4', '5') else ''}>{escape(gettext('4★ and above'))}</a></li>",
            )
        top, more = items[: FACET_SHOWN + (name == "stars")], items[FACET_SHOWN + (name == "stars") :]
        # Every value above went through escape(): the joined items are safe HTML.
        sections.append(
            FacetSection(name, in_page_lang(FACET_TITLES)[name], Markup("".join(top)), Markup("".join(more)), len(more))
        )
    return sections


@dataclass(frozen=True)
class Hit:
    """One result as the page shows it, in the page language, with the query's terms marked."""

    url: str
    name: Markup
    alt_name: Markup | None
    number: Markup
    stars: int
    stars_label: str
    verdict: str
    verdict_label: str
    expires: str
    scheme: str
    region: str
    scope: Markup


def hits(result: SearchPage, lang: str, url_base: str, url_query: str, day: dt.date) -> list[Hit]:
    """The page's results, prepared here so that the template only places them."""
    terms, number = result.query.highlight, [result.query.number] if result.query.number else []
    verdict_labels = in_page_lang(VERDICT_NAMES)
    out = []
    for c in result.certificates:
        holder, scheme = c.holder, c.scheme
        english = lang == "en"
        verdict = verdict_of(c.status, c.expires, day)
        out.append(
            Hit(
                url=url_base + quote(c.number, safe="/") + url_query,
                name=highlight(holder.name_en if english and holder.name_en else holder.name_zh, terms),
                alt_name=highlight(holder.name_zh, terms) if english and holder.name_en else None,
                number=highlight(c.number, number),
                stars=c.star_level,
                stars_label=facet_label("stars", str(c.star_level), {}),
                verdict=verdict,
                verdict_label=verdict_labels[verdict],
                expires=c.expires.isoformat(),
                scheme=scheme.short_name_zh if not english and scheme.short_name_zh else scheme.short_name,
                region=region_name(holder.region, lang),
                scope=highlight(c.scope_en if english and c.scope_en else c.scope_zh, terms),
            )
        )
    return out


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
        facet_url=FacetLinks(args),
        facet_sections=facet_sections(req, result.facets, FacetLinks(args), names),
        hits=hits(
            result,
            lang,
            url_for("web.certificate", number="X")[:-1],
            "?" + urlencode({k: v for k, v in {"lang": lang, "as_of": request.args.get("as_of")}.items() if v}),
            today(),
        ),
        sorts=[(s, in_page_lang(SORT_NAMES)[s]) for s in SORTS],
        region_name=region_name,
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
