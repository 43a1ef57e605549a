"""The set evaluation of index queries finds exactly what Whoosh's own matching finds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from whoosh import query as wq

from registry.search import matching
from registry.search.index import IndexStore
from registry.search.query import build, filter_query, parse, run
from registry.search.schema import Row, document

NAMES = [
    "北京华达百货有限公司",
    "北京华达百货有限公司朝阳区分公司",
    "无锡梁溪区物业服务有限公司",
    "上海实业股份有限公司",
    "天津商业管理集团有限公司",
    "北京恒源超市有限公司",
    "华达电器有限公司",
    "广州检测技术股份有限公司",
]


def _row(i: int, name: str) -> Row:
    return Row(
        number=f"ZHQ-2024-SV-{i:07d}",
        credit_code=f"9111010{i:011d}",
        name_zh=name,
        name_en="Huada Trading Co., Ltd." if "华达" in name else "Test Co., Ltd.",
        scope_zh="百货零售、物业管理服务" if i % 2 else "检测服务",
        scope_en="retail of general merchandise",
        scheme="BJ-RETAIL-SQ",
        star_level=3 + i % 3,
        status="valid",
        body="ZHQ",
        region="110105",
        business_type="mall" if i % 2 else "supermarket",
        expires=dt.date(2030, 1, 1),
    )


def test_set_evaluation_agrees_with_whoosh(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "search")
    ix = store.open(store.new_generation())
    day = dt.date(2026, 1, 1)
    for batch in range(3):  # three segments, the numbers of the later ones offset
        writer = ix.writer()
        for i, name in enumerate(NAMES):
            writer.add_document(**document(_row(batch * 100 + i, name), day))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("number", "ZHQ-2024-SV-0000100")  # a deletion in the second segment
    writer.commit(merge=False)
    searcher = ix.searcher()
    assert len(searcher.leaf_searchers()) == 3
    for text in (
        "华达",
        "北京华达百货有限公司",
        "梁溪区物业",
        "管理集团",
        "实业股份",
        "检测",
        "huada",
        "华",
        "zhq-2024-sv-00001",
    ):
        q = build(searcher, parse(text))
        for full in (q, wq.Require(q, filter_query({"business_type": "mall", "stars": "4"}))):
            expected = set(searcher.docs_for_query(full))
            found = {offset + d for _r, offset, m in matching.evaluate(searcher, full) for d in m.docs}
            assert found == expected, text
    hits = run(searcher, parse("北京华达百货有限公司"), {}, per_page=3)
    assert hits.numbers[0] in {"ZHQ-2024-SV-0000000", "ZHQ-2024-SV-0000200"}  # the exact name first
    assert hits.total == 5 and hits.facets["stars"]


def test_broad_terms_listed_from_posting_lists(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A broad OR of terms, listed lazily from sorted posting lists, pages like the tiered listing."""
    from registry.search import query

    store = IndexStore(tmp_path / "search")
    ix = store.open(store.new_generation())
    day = dt.date(2026, 1, 1)
    for batch in range(3):
        writer = ix.writer()
        for i, name in enumerate(NAMES):
            writer.add_document(**document(_row(batch * 100 + i, name), day))
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("number", "ZHQ-2024-SV-0000100")
    writer.commit(merge=False)
    searcher = ix.searcher()
    monkeypatch.setattr(query, "BROAD", 0)
    for text in ("华达", "北京", "检测", "公司", "百货有限", "物业服务", "华达百货"):
        for page in (1, 2, 3):
            monkeypatch.setattr(query, "LAZY", 10**9)
            tiered = run(searcher, parse(text), {}, page=page, per_page=2)
            monkeypatch.setattr(query, "LAZY", 0)
            lazy = run(searcher, parse(text), {}, page=page, per_page=2)
            assert lazy.numbers == tiered.numbers, (text, page)
            assert lazy.total == tiered.total and not lazy.exact, text
            assert sum(lazy.facets["stars"].values()) == lazy.total, text
