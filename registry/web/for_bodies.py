"""`/for-bodies` (认证机构入口): how to join, the portal, the API and its reference, the import format."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext
from sqlalchemy import select

from registry.bodies.models import CertificationBody
from registry.db import get_session
from registry.porting.spreadsheet import template_xlsx
from registry.porting.table_format import CSV_COLUMNS, EXAMPLE_ROW, REQUIRED_COLUMNS, template_csv
from registry.web import apiref

bp = Blueprint("for_bodies", __name__)

COLUMN_NOTES = {
    "number": lazy_gettext("Certificate number: 4-40 letters, digits, '-' or '/'; kept upper-case."),
    "scheme": lazy_gettext("Scheme code exactly as on the Schemes page, e.g. GB/T 27922-2011."),
    "holder_name_zh": lazy_gettext("Holder's name in Chinese."),
    "holder_name_en": lazy_gettext("Holder's name in English (optional)."),
    "credit_code": lazy_gettext("Holder's 18-character unified social credit code (check character verified)."),
    "region": lazy_gettext("GB/T 2260 division code of the holder, e.g. 110105."),
    "business_type": lazy_gettext("Business type code, e.g. mall, supermarket, housekeeping."),
    "star_level": lazy_gettext("Star level 1-5; must agree with the score under the scheme."),
    "score": lazy_gettext("Score, up to two decimal places, within the scheme's full score."),
    "scope_zh": lazy_gettext("Scope of certification in Chinese."),
    "scope_en": lazy_gettext("Scope in English (optional)."),
    "issued": lazy_gettext("Issue date, YYYY-MM-DD; not in the future."),
    "expires": lazy_gettext("Last day of validity, YYYY-MM-DD; empty for the scheme's validity."),
    "sites": lazy_gettext("Certified sites, separated by ';' (optional)."),
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _document() -> dict[str, Any]:
    # The API package offers its OpenAPI document here; the site never imports the API.
    return current_app.extensions["registry.openapi"]()


@bp.get("/for-bodies")
def page() -> ResponseReturnValue:
    bodies = get_session().scalars(select(CertificationBody).order_by(CertificationBody.code))
    return render_template(
        "for_bodies.html",
        columns=[(c, c in REQUIRED_COLUMNS, COLUMN_NOTES[c], EXAMPLE_ROW.get(c, "")) for c in CSV_COLUMNS],
        limits=current_app.extensions.get("registry.limits", {}),
        operations=apiref.operations(_document()),
        bodies=[b for b in bodies if b.contact_email or b.contact_phone or b.website or b.contact_address],
    )


@bp.get("/for-bodies/api")
def api_reference() -> ResponseReturnValue:
    doc = _document()
    return render_template(
        "for_bodies_api.html",
        info=doc["info"],
        operations=apiref.operations(doc),
        schemas=apiref.schemas(doc),
    )


@bp.get("/for-bodies/template.csv")
def template_csv_download() -> ResponseReturnValue:
    return Response(
        template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="certificates-template.csv"'},
    )


@bp.get("/for-bodies/template.xlsx")
def template_xlsx_download() -> ResponseReturnValue:
    return Response(
        template_xlsx(),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": 'attachment; filename="certificates-template.xlsx"'},
    )
