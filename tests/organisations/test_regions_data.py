"""Checks on the GB/T 2260 administrative division data file."""

import json
from pathlib import Path

import pytest

REGIONS_PATH = Path(__file__).resolve().parents[2] / "registry" / "organisations" / "data" / "regions.json"

BEIJING_DISTRICTS = {
    "110101": "东城区",
    "110102": "西城区",
    "110105": "朝阳区",
    "110106": "丰台区",
    "110107": "石景山区",
    "110108": "海淀区",
    "110109": "门头沟区",
    "110111": "房山区",
    "110112": "通州区",
    "110113": "顺义区",
    "110114": "昌平区",
    "110115": "大兴区",
    "110116": "怀柔区",
    "110117": "平谷区",
    "110118": "密云区",
    "110119": "延庆区",
}


@pytest.fixture(scope="module")
def regions() -> list[dict]:
    """Load the regions data file."""
    return json.loads(REGIONS_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_code(regions: list[dict]) -> dict[str, dict]:
    """Index the regions by code."""
    return {region["code"]: region for region in regions}


def test_shape_and_non_empty_names(regions: list[dict]) -> None:
    """Every entry has exactly the expected keys and non-empty names."""
    for region in regions:
        assert set(region) == {"code", "name_zh", "name_en", "parent"}
        assert region["name_zh"].strip() and region["name_en"].strip()


def test_codes_are_six_digits_unique_and_sorted(regions: list[dict]) -> None:
    """Codes are six ASCII digits, unique and sorted."""
    codes = [region["code"] for region in regions]
    assert all(len(code) == 6 and code.isascii() and code.isdigit() for code in codes)
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_every_parent_exists_and_is_a_prefix(by_code: dict[str, dict]) -> None:
    """Every parent is in the file and shares its leading digits with the child."""
    for code, region in by_code.items():
        parent = region["parent"]
        if parent is None:
            continue
        assert parent in by_code, code
        assert parent != code
        assert code[:2] == parent[:2]
        assert parent.endswith("00")


def test_all_beijing_districts_present(by_code: dict[str, dict]) -> None:
    """All 16 districts of Beijing are present with the right names and parent."""
    for code, name_zh in BEIJING_DISTRICTS.items():
        assert by_code[code]["name_zh"] == name_zh
        assert by_code[code]["parent"] == "110000"
    beijing = {code for code, region in by_code.items() if region["parent"] == "110000"}
    assert beijing == set(BEIJING_DISTRICTS)


def test_provinces(by_code: dict[str, dict]) -> None:
    """At least the 31 mainland provincial-level divisions are present, with codes ending 0000."""
    provinces = {code for code, region in by_code.items() if region["parent"] is None}
    assert len(provinces) >= 31
    assert all(code.endswith("0000") for code in provinces)
    mainland = {code for code in provinces if code < "700000"}
    assert len(mainland) == 31
    assert {"110000", "310000", "440000", "650000"} <= provinces


def test_capitals_belong_to_provinces(by_code: dict[str, dict]) -> None:
    """Each prefecture-level city hangs off a province whose code ends 0000."""
    cities = [r for r in by_code.values() if r["code"].endswith("00") and r["parent"] is not None]
    assert len(cities) >= 27
    for city in cities:
        assert not city["code"].endswith("0000")
        province = by_code[city["parent"]]
        assert province["parent"] is None
        assert province["code"].endswith("0000")


def test_required_cities_and_districts(by_code: dict[str, dict]) -> None:
    """Named cities and districts required by the demo data are present."""
    expected = {
        "440100": "广州市",
        "440106": "天河区",
        "330100": "杭州市",
        "330106": "西湖区",
        "320100": "南京市",
        "320200": "无锡市",
        "320213": "梁溪区",
        "440300": "深圳市",
        "440305": "南山区",
    }
    for code, name_zh in expected.items():
        assert by_code[code]["name_zh"] == name_zh
    assert by_code["320213"]["parent"] == "320200"
    assert by_code["440300"]["parent"] == "440000"
