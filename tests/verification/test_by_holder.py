"""Names, credit codes, labelled numbers and junk resolve through the API, the /verify page and CSV."""

import csv
import datetime as dt
import io
import json
import re

from registry.certificates.schemas import EventIn
from registry.certificates.service import Actor, Register
from registry.certificates.validation import today
from registry.db import commit
from tests.conftest import issue

NAME = "北京永联超市有限公司"


def holder(code_seed: int, name: str = NAME) -> dict:
    from random import Random

    from registry.demo.seed import credit_code

    return {
        "name_zh": name,
        "name_en": "Beijing Yonglian Supermarket Co., Ltd.",
        "credit_code": credit_code(Random(900_000 + code_seed), "110105"),
    }


def test_a_name_lists_the_holders_certificates_and_the_best_verdict(client, session, body, minter):
    h = holder(1)
    old = issue(session, body, minter, holder=h, issued=today() - dt.timedelta(days=4 * 365))
    current = issue(session, body, minter, holder=h, star_level=5, score=95)
    other = issue(session, body, minter, holder=h)
    Register(session, Actor("t"), body=body, minter=minter).apply(other.number, EventIn(type="suspend", reason="x"))
    commit(session)
    items = [NAME, "北京永联超市有限责任公司", " 北京 永联超市有限公司 ", h["credit_code"], "北京永联百货有限公司"]
    results = client.post("/api/v1/verify", json={"items": items}).json["results"]
    first = results[0]
    assert first["input_kind"] == "name" and first["verdict"] == "valid"
    assert first["holder"] == {"name_zh": NAME, "name_en": h["name_en"], "credit_code": h["credit_code"]}
    listed = {c["number"]: (c["verdict"], c["star_level"], c["scheme"]) for c in first["certificates"]}
    assert listed == {
        current.number: ("valid", 5, "GB/T 27922-2011"),
        other.number: ("suspended", 4, "GB/T 27922-2011"),
        old.number: ("expired", 4, "GB/T 27922-2011"),
    }
    assert [c["verdict"] for c in first["certificates"]] == ["valid", "suspended", "expired"]
    assert results[1]["verdict"] == results[2]["verdict"] == "valid"
    assert "ignoring" in results[1]["reason"]
    assert results[3]["input_kind"] == "credit_code" and results[3]["verdict"] == "valid"
    assert len(results[3]["certificates"]) == 3
    assert (results[4]["input_kind"], results[4]["verdict"], results[4]["certificates"]) == ("name", "not_found", [])
    assert "北京永联百货有限公司" in results[4]["reason_zh"]


def test_best_verdict_order_and_a_shared_name(client, session, body, minter):
    a = issue(session, body, minter, holder=holder(2))
    Register(session, Actor("t"), body=body, minter=minter).apply(a.number, EventIn(type="revoke"))
    commit(session)
    only_revoked = client.post("/api/v1/verify", json={"items": [NAME]}).json["results"][0]
    assert only_revoked["verdict"] == "revoked" and only_revoked["holder"]["credit_code"] == holder(2)["credit_code"]
    b = issue(session, body, minter, holder=holder(3))
    Register(session, Actor("t"), body=body, minter=minter).apply(b.number, EventIn(type="withdraw"))
    commit(session)
    shared = client.post("/api/v1/verify", json={"items": [NAME]}).json["results"][0]
    assert shared["verdict"] == "withdrawn" and shared["holder"] is None
    assert {h["credit_code"] for h in shared["holders"]} == {holder(2)["credit_code"], holder(3)["credit_code"]}
    assert "2 registered holders share" in shared["reason"] and "同名" in shared["reason_zh"]


def test_numbers_name_their_holder_and_labelled_numbers_resolve(client, session, body, minter):
    cert = issue(session, body, minter, holder=holder(4))
    items = [f"证书编号：{cert.number}", f"No. {cert.number}", cert.token, "*** 12 ***", "911101050000000000"]
    results = client.post("/api/v1/verify", json={"items": items}).json["results"]
    assert [r["verdict"] for r in results] == ["valid", "valid", "valid", "not_found", "not_found"]
    assert [r["input_kind"] for r in results] == ["number", "number", "token", "unknown", "number"]
    assert results[0]["holder"]["name_zh"] == NAME and results[2]["holder"]["credit_code"] == holder(4)["credit_code"]
    assert results[0]["scheme"] == "GB/T 27922-2011" and results[0]["expires"] == cert.expires.isoformat()
    assert "not understood" in results[3]["reason"] and "无法识别" in results[3]["reason_zh"]
    assert "forged" not in {r["verdict"] for r in results}


