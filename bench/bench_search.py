"""Search: index build rate, query latency and known-item recall, beside SQLite FTS5 (trigram).

Builds one synthetic corpus of demo-like certificates (names from registry.demo.names, valid
credit codes) straight into rows, indexes it with the registry's Whoosh + jieba index and with
an FTS5 trigram table, then runs the same mixed query set against both.
Targets: >= 1,500 docs/s; p99 at or below FTS5's with recall at least as good.
Usage: python bench/bench_search.py [--docs N] [--queries N] [--million] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from registry.demo.names import CERTIFICATION_BODIES, organisation_name, scope_text  # noqa: E402
from registry.demo.seed import SCHEME_WEIGHTS, _city_of, _region_pools, credit_code  # noqa: E402
from registry.organisations.validation import regions  # noqa: E402
from registry.search.analyzer import load_jieba  # noqa: E402
from registry.search.follower import write_all  # noqa: E402
from registry.search.index import IndexStore, State  # noqa: E402
from registry.search.query import parse, run  # noqa: E402
from registry.search.schema import Row, document  # noqa: E402

SCHEME_TYPES = {
    "BJ-RETAIL-SQ": ["mall", "supermarket", "exclusive_store", "convenience_store"],
    "GB/T 27922-2011": ["manufacturing", "mall", "supermarket", "exclusive_store"],
    "RCS-ITS-2019": ["inspection_testing"],
    "HK-STAR": ["housekeeping"],
    "Q/HXC 013-2018": ["sanitation_equipment", "manufacturing"],
}


def corpus(count: int, seed: int = 1) -> list[Row]:
    rng = random.Random(seed)
    beijing, other = _region_pools()
    codes, weights = list(SCHEME_WEIGHTS), list(SCHEME_WEIGHTS.values())
    day = dt.date(2026, 1, 1)
    rows, names, numbers = [], set(), set()
    for i in range(count):
        scheme = rng.choices(codes, weights)[0]
        business = rng.choice(SCHEME_TYPES[scheme])
        region = rng.choice(beijing) if scheme == "BJ-RETAIL-SQ" or rng.random() < 0.35 else rng.choice(other)
        city_zh, city_en = _city_of(region)
        name_zh, name_en = organisation_name(rng, business, city_zh, city_en)
        if name_zh in names:
            district = str(regions()[region]["name_zh"])
            name_zh, name_en = f"{name_zh[:-4]}{district}分公司{name_zh[-4:]}", name_en + " Branch"
        if name_zh in names:
            name_zh, name_en = f"{name_zh}（{i}）", f"{name_en} ({i})"
        names.add(name_zh)
        body = rng.choice(CERTIFICATION_BODIES)
        number = f"{body['prefix']}-{rng.randint(2020, 2025)}-SV-{rng.randint(0, 9_999_999):07d}"
        while number in numbers:
            number = f"{body['prefix']}-{rng.randint(2020, 2025)}-SV-{rng.randint(0, 9_999_999):07d}"
        numbers.add(number)
        scope_zh, scope_en = scope_text(rng, business)
        rows.append(
            Row(
                number=number,
                credit_code=credit_code(rng, region),
                name_zh=name_zh,
                name_en=name_en,
                scope_zh=scope_zh,
                scope_en=scope_en,
                scheme=scheme,
                star_level=rng.choices((1, 2, 3, 4, 5), (4, 10, 30, 36, 20))[0],
                status=rng.choices(("valid", "suspended", "revoked", "withdrawn"), (90, 4, 3, 3))[0],
                body=body["code"],
                region=region,
                business_type=business,
                expires=day + dt.timedelta(days=rng.randint(-400, 1000)),
            )
        )
    return rows


def queries(rows: list[Row], count: int, seed: int = 2) -> list[tuple[str, str, str]]:
    """(kind, query, expected number): full names, numbers, prefixes, credit codes, fragments."""
    rng = random.Random(seed)
    out = []
    district_names = {c: str(r["name_zh"]).removesuffix("区") for c, r in regions().items()}
    while len(out) < count:
        row = rng.choice(rows)
        kind = rng.choice(("name", "name", "number", "prefix", "credit", "fragment", "fragment", "district"))
        if kind == "name":
            out.append((kind, row.name_zh, row.number))
        elif kind == "number":
            out.append((kind, row.number.lower(), row.number))
        elif kind == "prefix":
            out.append((kind, row.number[:-2], row.number))
        elif kind == "credit":
            out.append((kind, row.credit_code, row.number))
        elif kind == "fragment":
            start = rng.randrange(0, max(1, len(row.name_zh) - 6))
            out.append((kind, row.name_zh[start : start + rng.randint(2, 4)], row.number))
        else:
            district = district_names.get(row.region, "")
            if len(district) >= 2 and district in row.name_zh:
                out.append((kind, district, row.number))
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def bench_whoosh(rows: list[Row], qs: list[tuple[str, str, str]], tmp: Path) -> dict[str, float]:
    t0 = time.perf_counter()
    load_jieba()
    jieba_s = time.perf_counter() - t0
    store = IndexStore(tmp / "whoosh")
    path = store.new_generation()
    day = dt.date(2026, 1, 1)
    t0 = time.perf_counter()
    write_all(store.open(path), (document(row, day) for row in rows), len(rows))
    build_s = time.perf_counter() - t0
    print(f"whoosh build: {build_s:.1f} s, {len(store.open(path).reader().leaf_readers())} segments")
    store.write_state(path, State(0, "0" * 64, day.isoformat()))
    store.publish(path)
    searcher = store.searcher()
    times, hit = [], 0
    for _kind, q, expected in qs:
        t0 = time.perf_counter()
        hits = run(searcher, parse(q), {}, per_page=10, facets=False)
        times.append((time.perf_counter() - t0) * 1000)
        hit += expected in hits.numbers or _deep(searcher, q, expected)
    slow = sorted(zip(times, qs, strict=True), reverse=True)[: max(1, len(qs) // 100)]
    print("slowest whoosh queries:", ", ".join(f"{q} ({kind}) {ms:.0f} ms" for ms, (kind, q, _e) in slow))
    facet_times = []
    for _kind, q, _e in qs[:100]:
        t0 = time.perf_counter()
        run(searcher, parse(q), {}, per_page=20, facets=True)
        facet_times.append((time.perf_counter() - t0) * 1000)
    return {
        "jieba_load_s": jieba_s,
        "docs_per_s": len(rows) / build_s,
        "p50": pct(times, 50),
        "p99": pct(times, 99),
        "p99_facets": pct(facet_times, 99),
        "recall": hit / len(qs),
    }


def _deep(searcher, q: str, expected: str) -> bool:  # type: ignore[no-untyped-def]
    """Known-item recall for short fragments: is the certificate among all matches?"""
    from registry.search import matching
    from registry.search.query import build

    docnum = searcher.document_number(number=expected)
    leaves = matching.evaluate(searcher, build(searcher, parse(q)))
    return docnum is not None and any(docnum - offset in m.docs for _r, offset, m in leaves)


def bench_fts5(rows: list[Row], qs: list[tuple[str, str, str]], tmp: Path) -> dict[str, float]:
    db = sqlite3.connect(tmp / "fts.sqlite3")
    db.execute(
        "CREATE VIRTUAL TABLE fts USING fts5(number, credit_code, name_zh, name_en, scope_zh, scope_en,"
        " tokenize='trigram')"
    )
    t0 = time.perf_counter()
    db.executemany(
        "INSERT INTO fts VALUES (?, ?, ?, ?, ?, ?)",
        ((r.number, r.credit_code, r.name_zh, r.name_en, r.scope_zh, r.scope_en) for r in rows),
    )
    db.commit()
    build_s = time.perf_counter() - t0
    times, hit = [], 0
    for _kind, q, expected in qs:
        t0 = time.perf_counter()
        if len(q) >= 3:
            phrase = '"' + q.replace('"', '""') + '"'
            found = [
                r[0] for r in db.execute("SELECT number FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 10", (phrase,))
            ]
        else:  # trigrams cannot index two characters: a LIKE scan, as an FTS5 deployment would do
            found = [r[0] for r in db.execute("SELECT number FROM fts WHERE name_zh LIKE ? LIMIT 10", (f"%{q}%",))]
        times.append((time.perf_counter() - t0) * 1000)
        if expected in found:
            hit += 1
        else:
            column = "fts MATCH ?" if len(q) >= 3 else "name_zh LIKE ?"
            arg = '"' + q.replace('"', '""') + '"' if len(q) >= 3 else f"%{q}%"
            hit += bool(db.execute(f"SELECT 1 FROM fts WHERE {column} AND number = ?", (arg, expected)).fetchone())
    return {"docs_per_s": len(rows) / build_s, "p50": pct(times, 50), "p99": pct(times, 99), "recall": hit / len(qs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build the Whoosh index in this directory and keep it")
    parser.add_argument("--million", action="store_true", help="1,000,000 documents (slow: about 15 minutes)")
    args = parser.parse_args()
    count = 1_000_000 if args.million else args.docs
    t0 = time.perf_counter()
    rows = corpus(count)
    qs = queries(rows, args.queries)
    print(f"corpus: {count:,} certificates, {len(qs)} queries, generated in {time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        fts = bench_fts5(rows, qs, Path(tmp))
        whoosh = bench_whoosh(rows, qs, args.keep or Path(tmp))
    print(f"{'':24}{'whoosh+jieba':>14}{'fts5 trigram':>14}{'ratio':>8}")
    for key, label in (("docs_per_s", "index build docs/s"), ("p50", "query p50 ms"), ("p99", "query p99 ms")):
        print(f"{label:24}{whoosh[key]:14.1f}{fts[key]:14.1f}{whoosh[key] / fts[key]:8.2f}")
    print(
        f"{'known-item recall':24}{whoosh['recall']:14.4f}{fts['recall']:14.4f}{whoosh['recall'] / fts['recall']:8.2f}"
    )
    print(f"whoosh p99 with facet counts: {whoosh['p99_facets']:.1f} ms; jieba load {whoosh['jieba_load_s']:.1f} s")
    ok = whoosh["docs_per_s"] >= 1500 and whoosh["p99"] <= fts["p99"] and whoosh["recall"] >= fts["recall"]
    print("targets met" if ok else "targets NOT met")
    _ = statistics  # keep the import for quick interactive use


if __name__ == "__main__":
    main()
