"""The GB/T 2260 hierarchy: roll-up for filters, drill-down for facets, held against the data file."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.organisations import regions as tree

DATA = json.loads(
    (Path(__file__).resolve().parents[2] / "registry" / "organisations" / "data" / "regions.json").read_text("utf-8")
)
PARENT = {r["code"]: r["parent"] for r in DATA}
CODES = sorted(PARENT)
BEIJING_DISTRICTS = {
    "110101", "110102", "110105", "110106", "110107", "110108", "110109", "110111",
    "110112", "110113", "110114", "110115", "110116", "110117", "110118", "110119",
}  # fmt: skip


def chain(code: str) -> list[str]:
    """The oracle: follow parent links in the data file."""
    up = []
    while PARENT[code] is not None:
        code = PARENT[code]
        up.append(code)
    return up[::-1]


def test_a_municipality_covers_its_districts_directly() -> None:
    assert tree.descendants("110000") == BEIJING_DISTRICTS | {"110000"}
    assert tree.children("110000") == tuple(sorted(BEIJING_DISTRICTS))
    assert tree.ancestors("110105") == ("110000",)
    assert tree.level_of("110000") == "province"
    assert tree.level_of("110105") == "district"


def test_a_province_covers_its_cities_and_their_districts() -> None:
    jilin = tree.descendants("220000")
    assert {"220000", "220100", "220104", "220102"} <= jilin
    assert "110105" not in jilin
    assert tree.children("220000") == ("220100",)
    assert tree.descendants("220100") == jilin - {"220000"}
    assert tree.ancestors("220104") == ("220000", "220100")
    assert [tree.level_of(c) for c in ("220000", "220100", "220104")] == ["province", "city", "district"]


def test_a_district_and_a_city_without_districts_are_leaves() -> None:
    assert tree.descendants("110105") == frozenset({"110105"})
    assert tree.children("110105") == ()
    assert tree.descendants("441900") == frozenset({"441900"})  # Dongguan has no districts
    assert tree.level_of("441900") == "city"
    assert tree.children("710000") == ()


def test_the_top_level_lists_every_province_level_division() -> None:
    top = tree.children(None)
    assert top == tuple(sorted(c for c, p in PARENT.items() if p is None))
    assert len(top) == 34
    assert {"110000", "310000", "810000", "820000", "710000"} <= set(top)
    assert tree.children() == top


@pytest.mark.parametrize("function", [tree.descendants, tree.children, tree.ancestors, tree.level_of])
@pytest.mark.parametrize("code", ["999999", "", "11010", "110105 "])
def test_unknown_codes_are_refused(function, code: str) -> None:
    with pytest.raises(KeyError):
        function(code)


@given(st.sampled_from(CODES))
def test_every_region_agrees_with_the_parent_links(code: str) -> None:
    assert list(tree.ancestors(code)) == chain(code)
    assert tree.descendants(code) == {c for c in CODES if c == code or code in chain(c)}
    assert tree.children(code) == tuple(sorted(c for c in CODES if PARENT[c] == code))
    assert tree.level_of(code) == ("province" if not chain(code) else "city" if code.endswith("00") else "district")


@given(st.sampled_from(CODES), st.sampled_from(CODES))
def test_within_means_under(code: str, area: str) -> None:
    assert tree.is_within(code, area) == (code in tree.descendants(area))


@pytest.mark.parametrize(
    ("codes", "others", "expected"),
    [
        (("110000",), ("110105", "220104"), ("110105",)),  # 北京 + 朝阳
        (("110105", "220104"), ("110000",), ("110105",)),  # 朝阳 + 北京
        (("220000",), ("220100",), ("220100",)),  # 吉林省 + 长春市
        (("110000",), ("310000",), ()),  # 北京 + 上海: no place is both
        (("110000", "110105"), ("110000",), ("110000",)),  # all of Beijing either way
        (("110105", "220104"), ("110105", "220104"), ("110105", "220104")),
    ],
)
def test_overlap_is_the_area_both_cover(codes, others, expected) -> None:
    assert tree.overlap(codes, others) == expected


@given(st.sets(st.sampled_from(CODES), max_size=4), st.sets(st.sampled_from(CODES), max_size=4))
def test_overlap_covers_exactly_the_shared_area(codes: set[str], others: set[str]) -> None:
    def area(cs) -> set[str]:
        return set().union(*(tree.descendants(c) for c in cs))

    result = tree.overlap(codes, others)
    assert area(result) == area(codes) & area(others)
    assert not any(tree.is_within(a, b) for a in result for b in result if a != b)


def test_rollup_counts_the_next_level_down() -> None:
    counts = {"110105": 73, "110108": 20, "220104": 5, "220102": 1, "310115": 7, "110000": 2}
    assert tree.rollup(counts) == {"110000": 95, "220000": 6, "310000": 7}
    assert tree.rollup(counts, "110000") == {"110105": 73, "110108": 20}
    assert tree.rollup(counts, "220000") == {"220100": 6}
    assert tree.rollup(counts, "220100") == {"220102": 1, "220104": 5}
    assert tree.rollup(counts, "110105") == {}
    assert tree.rollup({"999999": 3}) == {}


@given(st.dictionaries(st.sampled_from(CODES), st.integers(1, 50), max_size=20), st.sampled_from([None, *CODES]))
def test_rollup_agrees_with_descendants(counts: dict[str, int], under: str | None) -> None:
    expected = {
        child: total
        for child in tree.children(under)
        if (total := sum(n for c, n in counts.items() if c in tree.descendants(child)))
    }
    assert tree.rollup(counts, under) == expected
