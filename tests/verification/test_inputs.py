"""What officers paste is understood: numbers (also labelled), tokens, URLs, credit codes, names, junk."""

import pytest

from registry.organisations.names import name_key
from registry.verification.inputs import classify

CODE = "91110105MA01ABCD1X"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("HAC-2023-SV-939951", "number", "HAC-2023-SV-939951"),
        ("证书编号：HAC-2023-SV-939951", "number", "HAC-2023-SV-939951"),
        ("证书编号:  hac-2023-sv-939951 ", "number", "HAC-2023-SV-939951"),
        ("No. HAC-2023-1", "number", "HAC-2023-1"),
        ("Certificate No.: HAC-2023-1", "number", "HAC-2023-1"),
        ("NOPE-0001", "number", "NOPE-0001"),
        ("ＨＡＣ－２０２３－１", "number", "HAC-2023-1"),
        ("HAC-2023\u200b-1", "number", "HAC-2023-1"),
        ("https://registry.example.cn/certificates/HAC-1", "number", "HAC-1"),
        ("北京永联超市有限公司", "name", "北京永联超市有限公司"),
        ("投标人名称：北京永联超市有限公司", "name", "北京永联超市有限公司"),
        ("Acme Trading Co., Ltd.", "name", "Acme Trading Co., Ltd."),
        ("hello", "unknown", ""),
        ("=1+2", "unknown", ""),
        ("https://example.com/login", "unknown", ""),
        ("", "unknown", ""),
    ],
)
def test_classify(text, kind, value):
    got = classify(text)
    assert (got.kind, got.value) == (kind, value)


def test_credit_codes_plain_and_labelled():
    from random import Random

    from registry.demo.seed import credit_code

    code = credit_code(Random(7), "110105")
    assert (classify(code).kind, classify(code).value) == ("credit_code", code)
    spaced = f"统一社会信用代码：{code[:8]} {code[8:].lower()}"
    assert (classify(spaced).kind, classify(spaced).value) == ("credit_code", code)
    # Eighteen characters with a wrong check character are not a credit code.
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    assert classify(wrong).kind == "number"


def test_name_key_folds_the_usual_spellings():
    base = name_key("北京永联超市有限公司")
    assert name_key("北京永联超市有限责任公司") == base
    assert name_key(" 北京 永联超市 有限公司 ") == base
    assert name_key("北京永联超市（有限公司）") == base
    assert name_key("ＡＢＣ超市有限公司") == name_key("abc超市有限公司")
    assert name_key("Acme Trading Company Limited") == name_key("ACME TRADING CO., LTD.")
    assert name_key("北京永联超市有限公司") != name_key("北京永联百货有限公司")
