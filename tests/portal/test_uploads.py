"""Uploads in the portal: CSV (UTF-8, GBK) and XLSX, a preview that writes nothing, then all or nothing."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.service import find_certificate
from registry.demo.seed import credit_code
from tests.conftest import issue
from tests.portal.conftest import csrf_of

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


def rows(count: int, prefix: str = "UPL") -> list[list[str]]:
    rng = random.Random(count)
    return [
        [
            f"{prefix}-2025-{i:06d}",
            "GB/T 27922-2011",
            f"上传测试商贸有限公司{i}",
            credit_code(rng, "110105"),
            "110105",
            "mall",
            "4",
            "86",
            "家用电器的售后服务",
            "2025-01-15",
        ]
        for i in range(count)
    ]


def csv_bytes(table: list[list[str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(table)
    return out.getvalue().encode(encoding)


def xlsx_bytes(table: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, name: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    token = csrf_of(client, "/portal/upload?lang=en")
    return client.post(
        f"/portal/upload?lang={lang}",
        data={"csrf_token": token, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def publish(client, preview_html: str):  # type: ignore[no-untyped-def]
    action = re.search(r'action="(/portal/upload/[^"]+/publish[^"]*)"', preview_html).group(1).replace("&amp;", "&")
    return client.post(action, data={"csrf_token": csrf_of(client, "/portal/upload?lang=en")})


def count(session) -> int:  # type: ignore[no-untyped-def]
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Certificate)) or 0


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("issued.csv", lambda t: csv_bytes(t)),
        ("issued-gbk.csv", lambda t: csv_bytes(t, "gbk")),
        ("issued.xlsx", lambda t: xlsx_bytes(t)),
    ],
)
def test_preview_writes_nothing_then_publish_writes_all(session, clerk, clerk_client, minter, name, make):
    table = rows(3)
    r = upload(clerk_client, make(table), name)
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "All 3 rows are valid: 3 new certificates" in html and table[0][0] in html
    assert count(session) == 0
    done = publish(clerk_client, html)
    assert done.status_code == 302
    assert "3 certificates issued" in clerk_client.get(done.headers["Location"]).get_data(as_text=True)
    assert count(session) == 3
    cert = find_certificate(session, table[1][0])
    assert cert.token and cert.holder.name_zh == table[1][2]
    actors = set(session.scalars(select(CertificateEvent.actor)))
    assert actors == {clerk.email}
    # A preview can be published once.
    assert publish(clerk_client, html).status_code == 404


def test_a_5000_row_xlsx_with_one_bad_row_writes_nothing_and_names_that_row(session, clerk_client, minter):
    table = rows(5000)
    table[3456][3] = table[3456][3][:17] + ("0" if table[3456][3][17] != "0" else "1")
    r = upload(clerk_client, xlsx_bytes(table), "big.xlsx")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "1 problem found: nothing has been published" in html
    # Row 3458 in Excel: the header is row 1, the first certificate row 2.
    assert re.search(r"<td>3458</td><td>D · <code>credit_code</code></td>", html), html[-3000:]
    assert "/publish" not in html
    assert count(session) == 0


def test_every_problem_is_listed_by_row_and_column_in_the_readers_language(session, clerk_client):
    table = rows(4)
    table[0][6] = "9"
    table[2][9] = "2025-13-45"
    r = upload(clerk_client, csv_bytes(table), "bad.csv", lang="zh")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert re.search(r"<td>2</td><td>G · <code>star_level</code></td>", html)
    assert re.search(r"<td>4</td><td>J · <code>issued</code></td>", html)
    assert "星级" in html and count(session) == 0


def test_formulas_are_refused_with_the_cell_named(session, clerk_client):
    table: list[list[object]] = rows(2)  # type: ignore[assignment]
    table[1][8] = "=A2&B2"
    r = upload(clerk_client, xlsx_bytes(table), "formula.xlsx")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "cell I3 holds a formula; enter values only" in html
    assert count(session) == 0
    zh = upload(clerk_client, xlsx_bytes(table), "formula.xlsx", lang="zh").get_data(as_text=True)
    assert "单元格 I3 含有公式" in zh


def test_a_row_for_another_bodys_certificate_is_refused(session, other_body, clerk_client, minter):
    theirs = issue(session, other_body, minter)
    table = rows(2)
    table[1][0] = theirs.number
    r = upload(clerk_client, csv_bytes(table), "mixed.csv")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "registered by another certification body" in html
    assert count(session) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "neither a CSV (UTF-8 or GBK) nor an XLSX workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old Excel .xls file"),
        (b"PK\x03\x04 this is no workbook", "cannot be read as XLSX"),
        (b"", "The file is empty."),
    ],
)
def test_a_file_that_is_neither_csv_nor_xlsx(clerk_client, data, message):
    r = upload(clerk_client, data, "upload.bin")
    assert r.status_code in (400, 422) and message in r.get_data(as_text=True)


def test_unknown_and_missing_columns_are_named(clerk_client):
    data = b"number,colour\nA-0001,red\n"
    html = upload(clerk_client, data, "odd.csv").get_data(as_text=True)
    assert "unknown column &#39;colour&#39;" in html and "required column &#39;scheme&#39; is missing" in html


def test_a_50_mb_upload_is_refused_in_the_readers_language(session, clerk_client):
    big = b"number,scheme\n" + b"x" * (50 * 1024 * 1024)
    r = upload(clerk_client, big, "huge.csv", lang="zh")
    assert r.status_code == 413 and "文件过大" in r.get_data(as_text=True)
    assert count(session) == 0


def test_the_templates_have_the_columns_and_an_example_row_that_previews_cleanly(client, clerk_client):
    csv_template = client.get("/for-bodies/template.csv")
    assert csv_template.status_code == 200 and csv_template.data.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(csv_template.data.decode("utf-8-sig"))))
    assert header[:3] == ["number", "scheme", "holder_name_zh"] and "evaluation.customer_satisfaction" in header
    xlsx_template = client.get("/for-bodies/template.xlsx")
    assert xlsx_template.status_code == 200 and xlsx_template.data.startswith(b"PK")
    for data, name in ((csv_template.data, "t.csv"), (xlsx_template.data, "t.xlsx")):
        html = upload(clerk_client, data, name).get_data(as_text=True)
        assert "All 1 rows are valid: 1 new certificates" in html, html[-2000:]


def test_another_body_cannot_publish_a_preview(app, session, other_body, clerk_client):
    from tests.portal.conftest import browser, login, make_user

    html = upload(clerk_client, csv_bytes(rows(1)), "one.csv").get_data(as_text=True)
    make_user(session, other_body, "clerk@body-two.cn")
    stranger = browser(app)
    login(stranger, "clerk@body-two.cn")
    assert publish(stranger, html).status_code == 404
    assert count(session) == 0
