"""The search site in a real browser: a Chinese query, a facet, pages, language, a certificate."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from registry.db import commit
from registry.demo.seed import seed
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
AUDIT = (Path(__file__).parent / "audit.js").read_text()


def audit(page) -> None:  # type: ignore[no-untyped-def]
    # A key press first: browsers show :focus-visible outlines to keyboard users, not after a click.
    page.keyboard.press("Shift")
    problems = page.evaluate(AUDIT)
    assert problems == [], problems


def test_search_journey(page, live_server: str, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed(session, 120)
    commit(session)
    page.goto(live_server + "/")
    audit(page)
    page.get_by_label("名称、证书编号、统一社会信用代码或认证范围").fill("有限公司")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search?**")
    assert "共 " in page.locator(".result-count").inner_text()
    audit(page)
    shot(page, "search-zh")

    page.set_default_timeout(5000)
    page.locator(".filters > summary").click()  # on a phone the filters are folded before the results
    facet = page.locator(".facet:has(h3:text-is('星级')) a").first
    label = facet.inner_text()
    facet.click()
    page.wait_for_url("**stars=**")
    assert label in page.locator(".active-filters").inner_text()
    shot(page, "search-facet")

    page.goto(live_server + "/search?q=有限公司")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2**")
    assert "第 2 /" in page.locator(".result-count").inner_text()

    page.get_by_role("link", name="English").click()
    page.wait_for_url("**lang=en**")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "page 2 of" in page.locator(".result-count").inner_text()
    audit(page)
    shot(page, "search-en")

    page.locator(".hit h3 a").first.click()
    page.wait_for_url("**/certificates/**")
    audit(page)
    shot(page, "certificate")


def test_directory_pages_pass_the_audit(page, live_server: str, session: Session) -> None:  # type: ignore[no-untyped-def]
    seed(session, 30)
    commit(session)
    for path in ("/bodies", "/schemes", "/stats?lang=en", "/search?q=不存在的名称xyz"):
        page.goto(live_server + path)
        audit(page)
    shot(page, "empty-search")
