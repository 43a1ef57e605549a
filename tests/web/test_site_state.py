"""State that survives a language switch, errors in the page's language, and the latest issuances."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

from registry.certificates.validation import today
from tests.conftest import issue
from tests.web.test_verify_page import token_of


def lang_form(page: str) -> tuple[str, dict[str, str]]:
    """The language switch of a /verify results page: a form that posts the receipt back."""
    form = re.search(r'<form class="lang-form" method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    return html.unescape(form.group(1)), {k: html.unescape(v) for k, v in fields.items()}


def test_the_language_switch_keeps_the_verify_results(client, session, body, minter):
    a, b = issue(session, body, minter), issue(session, body, minter)
    day = today().isoformat()
    items = f"{a.number}\n{b.token}\nNOPE-9999"
    zh = client.post("/verify?lang=zh", data={"csrf_token": token_of(client), "items": items, "as_of": day}).get_data(
        as_text=True
    )
    assert zh.count("有效") >= 2 and "未找到" in zh
    action, fields = lang_form(zh)
    assert action == "/verify/results?lang=en" and set(fields) == {"csrf_token", "receipt", "dropped", "source"}

    r = client.post(action, data=fields)
    en = r.get_data(as_text=True)
    assert r.status_code == 200 and '<html lang="en">' in en
    assert en.count(">Valid<") == 2 and ">Not found<" in en and "NOPE-9999" in en
    assert a.holder.name_en in en and f"as of {day}" in en
    # The same receipt is offered for download, and the form holds what was checked.
    assert f'value="{fields["receipt"]}"' in en
    assert html.escape(a.number) in re.search(r"<textarea[^>]*>(.*?)</textarea>", en, re.S).group(1)
    # Each found certificate links to its page for the same date.
    assert f'href="/certificates/{a.number}?as_of={day}&amp;lang=en"' in en

    back_action, back_fields = lang_form(en)
    assert back_action == "/verify/results?lang=zh"
    assert "登记簿中没有证书" in client.post(back_action, data=back_fields).get_data(as_text=True)


def test_an_altered_receipt_does_not_render_results(client, minter):
    r = client.post(
        "/verify/results?lang=en", data={"csrf_token": token_of(client, "en"), "receipt": "a.b.c", "dropped": "0"}
    )
    assert r.status_code == 400 and "The receipt is not valid or was altered." in r.get_data(as_text=True)


def test_csrf_failure_in_chinese_on_a_chinese_page_keeping_the_input(client, minter):
    r = client.post("/verify?lang=zh", data={"items": "A-0001\nB-0002"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and '<html lang="zh-CN">' in page
    assert "表单已过期，或是在另一个浏览器会话中打开的。请核对所填内容后重新提交。" in page
    assert "CSRF" not in page and "A-0001\nB-0002</textarea>" in page
    bad_token = client.post("/verify?lang=en", data={"csrf_token": "forged", "items": "A-0001"})
    assert "This form has expired or was opened in another browser session" in bad_token.get_data(as_text=True)


def test_upload_and_validation_errors_in_the_page_language(client, minter):
    content = b"count,size\n3,10\n4,12\n"
    r = client.post(
        "/verify?lang=zh",
        data={"csrf_token": token_of(client), "file": (io.BytesIO(content), "x.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "文件中找不到" in r.get_data(as_text=True)
    bad_day = client.post(
        "/verify?lang=zh", data={"csrf_token": token_of(client), "items": "A-0001", "as_of": "2024/12/31"}
    )
    assert bad_day.status_code == 400 and "日期格式应为 YYYY-MM-DD" in bad_day.get_data(as_text=True)
    huge = client.post(
        "/verify?lang=zh",
        data={"csrf_token": token_of(client), "file": (io.BytesIO(b"A-0001\n" * 1_500_000), "big.csv")},
        content_type="multipart/form-data",
    )
    page = huge.get_data(as_text=True)
    assert huge.status_code == 413 and "文件超过登记簿允许的大小（最多 8 MiB）" in page and 'id="items"' in page


def test_framework_errors_speak_the_page_language(client):
    zh = client.get("/no/such/page?lang=zh")
    assert zh.status_code == 404 and "此地址没有页面" in zh.get_data(as_text=True)
    assert "requested URL" not in zh.get_data(as_text=True)
    en = client.get("/no/such/page?lang=en").get_data(as_text=True)
    assert "There is no page at this address" in en


def test_latest_issuances_are_the_latest_by_issue_date_with_dates(client, session, body, minter):
    day = today()
    newest = issue(session, body, minter, issued=day - dt.timedelta(days=3))
    old = issue(session, body, minter, issued=day - dt.timedelta(days=2000), expires=day - dt.timedelta(days=900))
    middle = issue(session, body, minter, issued=day - dt.timedelta(days=30))
    page = client.get("/?lang=zh").get_data(as_text=True)
    latest = re.search(r'<ul class="latest">(.*?)</ul>', page, re.S).group(1)
    shown = re.findall(r'<time datetime="([0-9-]+)">\1</time>\s*<a href="/certificates/([^"?]+)', latest)
    assert shown == [
        (newest.issued.isoformat(), newest.number),
        (middle.issued.isoformat(), middle.number),
        (old.issued.isoformat(), old.number),
    ]


def test_search_results_link_to_the_certificate_for_the_date_asked(client, session, body):
    cert = issue(session, body, holder={"name_zh": "北京华达百货有限公司"})
    page = client.get("/search?q=华达&as_of=2025-06-30&lang=en").get_data(as_text=True)
    assert f'href="/certificates/{cert.number}?lang=en&amp;as_of=2025-06-30"' in page
    plain = client.get("/search?q=华达&lang=en").get_data(as_text=True)
    assert f'href="/certificates/{cert.number}?lang=en"' in plain
