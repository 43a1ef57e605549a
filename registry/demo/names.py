"""Deterministic, plausible organisation names, scopes and certification bodies for demo data."""

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

ACTIVITY_POOLS: Final[dict[str, tuple[Pair, ...]]] = {
    "retail": (
        ("售前咨询", "pre-sale consultation"),
        ("导购", "shopping guidance"),
        ("商品销售", "sales"),
        ("收银结算", "checkout"),
        ("送货配送", "delivery"),
        ("会员服务", "membership services"),
        ("退换货", "returns and exchanges"),
        ("客户投诉处理", "complaint handling"),
    ),
    "after_sales": (
        ("送货", "delivery"),
        ("安装", "installation"),
        ("调试", "commissioning"),
        ("维修", "repair"),
        ("保养", "maintenance"),
        ("配件供应", "spare parts supply"),
        ("技术培训", "technical training"),
        ("退换货", "returns"),
        ("客户投诉处理", "complaint handling"),
    ),
    "housekeeping": (
        ("日常保洁", "daily cleaning"),
        ("家庭烹饪", "home cooking"),
        ("母婴护理", "maternal and infant care"),
        ("育婴", "childcare"),
        ("养老护理", "elderly care"),
        ("病患陪护", "patient care"),
        ("家电清洗", "appliance cleaning"),
        ("客户投诉处理", "complaint handling"),
    ),
    "testing": (
        ("委托受理", "order acceptance"),
        ("抽样", "sampling"),
        ("样品检测", "sample testing"),
        ("报告出具", "report issuance"),
        ("技术咨询", "technical consultation"),
        ("异议处理", "objection handling"),
        ("客户投诉处理", "complaint handling"),
    ),
}

SCOPE_SUBJECTS: Final[dict[str, tuple[str, tuple[Pair, ...]]]] = {
    "mall": (
        "retail",
        (
            ("百货商品零售服务", "Retail service of department store goods"),
            ("购物中心商品零售及商户管理服务", "Retail and tenant management service of a shopping mall"),
            (
                "服装、鞋帽、化妆品、家居用品零售服务",
                "Retail service of clothing, footwear, cosmetics and household goods",
            ),
        ),
    ),
    "supermarket": (
        "retail",
        (
            ("超市商品零售服务", "Retail service of supermarket goods"),
            ("食品、生鲜及日用品零售服务", "Retail service of food, fresh produce and daily necessities"),
            ("连锁超市零售服务", "Retail service of a supermarket chain"),
        ),
    ),
    "exclusive_store": (
        "retail",
        (
            ("家用电器专卖零售服务", "Exclusive retail service of household appliances"),
            ("品牌服饰专卖零售服务", "Exclusive retail service of branded apparel"),
            ("眼镜验配及销售服务", "Eyeglass fitting and sales service"),
            ("珠宝首饰专卖零售服务", "Exclusive retail service of jewellery"),
            ("汽车销售及售后服务", "Automobile sales and after-sales service"),
        ),
    ),
    "convenience_store": (
        "retail",
        (
            ("便利店商品零售服务", "Retail service of convenience store goods"),
            ("连锁便利店零售服务", "Retail service of a convenience store chain"),
            ("便利店商品零售及便民服务", "Convenience store retail and community services"),
        ),
    ),
    "housekeeping": (
        "housekeeping",
        (
            ("家政服务", "Housekeeping service"),
            ("员工制家政服务", "Employee-based housekeeping service"),
            ("居家养老及家政服务", "Home-based elderly care and housekeeping service"),
        ),
    ),
    "inspection_testing": (
        "testing",
        (
            ("食品检验检测服务", "Food inspection and testing service"),
            ("环境监测检测服务", "Environmental monitoring and testing service"),
            ("电子电器产品检验检测服务", "Inspection and testing service of electrical and electronic products"),
            ("建筑材料检验检测服务", "Inspection and testing service of building materials"),
            ("纺织品检验检测服务", "Inspection and testing service of textiles"),
            ("计量校准服务", "Metrology and calibration service"),
        ),
    ),
    "manufacturing": (
        "after_sales",
        (
            ("家用电器的售后服务", "After-sales service of household appliances"),
            ("空调器的售后服务", "After-sales service of air conditioners"),
            ("热水器的售后服务", "After-sales service of water heaters"),
            ("厨房电器的售后服务", "After-sales service of kitchen appliances"),
            ("办公家具的售后服务", "After-sales service of office furniture"),
            ("门窗产品的售后服务", "After-sales service of doors and windows"),
            ("工业机械设备的售后服务", "After-sales service of industrial machinery"),
            ("智能门锁的售后服务", "After-sales service of smart door locks"),
        ),
    ),
    "sanitation_equipment": (
        "after_sales",
        (
            ("环卫车辆的售后服务", "After-sales service of sanitation vehicles"),
            ("洗扫车、扫路车的售后服务", "After-sales service of washing and sweeping vehicles"),
            ("垃圾压缩转运设备的售后服务", "After-sales service of refuse compaction and transfer equipment"),
            ("垃圾分类收集设备的售后服务", "After-sales service of sorted waste collection equipment"),
        ),
    ),
}

CERTIFICATION_BODIES: Final[list[dict[str, str]]] = [
    {
        "code": "CNCA-R-2016-188",
        "name_zh": "中衡质量认证有限公司",
        "name_en": "Zhongheng Quality Certification Co., Ltd.",
        "prefix": "ZHQ",
    },
    {
        "code": "CNCA-R-2017-101",
        "name_zh": "华信服务认证中心有限公司",
        "name_en": "Huaxin Service Certification Center Co., Ltd.",
        "prefix": "HXS",
    },
    {
        "code": "CNCA-R-2018-236",
        "name_zh": "博森服务认证有限公司",
        "name_en": "Bosen Service Certification Co., Ltd.",
        "prefix": "BSC",
    },
    {
        "code": "CNCA-R-2019-157",
        "name_zh": "正源认证有限公司",
        "name_en": "Zhengyuan Certification Co., Ltd.",
        "prefix": "ZYC",
    },
    {
        "code": "CNCA-R-2020-214",
        "name_zh": "泓安认证服务有限公司",
        "name_en": "Hong'an Certification Service Co., Ltd.",
        "prefix": "HAC",
    },
    {
        "code": "CNCA-R-2021-179",
        "name_zh": "瑞衡检验认证有限公司",
        "name_en": "Ruiheng Inspection and Certification Co., Ltd.",
        "prefix": "RHIC",
    },
]

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


def scope_text(rng: random.Random, business_type: str) -> Pair:
    """Return a plausible certification scope (zh, en) for the given business type."""
    _industry(business_type)
    pool_name, subjects = SCOPE_SUBJECTS[business_type]
    pool = ACTIVITY_POOLS[pool_name]
    subject_zh, subject_en = rng.choice(subjects)
    count = rng.randint(3, min(5, len(pool) - 1))
    picked = [*sorted(rng.sample(range(len(pool) - 1), count)), len(pool) - 1]
    activities = [pool[i] for i in picked]
    return (
        f"{subject_zh}（{'、'.join(zh for zh, _ in activities)}）",
        f"{subject_en} ({', '.join(en for _, en in activities)})",
    )
