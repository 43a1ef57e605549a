"""Checks on holders: unified social credit codes (GB 32100-2015) and region codes (GB/T 2260)."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from importlib import resources

# GB 32100-2015 uses the digits and 21 upper-case letters; I, O, Z, S and V are never used.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """The check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> tuple[str, str] | None:
    """Why `code` is not a valid unified social credit code (en, zh), or None if it is."""
    if len(code) != 18:
        return (
            f"must be 18 characters, got {len(code)}",
            f"应为 18 位，实际为 {len(code)} 位",
        )
    bad = [c for c in code if c not in CREDIT_ALPHABET]
    if bad:
        return (
            f"contains {bad[0]!r}, which credit codes never use (digits and A-Y without I, O, S, V, Z)",
            f"含有统一社会信用代码不使用的字符 {bad[0]!r}",
        )
    if not code[2:8].isdigit():
        return ("characters 3-8 must be a six-digit region code", "第 3-8 位应为六位行政区划码")
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return (
            f"check character is {code[17]!r} but should be {expected!r} (GB 32100-2015)",
            f"校验码为 {code[17]!r}，应为 {expected!r}（GB 32100-2015）",
        )
    return None


@cache
def regions() -> dict[str, dict[str, str | None]]:
    """GB/T 2260 divisions shipped with the registry, by code."""
    raw = resources.files("registry.organisations").joinpath("data/regions.json").read_text("utf-8")
    return {r["code"]: r for r in json.loads(raw)}


def region_problem(code: str) -> tuple[str, str] | None:
    """Why `code` is not a known GB/T 2260 region code (en, zh), or None if it is."""
    if len(code) != 6 or not code.isdigit():
        return ("must be a six-digit GB/T 2260 code such as 110105", "应为六位 GB/T 2260 行政区划码，如 110105")
    if code not in regions():
        return (f"{code} is not a GB/T 2260 code this registry knows", f"{code} 不是已知的行政区划码")
    return None


@lru_cache(maxsize=8192)
def region_name(code: str, lang: str = "zh") -> str:
    """The region's name with its province, e.g. 北京市朝阳区 / Chaoyang District, Beijing."""
    table = regions()
    region = table.get(code)
    if region is None:
        return code
    key = "name_zh" if lang == "zh" else "name_en"
    names = [str(region[key])]
    parent = region.get("parent")
    while parent and parent in table:
        names.append(str(table[parent][key]))
        parent = table[parent].get("parent")
    return "".join(reversed(names)) if lang == "zh" else ", ".join(names)
