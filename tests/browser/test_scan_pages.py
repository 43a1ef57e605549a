"""Every scan page on a phone (390x844), in Chinese and English, with screenshots in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import shot
from tests.web.scan_cases import HEADLINES, scan_token

pytestmark = pytest.mark.browser
AUDIT = (Path(__file__).parent / "audit.js").read_text()


@pytest.mark.parametrize("headline", list(HEADLINES))
def test_every_verdict_on_a_phone(page, live_server, session, body, minter, headline):  # type: ignore[no-untyped-def]
    from registry.bodies.service import update_body
    from registry.db import commit

    update_body(session, body.code, contact_phone="400-800-1234", website="https://cb.example.cn/")
    commit(session)
    token = scan_token(session, body, minter, headline)
    verdict, current = HEADLINES[headline]
    for lang in ("zh", "en"):
        page.goto(f"{live_server}/V/{token}?lang={lang}")
        element = page.locator("section.verdict")
        assert element.get_attribute("data-verdict") == verdict
        assert element.get_attribute("data-mark-current") == current
        # The headline fits the phone's first screen: a glance is enough.
        box = page.locator("h1.verdict-word").bounding_box()
        assert box is not None and box["y"] + box["height"] < 844
        assert page.locator("#next-steps").is_visible()
        assert page.locator("footer.site-footer").inner_text().count("demo") >= 1
        problems = page.evaluate(AUDIT)
        assert problems == [], problems
        shot(page, f"scan-{headline}-{lang}")


def test_reporting_a_forged_mark_from_the_page(page, live_server, session, body, minter, runner):  # type: ignore[no-untyped-def]
    token = scan_token(session, body, minter, "forged")
    page.goto(f"{live_server}/V/{token}?lang=en")
    assert page.get_by_label("What is wrong?").input_value() == "forged_mark"
    page.get_by_label("Where did you see it? (optional)").fill("Shop 12, Wangfujing Street")
    page.get_by_label("Details (optional)").fill("<b>sticker</b> on the door")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url("**reported=**")
    assert "Thank you" in page.locator("#report .thanks").inner_text()
    shot(page, "scan-report-sent-en")
    listed = runner.invoke(args=["reports", "list", "--body", body.code])
    assert listed.exit_code == 0 and "forged_mark\tforged" in listed.output and "<b>sticker</b>" in listed.output
