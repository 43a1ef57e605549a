"""Pages that load once: versioned static URLs cached for a year, compressed responses, a favicon."""

from __future__ import annotations

import hashlib
import posixpath
from functools import lru_cache
from pathlib import Path
from stat import S_ISREG
from typing import Any

from flask import Flask, Response, redirect, request, url_for
from flask_compress import Compress

YEAR = 365 * 24 * 3600

# Brotli first, gzip for every other client (see bench/bench_page_bytes.py for the bytes).
# Static files are sent as streams: Flask-Compress compresses those with its streaming list.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
    # Measured on site.css (11 kB): quality 4 gives 3,324 bytes (larger than gzip's 3,256), 5 gives
    # 3,019 in about 2 ms; 9 and above cost 35-70 ms for 1-10% less.
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/json",
        "application/problem+json",
        "application/jwk-set+json",
        "image/svg+xml",
    ],
}


def init_app(app: Flask) -> None:
    """Compress responses and version static URLs.

    Call before any other `after_request` hook is registered: Flask runs those hooks in reverse,
    so compression then runs last, after the API has computed its ETags over the plain body.
    """
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    Compress(app)
    static_folder = Path(app.static_folder or "")

    @app.url_defaults
    def _version_static_urls(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = static_version(static_folder, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_static(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        filename = (request.view_args or {}).get("filename", "")
        asked = request.args.get("v")
        if asked and asked == static_version(static_folder, filename):
            # The URL names the file's content: it can never change, so no client needs to ask again.
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response

    @app.get("/favicon.ico")
    def favicon() -> Response:
        # Clients that never read the page's <link rel="icon"> still ask here. Not a permanent
        # redirect: its target names one version of the icon.
        return redirect(url_for("static", filename="favicon.svg"))  # type: ignore[return-value]


def static_version(folder: Path, filename: str) -> str | None:
    """A short fingerprint of a static file's content, or None when there is no such file.

    Asked for every static URL a page links (no path resolving: one stat, then the cached hash).
    """
    name = posixpath.normpath(filename)
    if name.startswith(("/", "../")) or name in ("..", "."):
        return None
    path = _root(folder) / name
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    if not S_ISREG(stat.st_mode):
        return None
    return _fingerprint(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _root(folder: Path) -> Path:
    return folder.resolve()


@lru_cache(maxsize=64)
def _fingerprint(path: Path, mtime_ns: int, size: int) -> str:
    # Keyed on mtime and size too, so an edited file gets a new version without a restart.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
