"""Consumers and procurement officers in a real browser (a 390x844 phone viewport)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, shot
from tests.conftest import issue

pytestmark = pytest.mark.browser
AUDIT = (Path(__file__).parent / "audit.js").read_text()


def test_scanning_a_mark_and_a_tampered_one(page, live_server, session, body, minter):  # type: ignore[no-untyped-def]
    cert = issue(session, body, minter)
    page.goto(f"{live_server}/V/{cert.token}")
    assert page.locator(".verdict-word").inner_text() == "有效"
    assert "★★★★" in page.locator(".stars").inner_text()
    assert cert.holder.name_zh in page.locator("#holder-name").inner_text()
    assert page.evaluate(AUDIT) == []
    shot(page, "scan-valid-zh")
    tampered = cert.token[:-10] + ("B" if cert.token[-10] != "B" else "C") + cert.token[-9:]
    page.goto(f"{live_server}/V/{tampered}?lang=en")
    assert page.locator(".verdict-word").inner_text() == "Forged or altered"
    shot(page, "scan-forged-en")


def test_uploading_a_csv_and_downloading_results(page, live_server, session, body, minter, tmp_path):  # type: ignore[no-untyped-def]
    a, b = issue(session, body, minter), issue(session, body, minter)
    upload = tmp_path / "bidders.csv"
    upload.write_text(f"投标人,证书编号\n甲公司,{a.number}\n乙公司,{b.number}\n丙公司,NOPE-0001\n", encoding="utf-8")
    page.goto(f"{live_server}/verify?lang=en")
    page.get_by_label("Or upload a CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Verify", exact=True).click()
    page.wait_for_selector("table.results")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 3
    assert "Not found" in rows.nth(2).inner_text()
    assert page.evaluate(AUDIT) == []
    shot(page, "verify-results-en")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download results (CSV)").click()
    path = ARTIFACTS / "verification-results.csv"
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(str(path))
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    # The upload's own columns come first, then the results in the page's language.
    assert [(r["投标人"], r["Verdict"]) for r in rows] == [
        ("甲公司", "Valid"),
        ("乙公司", "Valid"),
        ("丙公司", "Not found"),
    ]
