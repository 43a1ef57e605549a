"""Page bytes transferred, before and after compression, for the pages people open most.

A register of 500 demo certificates; the home, search, certificate and scan pages and the stylesheet
are fetched in process (the same after-request compression gunicorn serves) as a client that accepts
no compression (the baseline, as before Flask-Compress), gzip, and brotli. Prints the bytes of each
and the ratio to the baseline, the bytes of a first visit (page + stylesheet + favicon) and of a
second page view (the versioned stylesheet is cached as immutable: no request at all), and the
server time that compression adds to the home page.

Usage: python bench/bench_page_bytes.py   (no network; a temporary SQLite register)
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import flask  # noqa: E402  (bench/ is on the path when a bench runs as a script)

ENCODINGS = (("none", "identity"), ("gzip", "gzip"), ("br", "gzip, deflate, br"))


def fetch(client, path: str, accept: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    response = client.get(path, headers={"Accept-Encoding": accept, "Accept-Language": "zh-CN"})
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}")
    return len(response.data), response.headers.get("Content-Encoding", "none")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            REGISTRY_DATA_DIR=f"{tmp}/data",
            REGISTRY_KEYS_DIR=f"{tmp}/keys",
            REGISTRY_BASE_URL="https://registry.example.cn",
            REGISTRY_RATE_LIMITS="off",
        )
        env.pop("REGISTRY_DATABASE_URL", None)
        for args in (("db", "upgrade"), ("schemes", "load"), ("keys", "generate"), ("demo", "seed", "--count", "500")):
            flask(env, *args)
        export = flask(env, "export", "-").stdout
        cert = next(
            json.loads(line)
            for line in export.splitlines()
            if '"kind":"certificate"' in line and '"status":"valid"' in line
        )
        os.environ.update({k: v for k, v in env.items() if k.startswith("REGISTRY_")})
        from registry import create_app

        client = create_app().test_client()
        home = client.get("/").get_data(as_text=True)
        css = re.search(r'href="(/static/site\.css\?v=\w+)"', home).group(1)
        icon = re.search(r'href="(/static/favicon\.svg\?v=\w+)"', home).group(1)
        pages = {
            "home": "/",
            "search": "/search?q=" + quote("有限公司"),
            "certificate": "/certificates/" + quote(cert["number"]),
            "scan": "/v/" + cert["token"],
            "stylesheet": css,
        }
        sizes: dict[str, dict[str, int]] = {}
        print(f"{'page':<12} {'none':>8} {'gzip':>8} {'ratio':>6} {'br':>8} {'ratio':>6}")
        for name, path in pages.items():
            sizes[name] = {}
            for label, accept in ENCODINGS:
                size, used = fetch(client, path, accept)
                if used != label:
                    raise SystemExit(f"{path} with Accept-Encoding {accept!r} came back as {used}")
                sizes[name][label] = size
            row = sizes[name]
            print(
                f"{name:<12} {row['none']:>8,} {row['gzip']:>8,} {row['gzip'] / row['none']:>6.2f}"
                f" {row['br']:>8,} {row['br'] / row['none']:>6.2f}"
            )
        icon_bytes = fetch(client, icon, "identity")[0]
        for label in ("none", "br"):
            first = sizes["home"][label] + sizes["stylesheet"][label] + icon_bytes
            print(f"first visit to the home page, {label}: {first:,} bytes (page + stylesheet + favicon)")
        print(
            "a second page view fetches only its HTML: the stylesheet and favicon are cached as immutable "
            f"(before: a revalidation request for each), e.g. search {sizes['search']['br']:,} bytes with br"
        )
        for label, accept in ENCODINGS:
            times = []
            for _ in range(30):
                start = time.perf_counter()
                fetch(client, "/", accept)
                times.append((time.perf_counter() - start) * 1000)
            print(f"home page server time, {label}: median {statistics.median(times):.2f} ms")


if __name__ == "__main__":
    main()
