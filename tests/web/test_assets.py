"""Pages that load once: compressed responses, versioned static files cached a year, a favicon."""

from __future__ import annotations

import gzip
import re

import brotli

from tests.conftest import issue


def static_url(page: str, name: str) -> str:
    return re.search(rf'href="(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', page).group(1)


def test_html_is_compressed_when_the_client_accepts_it(client, session, body, minter):
    cert = issue(session, body, minter)
    for path in ("/?lang=zh", f"/certificates/{cert.number}?lang=en", "/search?q=测试", "/verify", "/stats"):
        plain = client.get(path)
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        assert "Accept-Encoding" in plain.headers["Vary"] and "Accept-Language" in plain.headers["Vary"]
        zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == plain.data
        assert int(zipped.headers["Content-Length"]) == len(zipped.data) < len(plain.data) * 0.7
        br = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert br.headers["Content-Encoding"] == "br" and brotli.decompress(br.data) == plain.data


def test_json_svg_and_problems_are_compressed_too(client, session, body, minter):
    cert = issue(session, body, minter)
    asks = {"Accept-Encoding": "gzip"}
    api = client.get(f"/api/v1/certificates/{cert.number}", headers=asks)
    assert api.headers["Content-Encoding"] == "gzip" and api.mimetype == "application/json"
    assert gzip.decompress(api.data).decode().startswith('{"number"')
    svg = client.get(f"/certificates/{cert.number}/mark.svg", headers=asks)
    assert svg.mimetype == "image/svg+xml" and svg.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(svg.data).startswith(b"<svg")
    png = client.get(f"/certificates/{cert.number}/mark.png", headers=asks)
    assert "Content-Encoding" not in png.headers  # already compressed


def test_an_api_etag_still_answers_304_through_compression(client, session, body, minter):
    cert = issue(session, body, minter)
    url = f"/api/v1/certificates/{cert.number}"
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.endswith(':gzip"')
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    plain = client.get(url)
    assert plain.headers["ETag"] != etag
    assert client.get(url, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_static_files_are_versioned_and_cached_immutably(client):
    page = client.get("/").get_data(as_text=True)
    css = static_url(page, "site.css")
    r = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.mimetype == "text/css"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Content-Encoding"] == "gzip" and b".site-header" in gzip.decompress(r.data)
    br = client.get(css, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and b".site-header" in brotli.decompress(br.data)
    # The version is the content's: a stale or missing one is revalidated, never kept a year.
    for stale in ("/static/site.css", "/static/site.css?v=000000000000"):
        assert client.get(stale).headers["Cache-Control"] == "no-cache"
    assert client.get("/static/no-such-file.css").status_code == 404


def test_a_favicon_on_every_page(client):
    page = client.get("/?lang=en").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    assert icon == static_url(page, "favicon.svg")
    r = client.get(icon)
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and r.data.startswith(b"<svg")
    assert "immutable" in r.headers["Cache-Control"]
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 302 and legacy.headers["Location"] == icon
