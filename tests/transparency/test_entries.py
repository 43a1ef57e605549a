"""Entry bytes are RFC 8785 canonical JSON, whichever encoder produced them."""

from __future__ import annotations

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.transparency.entries import bundle, canonical, unbundle

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(json_values)
def test_canonical_equals_rfc8785(value):
    assert canonical(value) == rfc8785.dumps(value)


def test_scores_and_chinese_text():
    for value in (
        {"score": 86},
        {"score": 87.5},
        {"score": 86.0},
        {"s": '家用\u2028电器\x1f"\\'},
        {"x": 1e-7},
        {"𝄞": 1, "ｚ": 2},
    ):
        assert canonical(value) == rfc8785.dumps(value), value


@given(st.lists(st.binary(max_size=300), max_size=20))
def test_bundles_round_trip(entries):
    assert unbundle(bundle(entries)) == entries
