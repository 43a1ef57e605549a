"""Business types of certificate holders, with Chinese and English names."""

from typing import Final

BUSINESS_TYPES: Final[dict[str, tuple[str, str]]] = {
    "mall": ("购物中心/百货店", "Shopping mall / department store"),
    "supermarket": ("超市", "Supermarket"),
    "exclusive_store": ("专卖店", "Exclusive store"),
    "convenience_store": ("便利店", "Convenience store"),
    "housekeeping": ("家政服务", "Housekeeping"),
    "inspection_testing": ("检验检测", "Inspection and testing"),
    "manufacturing": ("制造业", "Manufacturing"),
    "sanitation_equipment": ("环卫装备", "Sanitation equipment"),
}

RETAIL_TYPES: Final[tuple[str, ...]] = (
    "mall",
    "supermarket",
    "exclusive_store",
    "convenience_store",
)
