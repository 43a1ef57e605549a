"""Tests for the demo name, scope and certification body generators."""

import random
import re

import pytest

from registry.demo.bodies import CERTIFICATION_BODIES
from registry.demo.names import branch_suffix, organisation_name
from registry.demo.scopes import scope_text
from registry.organisations.business_types import BUSINESS_TYPES, RETAIL_TYPES

CITIES = [("北京市", "Beijing"), ("杭州", "Hangzhou"), ("苏州市", "Suzhou"), ("", "")]


def _draw(seed: int, count: int) -> list[tuple[str, str, str, str]]:
    """Draw names and scopes for a sequence of business types and cities."""
    rng = random.Random(seed)
    types = sorted(BUSINESS_TYPES)
    out = []
    for _ in range(count):
        business_type = rng.choice(types)
        city_zh, city_en = rng.choice(CITIES)
        out.append(organisation_name(rng, business_type, city_zh, city_en) + scope_text(rng, business_type))
    return out


def test_deterministic_for_fixed_seed() -> None:
    """The same seed yields the same names and scopes."""
    assert _draw(42, 300) == _draw(42, 300)
    assert _draw(42, 300) != _draw(43, 300)


def test_mostly_unique_names() -> None:
    """At least 95% of 2,000 Chinese names are unique."""
    names = [row[0] for row in _draw(7, 2000)]
    assert len(set(names)) >= 0.95 * len(names)


@pytest.mark.parametrize("business_type", sorted(BUSINESS_TYPES))
def test_every_business_type_supported(business_type: str) -> None:
    """Every business type yields non-empty names and scopes."""
    rng = random.Random(business_type)
    for _ in range(50):
        name_zh, name_en = organisation_name(rng, business_type, "杭州市", "Hangzhou")
        scope_zh, scope_en = scope_text(rng, business_type)
        for text in (name_zh, name_en, scope_zh, scope_en):
            assert text and text == text.strip()
        assert name_zh.endswith("公司")
        assert name_en.endswith(("Ltd.", "Inc."))
        assert "杭州市" not in name_zh
        assert scope_zh.endswith("）") and scope_en.endswith(")")


def test_unknown_business_type_rejected() -> None:
    """An unknown business type raises ValueError."""
    with pytest.raises(ValueError):
        organisation_name(random.Random(1), "bakery", "杭州", "Hangzhou")
    with pytest.raises(ValueError):
        scope_text(random.Random(1), "bakery")


def test_branch_suffix() -> None:
    """Branch suffixes drop the district suffix."""
    assert branch_suffix("朝阳区", "Chaoyang District") == ("朝阳分店", "Chaoyang Branch")
    assert branch_suffix("浦东新区", "Pudong New Area") == ("浦东分店", "Pudong Branch")
    assert branch_suffix("海淀区", "Haidian District", "housekeeping") == ("海淀分公司", "Haidian Branch")
    for business_type in RETAIL_TYPES:
        assert branch_suffix("西湖区", "Xihu District", business_type)[0] == "西湖分店"


def test_certification_bodies() -> None:
    """Six bodies with well-formed, unique codes and prefixes."""
    assert len(CERTIFICATION_BODIES) == 6
    codes = [body["code"] for body in CERTIFICATION_BODIES]
    prefixes = [body["prefix"] for body in CERTIFICATION_BODIES]
    assert len(set(codes)) == 6 and len(set(prefixes)) == 6
    for body in CERTIFICATION_BODIES:
        assert re.fullmatch(r"CNCA-R-20\d\d-\d{3}", body["code"])
        assert re.fullmatch(r"[A-Z]{2,4}", body["prefix"])
        assert body["name_zh"] and body["name_en"]
