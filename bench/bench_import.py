"""Import throughput and peak memory for a body's JSON Lines file on SQLite.

Prints rows/s for `flask --app registry import FILE --body CODE` beside a baseline measured in
the same run (parsing the same file and inserting raw rows with sqlite3, no validation, no
signing, no events), and the import process's peak RSS.
Targets: at least 2,000 rows/s and under 300 MB peak. Usage: python bench/bench_import.py [ROWS]
"""

from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import flask  # noqa: E402  (bench/ is on the path when a bench runs as a script)

from registry.demo.seed import credit_code  # noqa: E402

BODY = "CNCA-R-2099-900"


def make_file(path: Path, rows: int) -> None:
    rng = random.Random(1)
    districts = ["110101", "110102", "110105", "110106", "110108", "110112", "110114"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(rows):
            region = districts[i % len(districts)]
            star = rng.randint(1, 5)
            score = [650, 750, 850, 900, 960][star - 1]
            out.write(
                json.dumps(
                    {
                        "number": f"BEN-{i // 100000:02d}-{i:08d}",
                        "scheme": "BJ-RETAIL-SQ",
                        "holder": {
                            "name_zh": f"北京第{i}号便利店有限公司",
                            "name_en": f"Beijing No.{i} Convenience Store Co., Ltd.",
                            "credit_code": credit_code(rng, region),
                            "region": region,
                            "business_type": "convenience_store",
                        },
                        "star_level": star,
                        "score": score,
                        "scope_zh": "便利店零售服务（商品销售、收银结算、顾客投诉处理）",
                        "scope_en": "Convenience store retail service",
                        "issued": "2025-06-01",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def baseline(path: Path, db: Path) -> float:
    """Parse every line and insert it raw with sqlite3: the floor any importer pays."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (number TEXT UNIQUE, credit_code TEXT, name_zh TEXT, doc TEXT)")
    start = time.perf_counter()
    with path.open(encoding="utf-8") as handle:
        batch = []
        for line in handle:
            row = json.loads(line)
            batch.append((row["number"], row["holder"]["credit_code"], row["holder"]["name_zh"], line))
            if len(batch) == 1000:
                conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", batch)
                batch.clear()
        conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", batch)
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = work / "rows.jsonl"
        make_file(data, rows)
        env = dict(os.environ, REGISTRY_DATA_DIR=str(work / "data"), REGISTRY_KEYS_DIR=str(work / "keys"))
        env.pop("REGISTRY_DATABASE_URL", None)
        for args in (
            ("db", "upgrade"),
            ("schemes", "load"),
            ("keys", "generate"),
            ("bodies", "create", BODY, "--name-zh", "基准测试认证中心"),
        ):
            flask(env, *args)
        base_s = baseline(data, work / "baseline.sqlite3")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        start = time.perf_counter()
        done = flask(env, "import", str(data), "--body", BODY)
        elapsed = time.perf_counter() - start
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        audit = flask(env, "audit", "verify")
    rate = rows / elapsed
    base_rate = rows / base_s
    peak_mb = max(peak_kib, before) / 1024
    print(f"rows: {rows:,}  ({done.stdout.strip()})")
    print(f"registry import: {elapsed:.1f} s = {rate:,.0f} rows/s (validated, signed, hash-chained events)")
    print(f"baseline raw sqlite3 insert: {base_rate:,.0f} rows/s; ratio import/baseline = {rate / base_rate:.3f}")
    print(f"peak RSS of the import process: {peak_mb:.0f} MB")
    print(f"audit after import: {audit.stdout.strip()}")
    print(
        f"target >= 2,000 rows/s: {'met' if rate >= 2000 else 'MISSED'}; "
        f"target < 300 MB: {'met' if peak_mb < 300 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
