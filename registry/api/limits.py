"""Rate limits (Flask-Limiter): shared through Redis when REGISTRY_REDIS_URL is set, else in memory.

Batch verification counts every item, so one call with 1,000 inputs costs as much as 1,000 calls.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter

# Published in the README and the OpenAPI document; tests pass their own table.
DEFAULT_LIMITS = {
    "read": "1200 per minute",
    "verify": "20000 per hour; 3000 per minute",
    "receipt": "600 per minute",
    "write": "600 per minute",
    "scan": "600 per minute",
}

ENDPOINTS = {
    "api_public.certificate": "read",
    "api_public.certificate_history": "read",
    "api_public.schemes": "read",
    "api_search.list_certificates": "read",
    "api_verify.verify": "verify",
    "api_verify.receipts_verify": "receipt",
    "api_write.issue": "write",
    "api_write.post_event": "write",
    "scan.landing": "scan",
    "api_watches.create": "write",
    "api_watches.show": "read",
    "api_watches.delete": "write",
    "feeds.changes": "read",
    "feeds.watch_feed": "read",
    "receipts.show": "read",
    "receipts.pdf": "receipt",
    "receipts.check": "receipt",
    "watch_page.create": "write",
}


def client_address() -> str:
    return request.remote_addr or "unknown"


def api_key_or_address() -> str:
    """Writes are limited per API key (its public prefix), reads per client address."""
    auth = request.headers.get("Authorization", "")
    prefix = auth.partition(" ")[2].partition(".")[0]
    return f"key:{prefix}" if prefix else f"addr:{client_address()}"


def verify_cost() -> int:
    data = request.get_json(silent=True)
    items = data.get("items") if isinstance(data, dict) else None
    return max(1, len(items)) if isinstance(items, list) else 1


def init_app(app: Flask) -> None:
    """Attach a limiter to the app's API and scan endpoints."""
    settings = app.config["SETTINGS"]
    table = {**DEFAULT_LIMITS, **dict(settings.rate_limits)}
    app.extensions["registry.limits"] = table
    storage = settings.redis_url or "memory://"
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=storage,
        headers_enabled=True,
        # A refused batch must not use up the allowance: the moving window only counts accepted work.
        strategy="moving-window",
        key_prefix=settings.rate_limit_prefix,
        enabled=settings.rate_limits_enabled,
        # A Redis outage must not take verification down: fall back to per-process counting.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    app.extensions["registry.limiter"] = limiter
    for endpoint, kind in ENDPOINTS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        key_func = api_key_or_address if kind == "write" else client_address
        cost = verify_cost if kind == "verify" else 1
        app.view_functions[endpoint] = limiter.limit(
            lambda kind=kind: current_app.extensions["registry.limits"][kind], key_func=key_func, cost=cost
        )(view)
