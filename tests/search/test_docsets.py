"""Document sets in either form (Python set, sorted array, bitset) answer like plain sets."""

from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.search import docsets
from registry.search.follower import write_all
from registry.search.index import IndexStore, State
from registry.search.interfaces import FACETS, Row, SearchQuery, ordered_counts
from registry.search.schema import document
from registry.search.text import matches, parse
from registry.search.whoosh_backend import run


def _as(form: str, members: set[int], n: int) -> docsets.Docs:
    if form == "array":
        return array("I", sorted(members))
    if form == "bits":
        return docsets.bits(members, n)
    return set(members)


@st.composite
def _sets(draw: st.DrawFn) -> tuple[int, list[tuple[set[int], docsets.Docs]]]:
    n = draw(st.integers(1, 300))
    out = []
    for _ in range(3):
        members = draw(st.sets(st.integers(0, n - 1), max_size=n))
        out.append((members, _as(draw(st.sampled_from(["set", "array", "bits"])), members, n)))
    return n, out


def _plain(docs: docsets.Docs, n: int) -> set[int]:
    return set(docsets.members(docs, n))


@settings(max_examples=300, deadline=None)
@given(_sets())
def test_every_operation_agrees_with_plain_sets(drawn: tuple[int, list[tuple[set[int], docsets.Docs]]]) -> None:
    n, [(a, da), (b, db), (c, dc)] = drawn
    assert docsets.size(da) == len(a)
    assert _plain(da, n) == a
    assert sorted(docsets.members(docsets.bits(a, n), n)) == sorted(a)
    assert docsets.bytemap(da, n) == bytes(1 if d in a else 0 for d in range(n))
    assert _plain(docsets.inter(da, db, n), n) == a & b
    assert _plain(docsets.union(da, db, n), n) == a | b
    assert _plain(docsets.minus(da, db, n), n) == a - b
    assert _plain(docsets.union_all([da, db, dc], n), n) == a | b | c
    assert _plain(docsets.dense(da, n), n) == a
    assert [d for d in range(n) if docsets.membership(da, n)(d)] == sorted(a)


def _row(i: int, name: str) -> Row:
    return Row(
        number=f"T-{i:06d}",
        credit_code=f"91110105MA{i:07d}X",
        name_zh=name,
        name_en="",
        scope_zh="零售",
        scope_en="retail",
        scheme="HK-STAR",
        star_level=1 + i % 5,
        status="valid",
        body="CQC",
        region=("110105", "110108", "310101")[i % 3],
        business_type="housekeeping",
        expires=dt.date(2030, 1, 1),
    )


def test_a_run_is_checked_against_the_text_when_its_bigrams_are_dense(tmp_path: Path) -> None:
    # Most names hold both bigrams of 分公司 (分公, 公司) but not the run itself: the index's
    # candidates are a dense bitset, and the check against the text must drop them.
    names = [f"北京{i}分公某贸易公司" if i % 3 else f"北京{i}贸易分公司" for i in range(600)]
    rows = [_row(i, name) for i, name in enumerate(names)]
    day = dt.date(2026, 1, 1)
    store = IndexStore(tmp_path / "whoosh")
    path = store.new_generation()
    write_all(store.open(path), (document(r, day) for r in rows), len(rows))
    store.write_state(path, State(0, "0" * 64, day.isoformat()))
    store.publish(path)
    searcher = store.searcher()
    for q in ("分公司", "分公某", "贸易公司", "贸易分公", "某贸", "北京1"):
        text = parse(q)
        hits = run(searcher, SearchQuery(text=text, per_page=1000, facets=True))
        expected = {r.number for r in rows if matches(text, r.texts())}
        assert hits.total == len(expected), q
        assert set(hits.numbers) == expected, q
        plain = {name: Counter(r.facet_values(day)[name] for r in rows if r.number in expected) for name in FACETS}
        assert hits.facets == {name: ordered_counts(plain[name]) for name in FACETS}, q


def test_a_build_writes_each_segments_dense_terms_and_a_start_up_reads_them(tmp_path: Path) -> None:
    from registry.search import segments

    rows = [_row(i, f"北京{i % 7}号贸易有限公司") for i in range(400)]
    day = dt.date(2026, 1, 1)
    store = IndexStore(tmp_path / "whoosh")
    path = store.new_generation()
    ix = store.open(path)
    write_all(ix, (document(r, day) for r in rows), len(rows))
    assert segments.save_dense(ix, path) == 1
    assert segments.save_dense(ix, path) == 0  # written once a segment
    with ix.searcher() as searcher:
        [(sub, _offset)] = searcher.leaf_searchers()
        reader = sub.reader()
        stored = segments.stored_dense(path, reader)
        decoded = list(segments.dense_terms(reader))
        assert stored is not None and len(stored) > 10
        assert stored == decoded
        assert ("name_ng", "有限", docsets.bits(set(range(400)), 400)) in stored
        # A damaged file is no file: the start-up decodes the postings instead.
        [file] = path.glob("dense-*.bits")
        file.write_bytes(file.read_bytes()[:-3])
        assert segments.stored_dense(path, reader) is None
        assert segments.warm_postings(reader, 10**6, path) == len(decoded)
