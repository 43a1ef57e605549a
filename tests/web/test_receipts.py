"""Receipts people can file: the page /r/<id>, the A4 PDF read back (text and QR), /receipts."""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from registry.verification.receipts import receipt_id
from tests.conftest import BASE_URL, issue


@pytest.fixture
def checked(client, session, body, minter):
    cert = issue(session, body, minter, holder={"name_zh": "北京永联超市有限公司"})
    doc = client.post("/api/v1/verify", json={"items": [cert.number, "北京永联超市有限责任公司", "NOPE-0001"]}).json
    return cert, doc


def test_the_verify_answer_links_to_its_stored_receipt(client, checked):
    cert, doc = checked
    assert doc["receipt_id"] == receipt_id(doc["receipt"])
    assert doc["receipt_url"] == f"{BASE_URL}/r/{doc['receipt_id']}"
    zh = client.get(f"/r/{doc['receipt_id']}")
    page = zh.get_data(as_text=True)
    assert zh.status_code == 200 and "回执真实有效" in page and "北京永联超市有限公司" in page
    assert cert.number in page and "核验时间（北京时间）" in page and doc["receipt_id"] in page
    assert page.count('class="verdict-text verdict-text-valid"') >= 2 and "未找到" in page
    en = client.get(f"/r/{doc['receipt_id']}?lang=en").get_data(as_text=True)
    assert "Genuine receipt" in en and "Checked at (UTC)" in en and "★★★★" in en
    jws = client.get(f"/r/{doc['receipt_id']}.jws")
    assert jws.data.decode().strip() == doc["receipt"]


def test_the_pdf_report_reads_back_with_chinese_text_and_a_qr_code_to_the_page(client, checked):
    cert, doc = checked
    r = client.get(f"/r/{doc['receipt_id']}.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    page = reader.pages[0]
    assert page.mediabox.width == pytest.approx(595.27, abs=1) and page.mediabox.height == pytest.approx(841.89, abs=1)
    text = "".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s+", "", text)
    for expected in ("服务认证证书登记簿", "北京永联超市有限公司", cert.number, "有效", "未找到", doc["receipt_id"]):
        assert expected in flat, expected
    kid = re.search(
        r'"kid":"([^"]+)"', __import__("base64").urlsafe_b64decode(doc["receipt"].split(".")[0] + "===").decode()
    ).group(1)
    assert kid in flat and "北京时间" in flat
    images = [img for p in reader.pages for img in p.images]
    assert images, "the report embeds its QR code as an image"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(images[0].data)).convert("L"))
    assert [b.text for b in decoded] == [f"{BASE_URL}/r/{doc['receipt_id']}"]


def test_unknown_receipt_ids_are_a_friendly_404(client):
    for path in ("/r/" + "0" * 64, "/r/nonsense", "/r/" + "0" * 64 + ".pdf"):
        r = client.get(path)
        assert r.status_code == 404 and r.mimetype == "text/html", path
        assert "没有此编号的回执" in r.get_data(as_text=True)
    assert "No receipt with this id" in client.get("/r/abc?lang=en").get_data(as_text=True)


def csrf(client):
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/receipts").get_data(as_text=True)).group(1)


def test_anyone_can_paste_or_upload_a_receipt_to_check_it(client, checked):
    _cert, doc = checked
    token = csrf(client)
    pasted = client.post("/receipts?lang=en", data={"csrf_token": token, "receipt": doc["receipt"]})
    assert pasted.status_code == 200 and "Genuine receipt" in pasted.get_data(as_text=True)
    assert f"/r/{doc['receipt_id']}.pdf" in pasted.get_data(as_text=True)
    upload = client.post(
        "/receipts",
        data={"csrf_token": token, "file": (io.BytesIO(doc["receipt"].encode() + b"\n"), "r.jws")},
        content_type="multipart/form-data",
    )
    assert "回执真实有效" in upload.get_data(as_text=True)
    altered = doc["receipt"][:-8] + ("AAAAAAAA" if not doc["receipt"].endswith("AAAAAAAA") else "BBBBBBBB")
    bad = client.post("/receipts?lang=en", data={"csrf_token": token, "receipt": altered}).get_data(as_text=True)
    assert "Not a genuine receipt" in bad and "altered" in bad
    empty = client.post("/receipts", data={"csrf_token": token, "receipt": "  "})
    assert empty.status_code == 400
    junk = client.post("/receipts?lang=en", data={"csrf_token": token, "receipt": "not.a.receipt"})
    assert junk.status_code == 200 and "Not a genuine receipt" in junk.get_data(as_text=True)


def test_identical_checks_in_the_same_second_share_one_stored_receipt(app, client, session, body, minter):
    from registry.db import commit
    from registry.verification.models import StoredReceipt
    from registry.verification.service import store_receipt

    cert = issue(session, body, minter)
    doc = client.post("/api/v1/verify", json={"items": [cert.number]}).json
    stored = session.get(StoredReceipt, doc["receipt_id"])
    # What a second, concurrent identical check does: store the same receipt again.
    copy = StoredReceipt(id=stored.id, jws=stored.jws, kid=stored.kid, checked_at=stored.checked_at)
    session.expunge(stored)
    store_receipt(session, copy)
    commit(session)
    assert session.query(StoredReceipt).filter_by(id=doc["receipt_id"]).count() == 1
