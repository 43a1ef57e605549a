"""`/verify/watch`: follow the certificates of a bulk check (webhook + Atom feed), no account needed."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue

from registry.db import get_session
from registry.errors import ValidationError
from registry.watches.service import create_watch, parse_watch

bp = Blueprint("watch_page", __name__)


def watch_targets(results: list[dict]) -> tuple[list[str], list[str]]:
    """The numbers and holders' credit codes a results table offers to watch."""
    numbers, codes = [], []
    for r in results:
        if r.get("input_kind") in ("credit_code", "name"):
            codes += [h["credit_code"] for h in r.get("holders") or []]
        elif r.get("number") and r.get("verdict") not in ("not_found", "forged"):
            numbers.append(r["number"])
    return list(dict.fromkeys(numbers)), list(dict.fromkeys(codes))


@bp.post("/verify/watch")
def create() -> ResponseReturnValue:
    split = lambda name: [v for v in request.form.get(name, "").split(",") if v.strip()]  # noqa: E731
    data = {"url": request.form.get("url", ""), "numbers": split("numbers"), "credit_codes": split("credit_codes")}
    try:
        parsed = parse_watch(data)
        session = get_session()
        watch = create_watch(session, parsed, current_app.config["SETTINGS"].webhook_allow_hosts)
    except ValidationError as exc:
        return render_template("watch_created.html", watch=None, errors=exc.errors, form=data), 422
    feed = current_app.config["BASE_URL"] + url_for("feeds.watch_feed", watch_id=watch.id)
    api = current_app.config["BASE_URL"] + url_for("api_watches.show", watch_id=watch.id)
    return render_template("watch_created.html", watch=watch, feed_url=feed, api_url=api, errors=None, form=data)
