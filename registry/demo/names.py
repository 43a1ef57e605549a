"""Deterministic, plausible organisation names and branch names for demo data."""

import random
from typing import Final

from registry.organisations.business_types import RETAIL_TYPES

Pair = tuple[str, str]

BRAND_HEADS: Final[tuple[Pair, ...]] = (
    ("华", "Hua"),
    ("恒", "Heng"),
    ("瑞", "Rui"),
    ("嘉", "Jia"),
    ("鑫", "Xin"),
    ("顺", "Shun"),
    ("宏", "Hong"),
    ("金", "Jin"),
    ("德", "De"),
    ("永", "Yong"),
    ("天", "Tian"),
    ("佳", "Jia"),
    ("康", "Kang"),
    ("安", "An"),
    ("惠", "Hui"),
    ("福", "Fu"),
    ("亿", "Yi"),
    ("美", "Mei"),
    ("汇", "Hui"),
    ("精", "Jing"),
    ("正", "Zheng"),
    ("博", "Bo"),
    ("维", "Wei"),
    ("洁", "Jie"),
    ("明", "Ming"),
    ("信", "Xin"),
    ("兴", "Xing"),
    ("盛", "Sheng"),
    ("荣", "Rong"),
    ("泰", "Tai"),
    ("联", "Lian"),
    ("和", "He"),
    ("万", "Wan"),
    ("百", "Bai"),
    ("新", "Xin"),
    ("中", "Zhong"),
    ("东", "Dong"),
    ("海", "Hai"),
    ("君", "Jun"),
)

BRAND_TAILS: Final[tuple[Pair, ...]] = (
    ("达", "da"),
    ("丰", "feng"),
    ("禾", "he"),
    ("源", "yuan"),
    ("泰", "tai"),
    ("盛", "sheng"),
    ("成", "cheng"),
    ("美", "mei"),
    ("宁", "ning"),
    ("信", "xin"),
    ("通", "tong"),
    ("诚", "cheng"),
    ("远", "yuan"),
    ("康", "kang"),
    ("润", "run"),
    ("和", "he"),
    ("隆", "long"),
    ("辉", "hui"),
    ("邦", "bang"),
    ("瑞", "rui"),
    ("安", "an"),
    ("利", "li"),
    ("佳", "jia"),
    ("华", "hua"),
    ("鑫", "xin"),
    ("洋", "yang"),
    ("锦", "jin"),
    ("祥", "xiang"),
    ("晟", "sheng"),
    ("创", "chuang"),
    ("居", "ju"),
    ("测", "ce"),
    ("家", "jia"),
    ("联", "lian"),
    ("益", "yi"),
)

INDUSTRY_WORDS: Final[dict[str, tuple[Pair, ...]]] = {
    "mall": (
        ("百货", "Department Store"),
        ("购物中心", "Shopping Center"),
        ("商厦", "Shopping Plaza"),
        ("商业广场", "Commercial Plaza"),
        ("商业管理", "Commercial Management"),
        ("商贸", "Trading"),
    ),
    "supermarket": (
        ("超市", "Supermarket"),
        ("综合超市", "Supermarket"),
        ("连锁超市", "Chain Supermarket"),
        ("生鲜超市", "Fresh Food Supermarket"),
        ("购物广场", "Shopping Plaza"),
        ("商业连锁", "Commercial Chain"),
    ),
    "exclusive_store": (
        ("家电销售", "Home Appliance Sales"),
        ("电器", "Electric Appliance"),
        ("服饰", "Apparel"),
        ("珠宝", "Jewellery"),
        ("眼镜", "Optical"),
        ("家居", "Home Furnishing"),
        ("数码科技", "Digital Technology"),
        ("汽车销售服务", "Automobile Sales and Service"),
    ),
    "convenience_store": (
        ("便利店", "Convenience Store"),
        ("便利连锁", "Convenience Chain"),
        ("连锁便利店", "Chain Convenience Store"),
        ("社区商业", "Community Retail"),
    ),
    "housekeeping": (
        ("家政服务", "Housekeeping Service"),
        ("家庭服务", "Household Service"),
        ("保洁服务", "Cleaning Service"),
        ("母婴护理服务", "Maternal and Infant Care Service"),
        ("养老服务", "Elderly Care Service"),
        ("家政", "Housekeeping"),
    ),
    "inspection_testing": (
        ("检测技术", "Testing Technology"),
        ("检验检测", "Inspection and Testing"),
        ("质量检测", "Quality Testing"),
        ("计量检测", "Metrology and Testing"),
        ("环境检测", "Environmental Testing"),
        ("检测科技", "Testing Technology"),
    ),
    "manufacturing": (
        ("电器", "Electric Appliance"),
        ("机械制造", "Machinery Manufacturing"),
        ("家具", "Furniture"),
        ("智能科技", "Intelligent Technology"),
        ("电子科技", "Electronic Technology"),
        ("厨卫电器", "Kitchen and Bath Appliance"),
        ("门窗", "Doors and Windows"),
        ("实业", "Industrial"),
    ),
    "sanitation_equipment": (
        ("环卫装备", "Sanitation Equipment"),
        ("环境科技", "Environmental Technology"),
        ("专用车辆", "Special Vehicle"),
        ("环保设备", "Environmental Protection Equipment"),
        ("环卫机械", "Sanitation Machinery"),
        ("清洁设备", "Cleaning Equipment"),
    ),
}

