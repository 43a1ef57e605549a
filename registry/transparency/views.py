"""/log/: the checkpoint, the log key, hash tiles and entry bundles (C2SP tlog-tiles)."""

from __future__ import annotations

import gzip

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue

from registry.db import get_session
from registry.transparency import log_service
from registry.transparency.service import LogUnavailable, served_note
from registry.transparency.store import DatabaseTiles, entry_bundle, latest_checkpoint
from registry.transparency.tiles import ENTRIES, parse_tile_path, tile_width

bp = Blueprint("log", __name__, url_prefix="/log")

YEAR = 31_536_000


def _text(body: str, max_age: int) -> Response:
    response = Response(body, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/checkpoint")
def checkpoint() -> ResponseReturnValue:
    session = get_session()
    # A server that only serves reads still follows commits made elsewhere (imports, other servers).
    log_service().follow()
    latest = latest_checkpoint(session)
    if latest is None:
        try:
            latest = log_service().checkpoint_covering(session, -1)
        except LogUnavailable:
            abort(503, "the transparency log has no key yet")
    return _text(served_note(latest), 2)


@bp.get("/key")
def key() -> ResponseReturnValue:
    signer = log_service().signer()
    if signer is None:
        abort(503, "the transparency log has no key yet")
    return _text(signer.verifier.vkey + "\n", 3600)


@bp.get("/tile/<path:rest>")
def tile(rest: str) -> ResponseReturnValue:
    parsed = parse_tile_path(rest)
    if parsed is None:
        abort(404, "not a tile path")
    level, index, width = parsed
    session = get_session()
    latest = latest_checkpoint(session)
    size = latest.size if latest is not None else 0
    # Only what a signed checkpoint needs: a tile (or a wider prefix of it) the log has published.
    if tile_width(size, level, index) < width:
        abort(404, "no such tile in the published log")
    try:
        data = entry_bundle(session, index, width) if level == ENTRIES else DatabaseTiles(session)(level, index, width)
    except LookupError:
        abort(404, "no such tile in the published log")
    encoded = level == ENTRIES and "gzip" in request.headers.get("Accept-Encoding", "")
    response = Response(gzip.compress(data, 6) if encoded else data, content_type="application/octet-stream")
    if encoded:
        response.headers["Content-Encoding"] = "gzip"
    if level == ENTRIES:
        response.headers["Vary"] = "Accept-Encoding"
    # Tiles never change once served: full ones, and partial ones (a prefix named by its width).
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
