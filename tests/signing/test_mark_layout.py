"""What the printed mark tells a reader: the registry's host, stars out of five, the scheme in Chinese."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from registry.schemes.service import read_scheme_file
from registry.signing.marks import MARK_CJK, qr_payload, render_svg, scheme_label
from tests.conftest import issue

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize("stars", [1, 2, 5])
def test_the_mark_shows_the_host_and_filled_and_hollow_stars(stars):
    payload = qr_payload("https://registry.example.cn", "A" * 120)
    svg = render_svg(payload, stars, "北京零售 BJ Retail", "BJ-2026-0001")
    assert texts(svg)[:3] == ["registry.example.cn", f"{stars}/5", "北京零售 BJ Retail"]
    paths = ET.fromstring(svg).findall(f"{SVG}path")
    filled = next(p for p in paths if p.get("fill") == "#000" and "z" in p.get("d", "") and "." in p.get("d", ""))
    assert filled.get("d").count("z") == stars
    hollow = [p for p in paths if p.get("fill") == "none"]
    assert sum(p.get("d").count("z") for p in hollow) == 5 - stars
    assert f"{'★' * stars}{'☆' * (5 - stars)} {stars}/5" in ET.fromstring(svg).get("aria-label")


def test_the_scheme_is_named_in_chinese_and_bilingual_where_it_fits():
    assert scheme_label("北京零售", "BJ Retail") == "北京零售 BJ Retail"
    assert scheme_label("家政服务", "Housekeeping") == "家政服务"  # both would not fit 20 mm
    assert scheme_label("", "ITS") == "ITS"


def test_every_shipped_scheme_prints_its_chinese_name_with_the_embedded_font():
    for scheme in read_scheme_file():
        assert scheme["short_name_zh"] and set(scheme["short_name_zh"]) <= set(MARK_CJK), scheme["code"]


def test_the_served_mark_uses_the_chinese_short_name(client, session, body, minter):
    cert = issue(session, body, minter)
    svg = client.get(f"/certificates/{cert.number}/mark.svg").get_data(as_text=True)
    assert "售后服务 GB/T 27922" in texts(svg) and "registry.example.cn" in texts(svg)
    assert re.search(r"4/5", svg)