LEGAL_FORMS: Final[tuple[tuple[str, tuple[str, ...], float], ...]] = (
    ("有限公司", ("Co., Ltd.",), 0.60),
    ("有限责任公司", ("Co., Ltd.",), 0.15),
    ("股份有限公司", ("Co., Ltd.", "Co., Ltd.", "Inc."), 0.15),
    ("集团有限公司", ("Group Co., Ltd.",), 0.10),
)

_DISTRICT_SUFFIXES: Final[tuple[str, ...]] = ("回族区", "矿区", "新区", "区", "县", "市")


def _industry(business_type: str) -> tuple[Pair, ...]:
    """Return the industry words for a business type, or raise ValueError."""
    try:
        return INDUSTRY_WORDS[business_type]
    except KeyError:
        raise ValueError(f"unknown business type: {business_type!r}") from None


def _brand(rng: random.Random) -> Pair:
    """Draw a two-character brand word and its pinyin."""
    head_zh, head_en = rng.choice(BRAND_HEADS)
    tail_zh, tail_en = rng.choice(BRAND_TAILS)
    while tail_zh == head_zh:
        tail_zh, tail_en = rng.choice(BRAND_TAILS)
    separator = "'" if tail_en[0] in "aoe" else ""
    return head_zh + tail_zh, head_en + separator + tail_en


def _legal_form(rng: random.Random) -> Pair:
    """Draw a legal form in Chinese and English."""
    roll = rng.random()
    for name_zh, names_en, weight in LEGAL_FORMS:
        roll -= weight
        if roll < 0:
            return name_zh, rng.choice(names_en)
    name_zh, names_en, _ = LEGAL_FORMS[0]
    return name_zh, names_en[0]


def organisation_name(rng: random.Random, business_type: str, city_zh: str, city_en: str) -> Pair:
    """Return a plausible (name_zh, name_en) for an organisation of the given type and city."""
    industries = _industry(business_type)
    brand_zh, brand_en = _brand(rng)
    industry_zh, industry_en = rng.choice(industries)
    legal_zh, legal_en = _legal_form(rng)
    city_zh = city_zh.removesuffix("市")
    with_city = bool(city_zh and city_en) and rng.random() < 0.7
    prefix_zh = city_zh if with_city else ""
    prefix_en = f"{city_en} " if with_city else ""
    return (
        f"{prefix_zh}{brand_zh}{industry_zh}{legal_zh}",
        f"{prefix_en}{brand_en} {industry_en} {legal_en}",
    )


def branch_suffix(district_zh: str, district_en: str, business_type: str | None = None) -> Pair:
    """Return a branch suffix such as ("朝阳分店", "Chaoyang Branch") for a district."""
    short_zh = district_zh
    for suffix in _DISTRICT_SUFFIXES:
        if short_zh.endswith(suffix) and len(short_zh) > len(suffix):
            short_zh = short_zh.removesuffix(suffix)
            break
    short_en = district_en.split(" ")[0] if district_en.strip() else district_en
    kind_zh = "分公司" if business_type is not None and business_type not in RETAIL_TYPES else "分店"
    return f"{short_zh}{kind_zh}", f"{short_en} Branch"
