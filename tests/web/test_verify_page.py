"""`/verify` for procurement officers: paste or upload, as-of date, CSV and receipt downloads."""

import csv
import io
import re

from registry.verification.receipts import check_receipt
from tests.conftest import issue


def token_of(client, lang="zh"):
    page = client.get(f"/verify?lang={lang}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_paste_numbers_and_download_csv_and_receipt(client, session, body, minter):
    a, b = issue(session, body, minter), issue(session, body, minter)
    csrf = token_of(client, "en")
    r = client.post("/verify?lang=en", data={"csrf_token": csrf, "items": f"{a.number}\n{b.token}\nNOPE-9999"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and page.count("Valid") >= 2 and "Not found" in page
    receipt = re.search(r'name="receipt" value="([^"]+)"', page).group(1)
    assert check_receipt(receipt, client.get("/.well-known/jwks.json").json).valid
    csv_response = client.post("/verify/results.csv", data={"csrf_token": csrf, "receipt": receipt})
    raw = csv_response.data
    assert raw.startswith(b"\xef\xbb\xbf") and csv_response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["结论"] for row in rows] == ["有效", "有效", "未找到"]
    assert rows[0]["证书编号"] == a.number and "登记簿中没有证书" in rows[2]["说明"]
    jws = client.post("/verify/receipt.jws", data={"csrf_token": csrf, "receipt": receipt})
    assert jws.data.decode().strip() == receipt and "attachment" in jws.headers["Content-Disposition"]
    forged = client.post("/verify/results.csv", data={"csrf_token": csrf, "receipt": receipt[:-6] + "AAAAAA"})
    assert forged.status_code == 400


def test_upload_a_gbk_csv_and_find_the_number_column(client, session, body, minter):
    a = issue(session, body, minter)
    content = f"投标人,证书编号,备注\n北京某公司,{a.number},第一包\n上海某公司,NOPE-0001,第二包\n".encode("gbk")
    r = client.post(
        "/verify",
        data={"csrf_token": token_of(client), "file": (io.BytesIO(content), "bidders.csv"), "as_of": "2025-01-01"},
        content_type="multipart/form-data",
    )
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and a.number in page and "NOPE-0001" in page and "2025-01-01" in page


def test_csrf_is_required(client):
    r = client.post("/verify", data={"items": "A-0001"})
    assert r.status_code == 400


def test_empty_and_bad_input_get_a_friendly_message(client, minter):
    csrf = token_of(client, "en")
    assert "Paste certificate numbers" in client.post("/verify?lang=en", data={"csrf_token": csrf}).get_data(
        as_text=True
    )
    bad = client.post("/verify?lang=en", data={"csrf_token": csrf, "items": "A-0001", "as_of": "31/12/2024"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)


def test_a_csv_without_a_number_column_gets_a_friendly_message(client, minter):
    content = b"city,count\n#,1\n?,2\n"
    r = client.post(
        "/verify?lang=en",
        data={"csrf_token": token_of(client, "en"), "file": (io.BytesIO(content), "x.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "No column of certificate numbers" in r.get_data(as_text=True)


def test_binary_junk_and_oversized_uploads_never_500(client, minter):
    import os

    junk = client.post(
        "/verify",
        data={"csrf_token": token_of(client), "file": (io.BytesIO(os.urandom(4096)), "x.bin")},
        content_type="multipart/form-data",
    )
    assert junk.status_code in (200, 400)
    huge = client.post(
        "/verify?lang=en",
        data={"csrf_token": token_of(client), "file": (io.BytesIO(b"A-0001\n" * 1_500_000), "big.csv")},
        content_type="multipart/form-data",
    )
    assert huge.status_code == 413 and huge.mimetype == "text/html"
