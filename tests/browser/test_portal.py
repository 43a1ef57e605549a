"""A certification body's administrator walks the portal in Chromium: join page, first sign-in,
upload with a mistake, corrected upload, publish, a suspension, an API key, sign-out."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from openpyxl import Workbook

from registry.accounts.passwords import current_passwords
from registry.accounts.service import create_user
from registry.certificates.service import find_certificate, history
from registry.db import commit
from registry.demo.seed import credit_code
from tests.browser.conftest import shot

pytestmark = pytest.mark.browser
AUDIT = (Path(__file__).parent / "audit.js").read_text()
HEADER = [
    "number",
    "scheme",
    "holder_name_zh",
    "credit_code",
    "region",
    "business_type",
    "star_level",
    "score",
    "scope_zh",
    "issued",
]


def workbook(path: Path, bad_row: int | None = None) -> Path:
    rng = random.Random(7)
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for i in range(5):
        sheet.append(
            [
                f"WEB-2025-{i:04d}",
                "GB/T 27922-2011",
                f"北京浏览器测试商贸有限公司{i}",
                credit_code(rng, "110105"),
                "110105",
                "mall",
                4,
                86,
                "家用电器的售后服务",
                "2025-03-01",
            ]
        )
    if bad_row is not None:
        sheet.cell(row=bad_row, column=7, value=5)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())
    return path


def test_an_administrator_walks_the_portal(page, live_server, app, session, body, minter, tmp_path, monkeypatch):
    # The test server speaks http on a loopback address; production cookies are Secure under https.
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", False)
    _admin, temporary = create_user(session, current_passwords(), "admin@body-one.cn", body, "admin")
    commit(session)
    site = live_server.replace("127.0.0.1", "localhost")

    page.goto(f"{site}/?lang=zh")
    page.get_by_role("link", name="认证机构入口").click()
    page.wait_for_selector("#join")
    assert page.evaluate(AUDIT) == []
    shot(page, "portal-01-for-bodies-zh")
    page.get_by_role("link", name="登录机构门户").click()

    page.get_by_label("电子邮箱").fill("admin@body-one.cn")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "电子邮箱或密码不正确" in page.locator(".form-error").inner_text()
    page.get_by_label("密码").fill(temporary)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("#current_password")
    shot(page, "portal-02-first-sign-in-change-password-zh")
    page.get_by_label("当前密码").fill(temporary)
    page.get_by_label("新密码（至少 10 个字符）").fill("a-long-password-1")
    page.get_by_label("再次输入新密码").fill("a-long-password-1")
    page.get_by_role("button", name="修改密码").click()
    assert "密码已修改" in page.locator(".flash").inner_text()

    page.get_by_role("link", name="上传").click()
    page.get_by_label("文件（CSV 或 XLSX，最大 8 MB）").set_input_files(str(workbook(tmp_path / "bad.xlsx", bad_row=4)))
    page.get_by_role("button", name="检查文件").click()
    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 1 and "4" in problems.first.inner_text() and "star_level" in problems.first.inner_text()
    assert page.evaluate(AUDIT) == []
    shot(page, "portal-03-preview-with-a-problem-zh")
    page.get_by_role("link", name="上传其他文件").click()
    page.get_by_label("文件（CSV 或 XLSX，最大 8 MB）").set_input_files(str(workbook(tmp_path / "good.xlsx")))
    page.get_by_role("button", name="检查文件").click()
    page.wait_for_selector(".notice-ok")
    shot(page, "portal-04-preview-ok-zh")
    page.get_by_role("button", name="发布 5 行").click()
    assert "新颁发 5 张证书" in page.locator(".flash").inner_text()
    assert page.locator("table.table tbody tr").count() == 5
    assert page.evaluate(AUDIT) == []
    shot(page, "portal-05-certificates-zh")

    page.get_by_role("link", name="WEB-2025-0002").click()
    page.locator("summary", has_text="暂停").click()
    page.locator("#suspend-reason").fill("监督审核发现服务承诺未兑现")
    page.get_by_role("button", name="暂停", exact=True).click()
    assert "变更已记录并发布" in page.locator(".flash").inner_text()
    assert "admin@body-one.cn" in page.locator("table.table").last.inner_text()
    assert page.evaluate(AUDIT) == []
    shot(page, "portal-06-certificate-suspended-zh")
    session.expire_all()
    cert = find_certificate(session, "WEB-2025-0002")
    assert cert.status == "suspended" and history(session, cert)[-1].actor == "admin@body-one.cn"

    page.goto(f"{site}/portal/keys?lang=en")
    page.get_by_role("button", name="Issue a new key").click()
    key = page.locator("#new-key").inner_text()
    assert key.startswith("scr_")
    assert page.evaluate(AUDIT) == []
    shot(page, "portal-07-api-key-shown-once-en")
    page.get_by_role("button", name="Sign out").click()
    assert "You have signed out." in page.locator(".flash").inner_text()
    page.goto(f"{site}/portal/?lang=en")
    assert "/portal/login" in page.url

    page.goto(f"{site}/for-bodies/api?lang=en")
    assert page.locator("#issueCertificates").count() == 1
    shot(page, "portal-08-api-reference-en")
