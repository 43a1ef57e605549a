"""Transparency log: write throughput with and without the log, checkpoint latency, catch-up rate, proofs at 1M.

Run: .venv/bin/python bench/bench_log.py  (about a minute; not part of the test run)
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WRITES_PER_ROUND = 120
ROUNDS = 3
LATENCY_SAMPLES = 100
LOSS_TARGET = 0.15
LATENCY_TARGET_S = 5.0
MILLION = 1_000_000


def make_app(tmp: str, name: str, mode: str):  # type: ignore[no-untyped-def]
    from registry import create_app
    from registry.bodies.service import create_body, issue_key
    from registry.cli.db import upgrade
    from registry.db import commit, get_session
    from registry.schemes.service import load_schemes, read_scheme_file
    from registry.signing.service import generate_key
    from registry.transparency.keys import generate_log_key

    url = f"sqlite:///{tmp}/{name}.sqlite3"
    upgrade(url)
    keys = f"{tmp}/{name}-keys"
    generate_log_key(Path(keys), None)
    app = create_app(
        {
            "data_dir": f"{tmp}/{name}",
            "database_url": url,
            "keys_dir": keys,
            "base_url": "https://registry.example.cn",
            "rate_limits_enabled": False,
            "log_publish": mode,
        }
    )
    with app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        generate_key(session, app.config["SETTINGS"])
        body = create_body(session, "CNCA-R-2099-777", "基准")
        _row, key = issue_key(session, body.code)
        commit(session)
    return app, {"Authorization": f"Bearer {key}"}


_numbers = iter(range(10**9))


def item() -> dict[str, object]:
    from registry.demo.seed import credit_code

    n = next(_numbers)
    return {
        "number": f"BL-{n:08d}",
        "scheme": "BJ-RETAIL-SQ",
        "star_level": 4,
        "score": 900,
        "scope_zh": "便利店零售服务",
        "issued": "2025-06-01",
        "holder": {
            "name_zh": f"北京第{n}号便利店有限公司",
            "credit_code": credit_code(random.Random(n), "110105"),
            "region": "110105",
            "business_type": "convenience_store",
        },
    }


def writes_per_second(client, headers, count: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(count):
        response = client.post("/api/v1/certificates", json=item(), headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)
    return count / (time.perf_counter() - start)


def write_path(tmp: str) -> None:
    from registry.transparency import log_service
    from registry.transparency.store import latest_checkpoint, log_size

    plain, plain_headers = make_app(tmp, "plain", "off")
    logged, logged_headers = make_app(tmp, "logged", "background")
    a, b = plain.test_client(), logged.test_client()
    writes_per_second(a, plain_headers, 20)  # warm both paths
    writes_per_second(b, logged_headers, 20)
    base, with_log = [], []
    for _ in range(ROUNDS):
        base.append(writes_per_second(a, plain_headers, WRITES_PER_ROUND))
        with_log.append(writes_per_second(b, logged_headers, WRITES_PER_ROUND))
    base_rate, log_rate = statistics.median(base), statistics.median(with_log)
    loss = 1 - log_rate / base_rate
    print(
        f"single-certificate writes (API, SQLite, in process): {base_rate:,.0f}/s without the log, "
        f"{log_rate:,.0f}/s with it publishing in the background: ratio {log_rate / base_rate:.2f}, "
        f"loss {loss:.0%} (target <= {LOSS_TARGET:.0%}: {'met' if loss <= LOSS_TARGET else 'MISSED'})"
    )

    latencies = []
    maker = logged.extensions["registry.sessionmaker"]
    with logged.app_context():
        for _ in range(LATENCY_SAMPLES):
            response = b.post("/api/v1/certificates", json=item(), headers=logged_headers)
            written = time.perf_counter()
            session = maker()
            target = session.execute(__import__("sqlalchemy").text("SELECT seq FROM chain_head")).scalar()
            while True:
                latest = latest_checkpoint(session)
                if latest is not None and latest.size >= target:
                    break
                session.rollback()
                time.sleep(0.002)
            latencies.append(time.perf_counter() - written)
            session.close()
            assert response.status_code == 201
            time.sleep(random.uniform(0, 0.02))
        latencies.sort()
        p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
        print(
            f"checkpoint latency after a write (background publisher): p50 {p50 * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
            f"(target p99 <= {LATENCY_TARGET_S:.0f} s: {'met' if p99 <= LATENCY_TARGET_S else 'MISSED'})"
        )
        session = maker()
        print(
            f"  log size {log_size(session)}; checkpoints signed: "
            f"{session.execute(__import__('sqlalchemy').text('SELECT count(*) FROM log_checkpoints')).scalar()}"
        )
        session.close()
    for app in (plain, logged):
        log_service(app).stop()
    time.sleep(2)  # let the search followers finish before the directory goes


def catch_up(tmp: str) -> None:
    from registry.db import commit, get_session
    from registry.transparency import log_service

    app, headers = make_app(tmp, "catchup", "off")
    client = app.test_client()
    for _ in range(5):
        response = client.post("/api/v1/certificates", json={"items": [item() for _ in range(1000)]}, headers=headers)
        assert response.status_code == 201
    with app.app_context():
        commit(get_session())
        start = time.perf_counter()
        result = log_service(app).publish()
        elapsed = time.perf_counter() - start
    print(
        f"appending existing events to the log: {result.size:,} entries in {elapsed:.2f} s = "
        f"{result.size / elapsed:,.0f} entries/s (tiles, leaf hashes, chain check, one checkpoint per 5,000)"
    )
    time.sleep(2)


def million() -> None:
    from registry.transparency.merkle import consistency_proof, inclusion_proof, leaf_hash, root, verify_inclusion
    from registry.transparency.proofs import TlogProof
    from registry.transparency.store import TileWriter
    from registry.transparency.tiles import TileNodes

    class MemoryTiles(TileWriter):
        def __init__(self) -> None:
            self.tiles = {}

        def tile(self, level: int, index: int) -> bytearray:
            return self.tiles.setdefault((level, index), bytearray())

    start = time.perf_counter()
    tiles = MemoryTiles()
    for i in range(MILLION):
        tiles.append(0, i, leaf_hash(i.to_bytes(8, "big")))
    build = time.perf_counter() - start
    tree_root = root(TileNodes(MILLION, tiles.fetch), MILLION)
    runs, sizes = 200, []
    rng = random.Random(1)
    start = time.perf_counter()
    for _ in range(runs):
        index = rng.randrange(MILLION)
        nodes = TileNodes(MILLION, tiles.fetch)  # fresh per request: tiles read, nodes rebuilt
        proof = inclusion_proof(nodes, index, MILLION)
        sizes.append(len(TlogProof(index, proof, "x" * 190).text()) - 190)
        verify_inclusion(index, MILLION, leaf_hash(index.to_bytes(8, "big")), proof, tree_root)
    per_proof = (time.perf_counter() - start) / runs
    consistency = consistency_proof(TileNodes(MILLION, tiles.fetch), MILLION - 1000, MILLION)
    print(
        f"1,000,000 entries (synthetic, in memory; built in {build:.1f} s, {len(tiles.tiles)} tiles): "
        f"inclusion proof {len(proof)} hashes = {len(proof) * 32} bytes, tlog-proof text about "
        f"{statistics.mean(sizes):.0f} bytes + entry + checkpoint; make and verify {per_proof * 1000:.2f} ms; "
        f"consistency proof 999,000 -> 1,000,000: {len(consistency)} hashes"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_path(tmp)
        catch_up(tmp)
    million()


if __name__ == "__main__":
    main()
