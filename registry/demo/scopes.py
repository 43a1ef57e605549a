"""Deterministic, plausible certification scopes for demo data: a subject and the service activities it covers."""

import random
from typing import Final

Pair = tuple[str, str]

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


def scope_text(rng: random.Random, business_type: str) -> Pair:
    """Return a plausible certification scope (zh, en) for the given business type."""
    try:
        pool_name, subjects = SCOPE_SUBJECTS[business_type]
    except KeyError:
        raise ValueError(f"unknown business type: {business_type!r}") from None
    pool = ACTIVITY_POOLS[pool_name]
    subject_zh, subject_en = rng.choice(subjects)
    count = rng.randint(3, min(5, len(pool) - 1))
    picked = [*sorted(rng.sample(range(len(pool) - 1), count)), len(pool) - 1]
    activities = [pool[i] for i in picked]
    return (
        f"{subject_zh}（{'、'.join(zh for zh, _ in activities)}）",
        f"{subject_en} ({', '.join(en for _, en in activities)})",
    )
