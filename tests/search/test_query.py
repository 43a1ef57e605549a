"""The query parser accepts anything: quotes, operators, control characters, huge inputs."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.search.text import MAX_QUERY, parse

NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from('"()[]{}*?~^:+-!&|\\/ANDORNOT华达百货有限公司\x00\x1f\u200b　'), max_size=60),
    st.just("x" * 10_000),
)


@settings(deadline=None)
@given(NASTY)
def test_parse_never_fails_and_bounds_the_query(raw: str) -> None:
    parsed = parse(raw)
    assert len(parsed.text) <= MAX_QUERY
    assert all(ord(c) >= 32 for c in parsed.text)


def test_parse_recognises_numbers_and_credit_codes() -> None:
    assert parse(" zhq-2024-sv-000123 ").number == "ZHQ-2024-SV-000123"
    assert parse("91110105MA01ABCD1X").credit_code is None  # wrong check character
    assert parse("北京 华达").runs == ("北京", "华达")
    assert parse("ＡＢＣ１２３").number == "ABC123"  # full-width input


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=NASTY)
def test_any_query_answers_200(client, q: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/v1/certificates", query_string={"q": q}).status_code == 200
    assert client.get("/search", query_string={"q": q}).status_code in (200, 302)
