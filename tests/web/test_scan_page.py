"""The scan page: a headline that states today's truth, next steps, who runs the registry."""

from __future__ import annotations

import re

import pytest

from registry import create_app
from registry.bodies.service import update_body
from registry.db import commit
from tests.conftest import issue
from tests.web.scan_cases import HEADLINES, scan_token

WORDS = {
    "valid": ("有效", "Valid"),
    "valid_outdated": ("有效，但现为 2 星：此标志已过时", "Valid, but now 2 stars: this mark is out of date"),
    "suspended": ("暂停", "Suspended"),
    "revoked": ("已撤销", "Revoked"),
    "withdrawn": ("已注销", "Withdrawn"),
    "expired": ("已过期", "Expired"),
    "not_found": ("未找到", "Not found"),
    "forged": ("伪造或被篡改", "Forged or altered"),
    "unreadable": ("无法读取此码，请重新扫描", "This code could not be read"),
}


def verdict_element(page: str) -> dict[str, str]:
    tag = re.search(r'<section class="verdict [^>]*>', page)
    assert tag, "no verdict element"
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))
    attrs["word"] = re.search(r'<h1 class="verdict-word">([^<]*)</h1>', page).group(1)
    return attrs


def next_steps(page: str) -> str:
    section = re.search(r'<section id="next-steps".*?</section>', page, re.S)
    assert section, "no next-steps section"
    return re.sub(r"\s+", " ", section.group(0))


@pytest.mark.parametrize("headline", list(HEADLINES))
def test_every_headline_in_both_languages(client, session, body, minter, headline):
    token = scan_token(session, body, minter, headline)
    verdict, current = HEADLINES[headline]
    for lang, word in zip(("zh", "en"), WORDS[headline], strict=True):
        r = client.get(f"/v/{token}?lang={lang}")
        assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
        page = r.get_data(as_text=True)
        element = verdict_element(page)
        assert element["data-verdict"] == verdict and element["data-mark-current"] == current
        assert element["data-headline"] == headline and element["word"] == word
        assert f"verdict-{headline}" in element["class"]
        # Icons are inline SVG: no emoji a phone might draw as an empty box.
        without_stars = page.replace("★", "").replace("☆", "")
        assert not re.search("[\u2300-\u23ff\u2600-\u27bf\U0001f300-\U0001faff]", without_stars)
        assert '<svg class="verdict-icon"' in page


def test_an_out_of_date_mark_is_never_the_plain_green_headline(client, session, body, minter):
    page = client.get(f"/v/{scan_token(session, body, minter, 'valid_outdated')}").get_data(as_text=True)
    assert "verdict-valid " not in page and "verdict-valid_outdated" in page
    headline = re.search(r'<section class="verdict.*?</section>', page, re.S).group(0)
    # What changed is inside the headline, not in a second box a glancing shopper misses.
    assert "此标志显示 ★★★★（4 星）；证书现为 ★★（2 星）" in headline


@pytest.mark.parametrize("headline", ["suspended", "revoked", "withdrawn", "expired"])
def test_dead_certificates_grey_their_stars_and_give_no_holder_advice(client, session, body, minter, headline):
    page = client.get(f"/v/{scan_token(session, body, minter, headline)}?lang=en").get_data(as_text=True)
    assert 'class="stars stars-dead"' in page and "was 4 stars" in page and "4/5" not in page
    steps = next_steps(page)
    assert "Do not rely on this star rating" in steps and "report it below" in steps
    assert "Check that the holder" not in page


def test_revoked_and_withdrawn_are_told_apart(client, session, body, minter):
    revoked = client.get(f"/v/{scan_token(session, body, minter, 'revoked')}").get_data(as_text=True)
    withdrawn = client.get(f"/v/{scan_token(session, body, minter, 'withdrawn')}").get_data(as_text=True)
    assert "撤销：持证者违反认证要求，认证机构作为处罚收回了证书" in revoked and "注销：" not in revoked
    assert "注销：证书已被取消，并非处罚" in withdrawn and "撤销：" not in withdrawn
    icon = re.compile(r'<svg class="verdict-icon".*?d="([^"]+)"', re.S)
    assert icon.search(revoked).group(1) != icon.search(withdrawn).group(1)