def test_unregistered_credit_code_and_too_many_items(client, session, body, minter):
    from random import Random

    from registry.demo.seed import credit_code

    code = credit_code(Random(99), "110101")
    r = client.post("/api/v1/verify", json={"items": [code]}).json["results"][0]
    assert (r["input_kind"], r["verdict"], r["certificates"]) == ("credit_code", "not_found", [])
    assert f"no holder with credit code {code}" in r["reason"]
    too_many = client.post("/api/v1/verify", json={"items": ["A-0001"] * 1001})
    assert too_many.status_code == 422 and too_many.mimetype == "application/problem+json"


def csrf(client, lang="zh"):
    page = client.get(f"/verify?lang={lang}").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_page_and_csv_keep_the_uploads_columns_in_chinese(client, session, body, minter):
    cert = issue(session, body, minter, holder=holder(5))
    upload = (
        "序号,投标人名称,统一社会信用代码,证书编号\n"
        f"1,{NAME},,\n"
        f"2,某公司,{holder(5)['credit_code']},\n"
        f"3,另一公司,,证书编号：{cert.number}\n"
        '4,=HYPERLINK("http://evil"),,\n'
        "5,*** ???,,\n"
    ).encode("gbk")
    token = csrf(client)
    page = client.post(
        "/verify",
        data={"csrf_token": token, "items": "No. NOPE-0001", "file": (io.BytesIO(upload), "bidders.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert NAME in page and holder(5)["credit_code"] in page and "/r/" in page
    receipt = re.search(r'name="receipt" value="([^"]+)"', page).group(1)
    source = re.search(r'name="source" value="([^"]+)"', page).group(1).replace("&#34;", '"').replace("&quot;", '"')
    raw = client.post("/verify/results.csv", data={"csrf_token": token, "receipt": receipt, "source": source}).data
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["序号", "投标人名称", "统一社会信用代码", "证书编号"]
    assert rows[0][4:11] == ["输入", "识别为", "证书编号", "结论", "星级", "获证组织", "获证组织（英文）"]
    assert "核验时间（北京时间）" in rows[0]
    body_rows = rows[1:]
    assert [r[0] for r in body_rows] == ["", "1", "2", "3", "4", "5"]
    verdict_col = rows[0].index("结论")
    assert [r[verdict_col] for r in body_rows] == ["未找到", "有效", "有效", "有效", "未找到", "未找到"]
    kind_col = rows[0].index("识别为")
    assert [r[kind_col] for r in body_rows] == [
        "证书编号",
        "组织名称",
        "统一社会信用代码",
        "证书编号",
        "组织名称",
        "无法识别",
    ]
    assert body_rows[1][rows[0].index("获证组织")] == NAME
    assert body_rows[1][rows[0].index("认证方案")] == "GB/T 27922-2011"
    assert body_rows[1][rows[0].index("有效期至")] == cert.expires.isoformat()
    assert body_rows[4][1] == '\'=HYPERLINK("http://evil")'
    when = body_rows[0][rows[0].index("核验时间（北京时间）")]
    checked = json.loads(__import__("base64").urlsafe_b64decode(receipt.split(".")[1] + "==="))["checked_at"]
    utc = dt.datetime.fromisoformat(checked.replace("Z", "+00:00"))
    assert when == (utc + dt.timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")


def test_english_page_csv_headers_and_verdicts(client, session, body, minter):
    cert = issue(session, body, minter)
    token = csrf(client, "en")
    page = client.post("/verify?lang=en", data={"csrf_token": token, "items": cert.number}).get_data(as_text=True)
    receipt = re.search(r'name="receipt" value="([^"]+)"', page).group(1)
    raw = client.post("/verify/results.csv?lang=en", data={"csrf_token": token, "receipt": receipt}).data
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Input", "Understood as", "Certificate number", "Verdict"]
    assert rows[1][:4] == [cert.number, "certificate number", cert.number, "Valid"]


def test_batch_and_single_lookups_agree(app, session, body, minter):
    from registry.verification import current_verifier

    a = issue(session, body, minter, holder=holder(6))
    issue(session, body, minter, holder=holder(6))
    issue(session, body, minter, holder=holder(7))
    Register(session, Actor("t"), body=body, minter=minter).apply(a.number, EventIn(type="suspend"))
    commit(session)
    inputs = [
        NAME,
        "北京永联超市有限责任公司",
        "Beijing Yonglian Supermarket Co., Ltd.",
        "beijing yonglian supermarket company limited",
        holder(6)["credit_code"],
        holder(8)["credit_code"],
        "北京不存在有限公司",
        a.number,
    ]
    for as_of in (None, today() - dt.timedelta(days=1)):
        with app.test_request_context():
            batch = [r.to_dict() for r in current_verifier().verify_many(inputs, as_of)]
            single = [current_verifier().verify(text, as_of).to_dict() for text in inputs]
        assert batch == single
    assert batch[0]["verdict"] == "valid" and len(batch[0]["holders"]) == 2
