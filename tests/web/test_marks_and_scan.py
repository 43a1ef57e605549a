import io

import pytest
import zxingcpp
from PIL import Image

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.db import commit
from tests.conftest import issue


def test_mark_png_decodes_to_the_verify_url_at_qr_version_7_or_less(client, session, body, minter):
    cert = issue(session, body, minter, number="CQC-2026-SV-00012345")  # 20 characters
    r = client.get(f"/certificates/{cert.number}/mark.png?size=512")
    assert r.status_code == 200 and r.mimetype == "image/png"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(r.data)))
    assert len(found) == 1
    assert found[0].text == f"https://REGISTRY.EXAMPLE.CN/V/{cert.token}"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    assert int(found[0].extra["Version"]) <= 7 and found[0].ec_level == "M"
    # The decoded URL, as a phone would open it, lands on a valid verdict.
    page = client.get(found[0].text.removeprefix("https://REGISTRY.EXAMPLE.CN"))
    assert page.status_code == 200 and "有效" in page.get_data(as_text=True)


def test_mark_svg_and_caching(client, session, body, minter):
    cert = issue(session, body, minter)
    doc = client.get(f"/api/v1/certificates/{cert.number}").json
    url = doc["mark_url"].removeprefix("https://registry.example.cn")
    r = client.get(url)
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert cert.number in r.get_data(as_text=True)
    assert "immutable" in r.headers["Cache-Control"] and r.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    Register(session, Actor("t"), body=body, minter=minter).apply(
        cert.number, EventIn(type="amend", star_level=5, score=95)
    )
    commit(session)
    newer = client.get(f"/api/v1/certificates/{cert.number}").json["mark_url"]
    assert newer != doc["mark_url"]
    # The unversioned URL follows the register: the old copy is no longer current.
    plain = url.split("?")[0]
    assert client.get(plain, headers={"If-None-Match": r.headers["ETag"]}).status_code == 200
    fresh = client.get(newer.removeprefix("https://registry.example.cn"))
    assert fresh.status_code == 200 and fresh.headers["ETag"] != r.headers["ETag"]


@pytest.mark.parametrize("size", ["5", "99999", "abc", "-1"])
def test_out_of_range_png_sizes_are_400(client, session, body, minter, size):
    cert = issue(session, body, minter)
    r = client.get(f"/certificates/{cert.number}/mark.png?size={size}")
    assert r.status_code == 400


def test_jwks_lists_keys_after_rotation(client, runner, session, body, minter):
    first = client.get("/.well-known/jwks.json")
    assert first.headers["Cache-Control"].startswith("public")
    assert [k["status"] for k in first.json["keys"]] == ["active"]
    assert runner.invoke(args=["keys", "rotate"]).exit_code == 0
    keys_now = client.get("/.well-known/jwks.json").json["keys"]
    assert sorted(k["status"] for k in keys_now) == ["active", "retired"]
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["alg"] == "Ed25519" for k in keys_now)


def test_offline_verify_token_with_a_saved_jwks(client, runner, session, body, minter, tmp_path):
    cert = issue(session, body, minter)
    jwks = tmp_path / "jwks.json"
    jwks.write_bytes(client.get("/.well-known/jwks.json").data)
    ok = runner.invoke(args=["verify-token", f"https://REGISTRY.EXAMPLE.CN/V/{cert.token}", "--keys", str(jwks)])
    assert ok.exit_code == 0 and "signature: valid" in ok.output and f"number: {cert.number}" in ok.output
    tampered = cert.token[:-3] + ("AAA" if not cert.token.endswith("AAA") else "BBB")
    bad = runner.invoke(args=["verify-token", tampered, "--keys", str(jwks)])
    assert bad.exit_code == 1 and "signature: invalid" in bad.output


def test_scan_page_in_both_languages(client, session, body, minter):
    cert = issue(session, body, minter)
    zh = client.get(f"/V/{cert.token}").get_data(as_text=True)
    assert "有效" in zh and cert.holder.name_zh in zh and "★★★★" in zh and "请核对上面的持证者" in zh
    en = client.get(f"/v/{cert.token}?lang=en")
    assert en.headers["Cache-Control"] == "no-store"
    text = en.get_data(as_text=True)
    assert "Valid" in text and "Check that the holder named above" in text


def test_scan_page_for_an_unreadable_code(client):
    r = client.get("/v/NOTAREALTOKEN?lang=en")
    text = r.get_data(as_text=True)
    assert r.status_code == 200 and '<h1 class="verdict-word">This code could not be read</h1>' in text


def test_certificate_page_shows_history_and_mark(client, session, body, minter):
    cert = issue(session, body, minter)
    Register(session, Actor("t"), body=body, minter=minter).apply(cert.number, EventIn(type="suspend", reason="整改"))
    commit(session)
    page = client.get(f"/certificates/{cert.number}").get_data(as_text=True)
    assert "暂停" in page and "整改" in page and "mark.svg?v=" in page and cert.holder.credit_code in page