def test_next_steps_for_each_kind_of_verdict(client, session, body, minter):
    update_body(session, body.code, contact_phone="400-800-1234", website="https://cb.example.cn/")
    commit(session)
    valid = next_steps(client.get(f"/v/{scan_token(session, body, minter, 'valid')}?lang=en").get_data(as_text=True))
    assert "Check that the holder named above is the business in front of you" in valid
    assert 'href="tel:4008001234"' in valid and 'href="https://cb.example.cn/"' in valid
    forged = next_steps(client.get(f"/v/{scan_token(session, body, minter, 'forged')}").get_data(as_text=True))
    assert "请勿相信此标志" in forged and '<a href="tel:12315">12315</a>' in forged
    unreadable = next_steps(
        client.get(f"/v/{scan_token(session, body, minter, 'unreadable')}?lang=en").get_data(as_text=True)
    )
    assert "scan again" in unreadable and "12315" not in unreadable and "Do not trust" not in unreadable


def test_the_report_form_suggests_the_likely_kind(client, session, body, minter):
    for headline, kind in (("forged", "forged_mark"), ("revoked", "dead_mark_displayed"), ("valid", "wrong_holder")):
        page = client.get(f"/v/{scan_token(session, body, minter, headline)}").get_data(as_text=True)
        assert f'<option value="{kind}" selected>' in page


PAGES = ["/", "/search?q=测试", "/bodies", "/schemes", "/stats", "/verify", "/certificates/NOPE-0001"]


@pytest.fixture
def operated_client(app_config):
    """A registry configured with its operator's real name, contact and ICP number."""
    app = create_app(
        {
            **app_config,
            "operator_name_zh": "某某市市场监督管理局信息中心",
            "operator_name_en": "Information Centre of the Market Regulator",
            "operator_contact": "+86 10 6000 1234",
            "icp": "京ICP备12345678号-2",
        }
    )
    return app.test_client()


def test_the_configured_operator_and_icp_number_appear_on_every_page(operated_client, session, body, minter):
    cert = issue(session, body, minter)
    for path in [*PAGES, f"/certificates/{cert.number}", f"/V/{cert.token}", "/V/GARBLED"]:
        names = (("zh", "某某市市场监督管理局信息中心"), ("en", "Information Centre of the Market Regulator"))
        for lang, name in names:
            url = f"{path}{'&' if '?' in path else '?'}lang={lang}"
            page = operated_client.get(url).get_data(as_text=True)
            footer = re.search(r'<footer class="site-footer">.*?</footer>', page, re.S)
            assert footer, path
            assert name in footer.group(0) and "京ICP备12345678号-2" in footer.group(0), path
            assert 'href="tel:+861060001234"' in footer.group(0)
            assert 'href="https://beian.miit.gov.cn/"' in footer.group(0)
            title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
            assert title.endswith("服务认证登记簿" if lang == "zh" else "Service Certificate Registry"), (path, title)
    scan = operated_client.get(f"/V/{cert.token}").get_data(as_text=True)
    who = re.search(r'<section class="operator".*?</section>', scan, re.S).group(0)
    assert "某某市市场监督管理局信息中心" in who and "<strong>registry.example.cn</strong>" in who


def test_demo_defaults_say_demo(client):
    footer = re.search(r'<footer class="site-footer">.*?</footer>', client.get("/").get_data(as_text=True), re.S)
    assert footer.group(0).count("demo") >= 2


def test_the_navigation_marks_the_current_page(client):
    for path, label in (("/bodies", "认证机构"), ("/verify", "批量验证"), ("/stats", "统计")):
        page = client.get(path).get_data(as_text=True)
        nav = re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)
        assert nav.count('aria-current="page"') == 1
        assert re.search(r'aria-current="page">([^<]*)<', nav).group(1) == label


def test_the_scan_button_is_on_home_and_verify_only(client, session, body, minter):
    cert = issue(session, body, minter)
    for path in ("/", "/verify"):
        page = client.get(path).get_data(as_text=True)
        assert "data-scan" in page and re.search(r'<script src="/static/scan.js(\?v=\w+)?" defer></script>', page)
        assert "jsQR" in page and "<script>" not in page  # the decoder is fetched by scan.js, on demand
    scan_page = client.get(f"/V/{cert.token}").get_data(as_text=True)
    assert "scan.js" not in scan_page and "jsQR" not in scan_page and "<script" not in scan_page


def test_the_scan_page_stays_light(client, session, body, minter):
    update_body(session, body.code, contact_phone="400-800-1234", contact_email="cb@example.cn")
    commit(session)
    for headline in ("valid", "valid_outdated", "revoked"):
        page = client.get(f"/v/{scan_token(session, body, minter, headline)}?lang=en")
        assert len(page.data) < 15 * 1024, (headline, len(page.data))
