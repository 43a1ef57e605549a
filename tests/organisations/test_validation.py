import random

import pytest

from registry.demo.seed import credit_code
from registry.organisations.validation import credit_code_problem, region_name, region_problem


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91440300708461136T"])
def test_real_published_credit_codes_pass(code):
    assert credit_code_problem(code) is None


def test_generated_codes_pass_and_a_changed_character_fails():
    code = credit_code(random.Random(7), "110108")
    assert credit_code_problem(code) is None
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    message, message_zh = credit_code_problem(wrong)
    assert "check character" in message and "校验码" in message_zh


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("9111", "18 characters"), ("91110000600037341I", "never use"), ("91ABCDEF600037341L", "region code")],
)
def test_bad_credit_codes_say_why(code, fragment):
    assert fragment in credit_code_problem(code)[0]


def test_regions_know_every_beijing_district_and_name_them():
    for code in [
        "110101",
        "110102",
        "110105",
        "110106",
        "110107",
        "110108",
        "110109",
        "110111",
        "110112",
        "110113",
        "110114",
        "110115",
        "110116",
        "110117",
        "110118",
        "110119",
    ]:
        assert region_problem(code) is None
    assert region_name("110108") == "北京市海淀区"
    assert region_name("110108", "en") == "Haidian District, Beijing"
    assert region_problem("999999") is not None
    assert region_problem("11010") is not None
