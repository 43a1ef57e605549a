"""Page fragments that depend only on the language and a few keys, rendered once per process.

The scan page is the registry's busiest page and must answer fast (bench_api prints its time to
first byte): its footer, "who runs this" box, next steps and report form are the same for every
certificate, and rendering their thirty-odd translated strings each time cost more than the rest
of the page together.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from markupsafe import Markup

from registry.web.i18n import current_lang

MAX_FRAGMENTS = 512


def fragment(template: str, **keys: Any) -> Markup:
    """`template` rendered with `keys` in the page language; keys must be few and hashable."""
    cache: dict[tuple[Any, ...], Markup] = current_app.extensions.setdefault("registry.fragments", {})
    key = (template, current_lang(), *sorted(keys.items()))
    html = cache.get(key)
    if html is None:
        html = Markup(render_template(template, **keys))
        if len(cache) < MAX_FRAGMENTS:
            cache[key] = html
    return html
