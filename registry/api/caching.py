"""Cache headers, ETags and open CORS for the public read endpoints."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request

# Seconds a shared cache may keep each public read; status changes show within a minute.
MAX_AGE = {
    "api_public.certificate": 60,
    "api_public.certificate_history": 60,
    "api_public.schemes": 3600,
    "api_search.list_certificates": 30,
    "api_openapi.openapi": 3600,
}


def init_app(app: Flask) -> None:
    """Add Cache-Control, a strong ETag (304 on If-None-Match) and CORS to public GETs."""

    @app.after_request
    def _public_read_headers(response: Response) -> Response:
        if request.method not in ("GET", "HEAD"):
            return response
        endpoint = request.endpoint or ""
        if endpoint in MAX_AGE or endpoint == "api_public.healthz":
            response.headers["Access-Control-Allow-Origin"] = "*"
        if endpoint not in MAX_AGE or response.status_code != 200 or response.direct_passthrough:
            return response
        response.headers.setdefault("Cache-Control", f"public, max-age={MAX_AGE[endpoint]}")
        response.headers["Vary"] = "Accept-Encoding"
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        return response.make_conditional(request)
