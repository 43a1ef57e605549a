"""Watch lists: POST /api/v1/watches, GET and DELETE /api/v1/watches/<id> (the secret as bearer token)."""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for
from flask.typing import ResponseReturnValue

from registry.api.docs import WATCH_SECRET, answers, described
from registry.api.representations import answer
from registry.api.write import json_body
from registry.db import get_session
from registry.errors import Unauthorized
from registry.watches.schemas import WatchCreatedOut, WatchIn, WatchOut
from registry.watches.service import authorised_watch, create_watch, delete_watch, parse_watch, watch_targets

bp = Blueprint("api_watches", __name__, url_prefix="/api/v1")
WATCH_ID = {"watch_id": "The id returned when the watch was created"}


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the watch's secret as the bearer token", "请以关注的密钥作为 Bearer 令牌")
    return token.strip()


def feed_url(watch_id: str) -> str:
    return current_app.config["BASE_URL"] + url_for("feeds.watch_feed", watch_id=watch_id)


@bp.post("/watches")
@described(
    "createWatch",
    answers(
        {201: (WatchCreatedOut, "The new watch and its secret")},
        (400, "Malformed JSON"),
        (415, "Not JSON"),
        (422, "Validation failed, or a refused callback URL"),
    ),
    json=WatchIn,
)
def create() -> ResponseReturnValue:
    """Follow certificates and holders: signed webhooks to `url` and an Atom feed."""
    data = parse_watch(json_body())
    session = get_session()
    watch = create_watch(session, data, current_app.config["SETTINGS"].webhook_allow_hosts)
    created = WatchCreatedOut(id=watch.id, secret=watch.secret, feed_url=feed_url(watch.id), url=watch.url)
    response = answer(created, 201)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Location"] = url_for("api_watches.show", watch_id=watch.id)
    return response


@bp.get("/watches/<watch_id>")
@described(
    "getWatch",
    answers({200: (WatchOut, "The watch")}, (401, "Missing or wrong secret"), (404, "No such watch")),
    security=WATCH_SECRET,
    path_parameter_descriptions=WATCH_ID,
)
def show(watch_id: str) -> ResponseReturnValue:
    """A watch: its callback, status and targets."""
    session = get_session()
    watch = authorised_watch(session, watch_id, _bearer())
    return answer(
        WatchOut(
            id=watch.id,
            url=watch.url,
            status=watch.status,
            disabled_reason=watch.disabled_reason,
            feed_url=feed_url(watch.id),
            **watch_targets(session, watch),
        )
    )


@bp.delete("/watches/<watch_id>")
@described(
    "deleteWatch",
    answers({204: (None, "Deleted")}, (401, "Missing or wrong secret"), (404, "No such watch")),
    security=WATCH_SECRET,
    path_parameter_descriptions=WATCH_ID,
)
def delete(watch_id: str) -> ResponseReturnValue:
    """Stop a watch."""
    session = get_session()
    delete_watch(session, authorised_watch(session, watch_id, _bearer()))
    return "", 204
