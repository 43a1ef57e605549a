"""Rate limits (Flask-Limiter): shared through Redis when REGISTRY_REDIS_URL is set, else through a
SQLite file in the data dir that every worker of the server shares.

Batch verification counts every item, so one call with 1,000 inputs costs as much as 1,000 calls;
the /verify form counts its items the same way.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter

from registry.api import limit_store  # noqa: F401  (registers the registry-sqlite:// storage)
from registry.errors import RegistryError
from registry.verification.schemas import MAX_ITEMS

# Published in the README and the OpenAPI document; tests pass their own table.
DEFAULT_LIMITS = {
    "read": "1200 per minute",
    "verify": "20000 per hour; 3000 per minute",
    "receipt": "600 per minute",
    "write": "600 per minute",
    "scan": "600 per minute",
    # A shopper reports one mark; a shop's security desk a few. More is noise or abuse.
    "report": "5 per minute; 50 per day",
    "page": "600 per minute",
    "mark": "300 per minute",
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
    "api_keys.jwks": "read",
    "api_openapi.openapi": "read",
    "scan.landing": "scan",
    "api_reports.create": "report",
    "scan.report": "report",
    "web.home": "page",
    "web.certificate": "page",
    "web_search.search": "page",
    "web_search.bodies": "page",
    "web_search.schemes": "page",
    "web_search.stats": "page",
    "verify_page.form": "page",
    "verify_page.check": "verify",
    "verify_page.results_csv": "receipt",
    "verify_page.receipt_download": "receipt",
    "verify_page.results": "receipt",
    "marks.mark_svg": "mark",
    "marks.mark_png": "mark",
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
    """The client's address: the socket peer, or what REGISTRY_TRUSTED_PROXIES proxies say (ProxyFix)."""
    return request.remote_addr or "unknown"


def api_key_or_address() -> str:
    """Writes are limited per authenticated API key; a request without a live key, per address."""
    from registry.api.auth import current_caller

    try:
        caller = current_caller()
    except RegistryError:
        return f"addr:{client_address()}"
    return f"key:{caller.key.id}"


def verify_cost() -> int:
    """Every item of a batch counts; a batch over the maximum costs 1 and is answered 422 by the view."""
    data = request.get_json(silent=True)
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        return 1
    return max(1, len(items))


def form_verify_cost() -> int:
    """The /verify form counts its items like the API: pasted lines plus an uploaded CSV's rows."""
    from registry.verification.bulk_input import decode_upload, items_from_csv, items_from_text

    items = len(items_from_text(request.form.get("items", "")))
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.read()
        upload.stream.seek(0)
        try:
            items += len(items_from_csv(decode_upload(data)))
        except ValueError:
            pass  # the view explains what is wrong with the file
    # The form checks at most MAX_ITEMS and says how many it left out.
    return max(1, min(items, MAX_ITEMS))


COSTS = {"api_verify.verify": verify_cost, "verify_page.check": form_verify_cost}


def init_app(app: Flask) -> None:
    """Attach a limiter to the app's API and scan endpoints."""
    settings = app.config["SETTINGS"]
    table = {**DEFAULT_LIMITS, **dict(settings.rate_limits)}
    app.extensions["registry.limits"] = table
    storage = settings.redis_url or f"registry-sqlite://{settings.data_dir / 'ratelimits.sqlite3'}"
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=storage,
        headers_enabled=True,
        # A refused batch must not use up the allowance: the moving window only counts accepted work.
        strategy="moving-window",
        key_prefix=settings.rate_limit_prefix,
        enabled=settings.rate_limits_enabled,
        # A store outage must not take verification down: fall back to per-process counting.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    app.extensions["registry.limiter"] = limiter
    for endpoint, kind in ENDPOINTS.items():
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        key_func = api_key_or_address if kind == "write" else client_address
        cost = COSTS.get(endpoint, 1)
        # One allowance per kind: a client's reads (or pages, or verified items) add up across endpoints.
        app.view_functions[endpoint] = limiter.shared_limit(
            lambda kind=kind: current_app.extensions["registry.limits"][kind], kind, key_func=key_func, cost=cost
        )(view)
