"""Watch lists: POST /api/v1/watches, GET and DELETE /api/v1/watches/<id> (the secret as bearer token)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from registry.api.write import json_body
from registry.db import get_session
from registry.errors import Unauthorized
from registry.watches.service import authorised_watch, create_watch, delete_watch, parse_watch, watch_targets

bp = Blueprint("api_watches", __name__, url_prefix="/api/v1")


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send the watch's secret as the bearer token", "请以关注的密钥作为 Bearer 令牌")
    return token.strip()


def feed_url(watch_id: str) -> str:
    return current_app.config["BASE_URL"] + url_for("feeds.watch_feed", watch_id=watch_id)


@bp.post("/watches")
def create() -> ResponseReturnValue:
    data = parse_watch(json_body())
    session = get_session()
    watch = create_watch(session, data, current_app.config["SETTINGS"].webhook_allow_hosts)
    response = jsonify(id=watch.id, secret=watch.secret, feed_url=feed_url(watch.id), url=watch.url)
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    response.headers["Location"] = url_for("api_watches.show", watch_id=watch.id)
    return response


@bp.get("/watches/<watch_id>")
def show(watch_id: str) -> ResponseReturnValue:
    session = get_session()
    watch = authorised_watch(session, watch_id, _bearer())
    return jsonify(
        id=watch.id,
        url=watch.url,
        status=watch.status,
        disabled_reason=watch.disabled_reason,
        feed_url=feed_url(watch.id),
        **watch_targets(session, watch),
    )


@bp.delete("/watches/<watch_id>")
def delete(watch_id: str) -> ResponseReturnValue:
    session = get_session()
    delete_watch(session, authorised_watch(session, watch_id, _bearer()))
    return "", 204
