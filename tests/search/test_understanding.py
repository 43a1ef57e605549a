"""How people ask: places, star levels, schemes, bodies and business types in a query become facet chips."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from registry.organisations import regions as tree
from registry.organisations.validation import credit_check_char
from registry.schemes.service import read_scheme_file
from registry.search.understanding import Chip, Understood, understand, vocabulary

SCHEMES = [(s["code"], s["short_name"], s["name_zh"], s["name_en"]) for s in read_scheme_file()]
BODIES = [
    ("CNCA-R-2016-188", "中衡质量认证有限公司", "Zhongheng Quality Certification Co., Ltd."),
    ("CNCA-R-2017-101", "华信服务认证中心有限公司", "Huaxin Service Certification Center Co., Ltd."),
    ("CNCA-R-2018-236", "博森服务认证有限公司", "Bosen Service Certification Co., Ltd."),
    ("CNCA-R-2019-157", "正源认证有限公司", "Zhengyuan Certification Co., Ltd."),
    ("CNCA-R-2020-214", "泓安认证服务有限公司", "Hong'an Certification Service Co., Ltd."),
    ("CNCA-R-2021-179", "瑞衡检验认证有限公司", "Ruiheng Inspection and Certification Co., Ltd."),
    ("CNCA-R-2002-001", "中国质量认证中心", "China Quality Certification Centre (CQC)"),
]
VOCAB = vocabulary(SCHEMES, BODIES)
CHAOYANG = ("110105", "220104")
CREDIT_CODE = "91110105MA01ABCD1" + credit_check_char("91110105MA01ABCD1")
QUOTES = '"＂“”'


def seen(query: str, vocab=VOCAB) -> tuple[str, list[tuple[str, tuple[str, ...], str]]]:
    u = understand(query, vocab)
    return u.text, [(c.facet, c.values, c.words) for c in u.chips]


def one(facet: str, values: tuple[str, ...] | str, query: str) -> tuple[str, list]:
    return "", [(facet, (values,) if isinstance(values, str) else values, query)]


PLACES = [
    ("朝阳", CHAOYANG),
    ("朝阳区", CHAOYANG),
    ("Chaoyang", CHAOYANG),
    ("CHAOYANG", CHAOYANG),
    ("Chaoyang District", CHAOYANG),
    ("chaoyang district", CHAOYANG),
    ("长安", ("130102", "610116")),
    ("北京市朝阳区", "110105"),
    ("北京 朝阳", "110105"),
    ("朝阳 北京", "110105"),
    ("Beijing Chaoyang", "110105"),
    ("Chaoyang District, Beijing", "110105"),
    ("长春市朝阳区", "220104"),
    ("吉林 朝阳", "220104"),
    ("吉林省长春市朝阳区", "220104"),
    ("北京", "110000"),
    ("北京市", "110000"),
    ("Beijing", "110000"),
    ("beijing city", "110000"),
    ("ｂｅｉｊｉｎｇ", "110000"),
    ("北京，", "110000"),
    ("海淀", "110108"),
    ("海淀区", "110108"),
    ("Haidian District", "110108"),
    ("内蒙古", "150000"),
    ("内蒙古自治区", "150000"),
    ("Inner Mongolia", "150000"),
    ("广西", "450000"),
    ("香港", "810000"),
    ("Hong Kong", "810000"),
    ("浦东", "310115"),
    ("浦东新区", "310115"),
    ("Pudong New Area", "310115"),
    ("Guangdong Province", "440000"),
    ("河北", "130000"),  # the province, not Tianjin's 河北区
    ("Hebei", "130000"),
    ("河北区", "120105"),
    ("天津 河北", "120105"),
    ("Xi'an", "610100"),
    ("Xi’an", "610100"),
    ("xian", "610100"),
    ("Lüyuan", "220106"),
    ("Lu\u0308yuan", "220106"),  # typed with a combining diaeresis
    ("Luyuan", "220106"),
]


@pytest.mark.parametrize(("query", "codes"), PLACES)
def test_places(query: str, codes) -> None:
    assert seen(query) == one("region", codes, query)


FIVE = ["五星", "5星", "五星级", "5星级", "5-star", "5 star", "five star", "five-star", "Five Stars", "5★", "★★★★★"]
FOUR_UP = ["4星以上", "四星及以上", "4星级以上", "4星及以上", "4 stars and above", "4+ stars", "4-star and up"]
FOUR_UP += ["four stars or more", "4★以上", "at least 4 stars"]
STARS = [(q, "5") for q in FIVE] + [(q, ("4", "5")) for q in FOUR_UP]
STARS += [
    ("3星", "3"),
    ("三星级", "3"),
    ("★★★", "3"),
    ("两星", "2"),
    ("1星", "1"),
    ("1星以上", ("1", "2", "3", "4", "5")),
]


@pytest.mark.parametrize(("query", "levels"), STARS)
def test_star_levels(query: str, levels) -> None:
    assert seen(query) == one("stars", levels, query)


SCHEME_FORMS = [
    ("GB/T 27922-2011", "GB/T 27922-2011"),
    ("gb/t 27922-2011", "GB/T 27922-2011"),
    ("GB/T27922-2011", "GB/T 27922-2011"),
    ("GB/T 27922", "GB/T 27922-2011"),
    ("gb/t27922", "GB/T 27922-2011"),
    ("27922", "GB/T 27922-2011"),
    ("27922-2011", "GB/T 27922-2011"),
    ("商品售后服务评价体系", "GB/T 27922-2011"),
    ("Evaluation system of after-sales service of commodities", "GB/T 27922-2011"),
    ("ITS", "RCS-ITS-2019"),
    ("its", "RCS-ITS-2019"),
    ("RCS-ITS-2019", "RCS-ITS-2019"),
    ("BJ Retail", "BJ-RETAIL-SQ"),
    ("bjretail", "BJ-RETAIL-SQ"),
    ("bj-retail-sq", "BJ-RETAIL-SQ"),
    ("Q/HXC 013", "Q/HXC 013-2018"),
    ("013", "Q/HXC 013-2018"),
    ("HK-STAR", "HK-STAR"),
    ("家政服务企业星级评定", "HK-STAR"),
]


@pytest.mark.parametrize(("query", "code"), SCHEME_FORMS)
def test_schemes(query: str, code: str) -> None:
    assert seen(query) == one("scheme", code, query)


BODY_FORMS = [
    ("CNCA-R-2016-188", "CNCA-R-2016-188"),
    ("cnca-r-2016-188", "CNCA-R-2016-188"),
    ("中衡质量认证有限公司", "CNCA-R-2016-188"),
    ("Zhongheng Quality Certification Co., Ltd.", "CNCA-R-2016-188"),
    ("中衡", "CNCA-R-2016-188"),
    ("Zhongheng", "CNCA-R-2016-188"),
    ("华信", "CNCA-R-2017-101"),
    ("Huaxin", "CNCA-R-2017-101"),
    ("博森", "CNCA-R-2018-236"),
    ("正源", "CNCA-R-2019-157"),
    ("泓安", "CNCA-R-2020-214"),
    ("Hong'an", "CNCA-R-2020-214"),
    ("hongan", "CNCA-R-2020-214"),
    ("瑞衡", "CNCA-R-2021-179"),
    ("Ruiheng", "CNCA-R-2021-179"),
    ("CQC", "CNCA-R-2002-001"),
    ("cqc", "CNCA-R-2002-001"),
    ("(CQC)", "CNCA-R-2002-001"),
    ("中国质量认证中心", "CNCA-R-2002-001"),
]


@pytest.mark.parametrize(("query", "code"), BODY_FORMS)
def test_certification_bodies(query: str, code: str) -> None:
    assert seen(query) == one("body", code, query)


BUSINESS = [
    ("超市", "supermarket"),
    ("supermarket", "supermarket"),
    ("Supermarkets", "supermarket"),
    ("家政", "housekeeping"),
    ("家政服务", "housekeeping"),
    ("housekeeping", "housekeeping"),  # also a scheme's short name: the business type wins
    ("Housekeeping", "housekeeping"),
    ("便利店", "convenience_store"),
    ("convenience store", "convenience_store"),
    ("商场", "mall"),
    ("百货", "mall"),
    ("购物中心", "mall"),
    ("mall", "mall"),
    ("department store", "mall"),
    ("专卖店", "exclusive_store"),
    ("检验检测", "inspection_testing"),
    ("检测", "inspection_testing"),
    ("inspection and testing", "inspection_testing"),
    ("制造业", "manufacturing"),
    ("环卫装备", "sanitation_equipment"),
]


@pytest.mark.parametrize(("query", "code"), BUSINESS)
def test_business_types(query: str, code: str) -> None:
    assert seen(query) == one("business_type", code, query)


SUPERMARKET = ("business_type", ("supermarket",), "超市")
FIVE_STARS = ("stars", ("5",), "五星")
BEIJING = ("region", ("110000",), "北京")
BEIJING_CHAOYANG = ("region", ("110105",), "北京市朝阳区")
EN_NAME = "Beijing Yonglian Supermarket Co., Ltd."
BODY_NAME = "Zhongheng Quality Certification Co., Ltd."
COMBINED = [
    ("朝阳区 超市", "", [("region", CHAOYANG, "朝阳区"), SUPERMARKET]),
    ("朝阳区超市", "", [("region", CHAOYANG, "朝阳区"), SUPERMARKET]),
    (
        "Chaoyang supermarket",
        "",
        [("region", CHAOYANG, "Chaoyang"), ("business_type", ("supermarket",), "supermarket")],
    ),
    ("北京 五星", "", [BEIJING, FIVE_STARS]),
    ("北京五星", "", [BEIJING, FIVE_STARS]),
    ("北京★★★★★", "", [BEIJING, ("stars", ("5",), "★★★★★")]),
    ("五星 北京市朝阳区 超市", "", [FIVE_STARS, BEIJING_CHAOYANG, SUPERMARKET]),
    ("北京市朝阳区4星以上超市", "", [BEIJING_CHAOYANG, ("stars", ("4", "5"), "4星以上"), SUPERMARKET]),
    ("4星 以上", "", [("stars", ("4", "5"), "4星 以上")]),
    (
        "中衡 27922 五星",
        "",
        [("body", ("CNCA-R-2016-188",), "中衡"), ("scheme", ("GB/T 27922-2011",), "27922"), FIVE_STARS],
    ),
    ("永联 朝阳区 超市", "永联", [("region", CHAOYANG, "朝阳区"), SUPERMARKET]),
    ("  永联   朝阳  超市 a  b ", "永联 a  b", [("region", CHAOYANG, "朝阳"), SUPERMARKET]),
    ("北京 超市 朝阳", "", [BEIJING, SUPERMARKET, ("region", CHAOYANG, "朝阳")]),
    # A name in English: with its legal form left over, its place and business-type words stay text.
    (EN_NAME, EN_NAME, []),
    (f"{EN_NAME} 五星", EN_NAME, [FIVE_STARS]),
    (f"{BODY_NAME} 五星", "", [("body", ("CNCA-R-2016-188",), BODY_NAME), FIVE_STARS]),
    (
        "Beijing supermarket Yonglian",
        "Yonglian",
        [("region", ("110000",), "Beijing"), ("business_type", ("supermarket",), "supermarket")],
    ),
]


@pytest.mark.parametrize(("query", "text", "chips"), COMBINED)
def test_words_together(query: str, text: str, chips: list) -> None:
    assert seen(query) == (text, chips)


PLAIN = [
    "北京永联超市有限公司",  # a company name stays whole, although it starts with a place
    "朝阳永联超市",
    "永联",
    "超市有限公司",
    "6星",
    "0星",
    "6 stars",
    "★★★★★★",
    "十星",
    "6星以上",
    "北京6星",
    "北京,朝阳",
    "beijingchaoyang",
    "2011",
    "27923",
    "GB/T",
    "5",
    "中国",
    "认证",
    "Certification",
    "有限公司",
    CREDIT_CODE,
    CREDIT_CODE.lower(),
    "ZHQ-2024-000123",
    "CQC-2026-SV-00012345",
    "hello world",
    "朝阳区超市有限公司",
]


@pytest.mark.parametrize("query", PLAIN)
def test_plain_text(query: str) -> None:
    assert seen(query) == (query, [])


JUNK = [
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%%%",
    "!!!",
    "\x00朝阳\x01",
    "朝阳\u200b",  # a zero-width space is not a space
    "\ufeff",
    "🙂🙂",
    "北京🙂",
    "(((",
    "..",
]


@pytest.mark.parametrize("query", JUNK)
def test_junk_is_plain_text(query: str) -> None:
    assert seen(query) == (query, [])


QUOTED = [
    ('"朝阳"', "朝阳", []),
    ("“朝阳”", "朝阳", []),
    ("＂朝阳＂", "朝阳", []),
    ('"北京 朝阳" 超市', "北京 朝阳", [("business_type", ("supermarket",), "超市")]),
    ('"朝阳区"超市', "朝阳区", [("business_type", ("supermarket",), "超市")]),
    ('超市 "五星"', "五星", [("business_type", ("supermarket",), "超市")]),
    ('"朝阳', "朝阳", []),  # an unclosed quote runs to the end
    ('朝阳"', "", [("region", CHAOYANG, "朝阳")]),
    ('""', "", []),
    ('"" 五星', "", [("stars", ("5",), "五星")]),
    ('"永联" "超市"', "永联 超市", []),
    ('永联"超市"北京', "永联 超市", [("region", ("110000",), "北京")]),
]


@pytest.mark.parametrize(("query", "text", "chips"), QUOTED)
def test_quoted_words_are_text(query: str, text: str, chips: list) -> None:
    assert seen(query) == (text, chips)


def test_filters_or_within_a_chip_and_intersect_across_chips() -> None:
    assert understand("朝阳 超市", VOCAB).filters() == {"region": CHAOYANG, "business_type": ("supermarket",)}
    assert understand("北京 超市 朝阳", VOCAB).filters() == {"region": ("110105",), "business_type": ("supermarket",)}
    assert understand("4星以上 5星", VOCAB).filters() == {"stars": ("5",)}
    assert understand("超市 便利店", VOCAB).filters() == {"business_type": ()}
    assert understand("北京 上海", VOCAB).filters() == {"region": ()}
    assert understand("永联", VOCAB).filters() == {}


def test_a_removed_chip_searches_as_text() -> None:
    u = understand("北京市朝阳区超市 五星", VOCAB)
    region, business, _ = u.chips
    stars = ("stars", ("5",), "五星")
    assert u.without(region) == '"北京市朝阳区"超市 五星'
    assert seen(u.without(region)) == ("北京市朝阳区", [("business_type", ("supermarket",), "超市"), stars])
    assert u.without(business) == '北京市朝阳区"超市" 五星'
    assert seen(u.without(business)) == ("超市", [("region", ("110105",), "北京市朝阳区"), stars])
    again = understand(u.without(business), VOCAB)
    assert seen(again.without(again.chips[0])) == ("北京市朝阳区 超市", [stars])
    two_words = understand("北京 朝阳 超市", VOCAB)
    assert seen(two_words.without(two_words.chips[0])) == ("北京 朝阳", [("business_type", ("supermarket",), "超市")])


def test_chips_compare_by_what_they_mean() -> None:
    assert understand("朝阳", VOCAB) == Understood("", (Chip("region", CHAOYANG, "朝阳"),))


def test_body_short_names_must_be_unique_and_long_enough() -> None:
    vocab = vocabulary(
        SCHEMES,
        [
            ("B-1", "华信认证有限公司", "Huaxin Certification Co., Ltd."),
            ("B-2", "华信检测有限公司", "Huaxin Testing Co., Ltd."),
            ("B-3", "信认证有限公司", "Xi Certification Co., Ltd."),
            ("B-4", "北京认证有限公司", "Beijing Certification Co., Ltd."),
            ("B-5", "优质认证有限公司", "Premium Quality Certification (PQC) Co., Ltd."),
        ],
    )
    assert seen("华信", vocab) == ("华信", [])  # two bodies: not a short name
    assert seen("Huaxin", vocab) == ("Huaxin", [])
    assert seen("华信认证有限公司", vocab) == one("body", "B-1", "华信认证有限公司")
    assert seen("信", vocab) == ("信", [])  # one character is too short
    assert seen("Xi", vocab) == ("Xi", [])  # two letters are too short
    assert seen("北京", vocab) == one("region", "110000", "北京")  # a place stays a place
    assert seen("优质", vocab) == one("body", "B-5", "优质")
    assert seen("PQC", vocab) == one("body", "B-5", "PQC")
    assert seen("中衡", vocab) == ("中衡", [])  # not a body of this register


def test_an_empty_register_still_knows_places_stars_and_business_types() -> None:
    vocab = vocabulary([], [])
    assert seen("朝阳区 超市 五星", vocab)[1] == [
        ("region", CHAOYANG, "朝阳区"),
        ("business_type", ("supermarket",), "超市"),
        ("stars", ("5",), "五星"),
    ]
    assert seen("27922", vocab) == ("27922", [])


LONG = [
    "永" * 200,
    "北京" * 100,
    "朝阳 " * 40,
    "a" * 200,
    "x " * 100,
    ('"' * 3 + "朝阳 ") * 25,
    "北京永联超市有限公司" * 20,
    " ".join(["五星"] * 66),
]


@pytest.mark.parametrize("query", LONG, ids=range(len(LONG)))
def test_long_queries_are_understood_or_left_whole(query: str) -> None:
    u = understand(query, VOCAB)
    assert accounted(query, u)


def test_many_region_words_in_a_row_make_one_place() -> None:
    text, chips = seen("朝阳 " * 40)
    assert text == ""
    assert chips == [("region", CHAOYANG, ("朝阳 " * 40).strip())]


def visible(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace() and c not in QUOTES)


def accounted(query: str, u: Understood) -> bool:
    """Every character typed (but spaces and quotes) is in the text or in exactly one chip, in order."""
    assert visible(query) == visible(u.text) + sum((visible(c.words) for c in u.chips), Counter())
    spans = [c.span for c in u.chips]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert all(query[c.span[0] : c.span[1]] == c.words for c in u.chips)
    return True


WORDS = [q for q, _ in PLACES + STARS + SCHEME_FORMS + BODY_FORMS + BUSINESS] + PLAIN
WORDS += ["永联", "有限公司", "Co., Ltd."]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(['"', "“", "”", " ", "", "，"])), max_size=8).map(
        " ".join
    ),
    st.lists(st.sampled_from([*WORDS, '"', "”"]), max_size=6).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(queries)
@example("Lu\u0308yuan 北京㍿ ⑴朝阳 İstanbul ǅ ¨")
@example("\u3000朝阳\u00a0超市\u2003")
def test_any_text_is_understood_without_losing_a_word(query: str) -> None:
    u = understand(query, VOCAB)
    assert accounted(query, u)
    assert u.text == u.text.strip()
    for facet, values in u.filters().items():
        chip_values = {v for c in u.chips if c.facet == facet for v in c.values}
        assert set(values) <= chip_values or facet == "region"
    for chip in u.chips:
        assert chip.values
        if chip.facet == "region":
            assert all(tree.level_of(code) for code in chip.values)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join), st.data())
def test_removing_a_chip_keeps_the_others(query: str, data: st.DataObject) -> None:
    u = understand(query, VOCAB)
    if not u.chips:
        return
    chip = data.draw(st.sampled_from(u.chips))
    after = understand(u.without(chip), VOCAB)
    assert chip.words.strip() in after.text
    assert [c for c in after.chips if c.span[1] <= chip.span[0]] == [c for c in u.chips if c.span[1] <= chip.span[0]]
