"""HTTP benchmarks, each printed against a baseline measured in the same run.

1. gunicorn (2 sync workers) on loopback, load from separate processes for a fixed time:
   single-item POST /api/v1/verify throughput as a ratio of GET /healthz (target >= 0.4),
   and 1,000-item batch verification latency (target p50 <= 300 ms).
2. In process: a cached mark (304 via If-None-Match) server time (target <= 1 ms), against
   /healthz through the same test client.
3. In process: a 1,000-item batch issuance through the write API on SQLite, and on
   PostgreSQL when REGISTRY_TEST_DATABASE_URL is set (target >= 1,000 items/s).

Usage: python bench/bench_api.py [SECONDS_PER_LOAD_TEST]   (default 5; everything stays on 127.0.0.1)
"""

from __future__ import annotations

import http.client
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import flask  # noqa: E402  (bench/ is on the path when a bench runs as a script)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(port: int, method: str, path: str, body: bytes | None, seconds: float, out: mp.Queue) -> None:
    count, deadline = 0, time.perf_counter() + seconds
    headers = {"Content-Type": "application/json"} if body else {}
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        if response.status != 200:
            raise SystemExit(f"{method} {path} answered {response.status}")
        count += 1
    out.put(count)


def throughput(port: int, method: str, path: str, body: bytes | None, seconds: float, clients: int = 4) -> float:
    queue: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_load, args=(port, method, path, body, seconds, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(seconds + 30)
    return sum(queue.get() for _ in procs) / seconds


def latency(port: int, path: str, body: bytes | None, runs: int, first_byte: bool = False) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        if body is None:
            conn.request("GET", path)
        else:
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        if first_byte:
            response.read(1)
            times.append((time.perf_counter() - start) * 1000)
            response.read()
            conn.close()
            assert response.status == 200, response.status
            continue
        response.read()
        conn.close()
        assert response.status == 200, response.status
        times.append((time.perf_counter() - start) * 1000)
    return times


def http_benchmarks(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = dict(
            os.environ,
            REGISTRY_DATA_DIR=f"{tmp}/data",
            REGISTRY_KEYS_DIR=f"{tmp}/keys",
            REGISTRY_BASE_URL=f"http://127.0.0.1:{port}",
            PORT=str(port),
            REGISTRY_RATE_LIMITS="off",
        )
        env.pop("REGISTRY_DATABASE_URL", None)
        for args in (("db", "upgrade"), ("schemes", "load"), ("keys", "generate"), ("demo", "seed", "--count", "500")):
            flask(env, *args)
        export = flask(env, "export", "-").stdout
        token = next(
            json.loads(line)["token"]
            for line in export.splitlines()
            if '"kind":"certificate"' in line and '"status":"valid"' in line
        )
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)
            time.sleep(0.5)
            one = json.dumps({"items": [token]}).encode()
            batch = json.dumps({"items": [token] * 1000}).encode()
            health = throughput(port, "GET", "/healthz", None, seconds)
            single = throughput(port, "POST", "/api/v1/verify", one, seconds)
            times = latency(port, "/api/v1/verify", batch, 15)
            scan = latency(port, f"/V/{token}", None, 200, first_byte=True)
            health_ttfb = latency(port, "/healthz", None, 200, first_byte=True)
        finally:
            server.terminate()
            server.wait(10)
    ratio = single / health
    p50 = statistics.median(times)
    print(f"GET /healthz: {health:,.0f} req/s (baseline)")
    print(
        f"POST /api/v1/verify, 1 item: {single:,.0f} req/s; ratio {ratio:.2f} "
        f"(target >= 0.40: {'met' if ratio >= 0.4 else 'MISSED'})"
    )
    print(
        f"POST /api/v1/verify, 1,000 items: p50 {p50:.0f} ms, max {max(times):.0f} ms "
        f"(target p50 <= 300 ms: {'met' if p50 <= 300 else 'MISSED'})"
    )
    scan_p50, scan_p95 = statistics.median(scan), sorted(scan)[int(len(scan) * 0.95)]
    print(
        f"scan page /V/<token> time to first byte: p50 {scan_p50:.1f} ms, p95 {scan_p95:.1f} ms vs /healthz "
        f"p50 {statistics.median(health_ttfb):.1f} ms (target <= 50 ms: {'met' if scan_p95 <= 50 else 'MISSED'})"
    )


def scratch_postgres(url: str) -> str:
    """A fresh database on the same PostgreSQL server (dropped at exit)."""
    import atexit

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"registry_bench_{os.getpid()}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    atexit.register(drop)
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def in_process_benchmarks() -> None:
    import random

    from registry import create_app
    from registry.bodies.service import create_body, issue_key
    from registry.cli.db import upgrade
    from registry.db import commit, get_session
    from registry.demo.seed import credit_code
    from registry.schemes.service import load_schemes, read_scheme_file
    from registry.signing.service import generate_key

    urls = [("SQLite", None)]
    if os.environ.get("REGISTRY_TEST_DATABASE_URL"):
        urls.append(("PostgreSQL", scratch_postgres(os.environ["REGISTRY_TEST_DATABASE_URL"])))
    for label, url in urls:
        with tempfile.TemporaryDirectory() as tmp:
            url = url or f"sqlite:///{tmp}/bench.sqlite3"
            upgrade(url)
            app = create_app(
                {
                    "data_dir": tmp,
                    "database_url": url,
                    "keys_dir": f"{tmp}/keys",
                    "base_url": "https://registry.example.cn",
                    "rate_limits_enabled": False,
                }
            )
            with app.app_context():
                session = get_session()
                load_schemes(session, read_scheme_file())
                generate_key(session, app.config["SETTINGS"])
                body = create_body(session, f"CNCA-R-2099-{random.randint(100, 999)}", "基准")
                _row, key = issue_key(session, body.code)
                commit(session)
            rng = random.Random(3)
            tag = f"{random.randint(0, 99999):05d}"
            items = [
                {
                    "number": f"B{tag}-{i:06d}",
                    "scheme": "BJ-RETAIL-SQ",
                    "star_level": 4,
                    "score": 900,
                    "scope_zh": "便利店零售服务",
                    "issued": "2025-06-01",
                    "holder": {
                        "name_zh": f"北京第{i}号便利店有限公司",
                        "credit_code": credit_code(rng, "110105"),
                        "region": "110105",
                        "business_type": "convenience_store",
                    },
                }
                for i in range(1000)
            ]
            client = app.test_client()
            headers = {"Authorization": f"Bearer {key}"}
            start = time.perf_counter()
            response = client.post("/api/v1/certificates", json={"items": items}, headers=headers)
            elapsed = time.perf_counter() - start
            assert response.status_code == 201, response.json
            health_start = time.perf_counter()
            for _ in range(200):
                client.get("/healthz")
            health_ms = (time.perf_counter() - health_start) / 200 * 1000
            rate = 1000 / elapsed
            # Let the search follower finish indexing the batch before the temporary directory goes.
            time.sleep(3)
            print(
                f"[{label}] 1,000-item batch issuance (signed, hash-chained): {elapsed * 1000:.0f} ms = "
                f"{rate:,.0f} items/s; /healthz in process {health_ms:.2f} ms "
                f"(target >= 1,000 items/s: {'met' if rate >= 1000 else 'MISSED'})"
            )
            if label == "SQLite":
                number = items[0]["number"]
                mark = client.get(f"/api/v1/certificates/{number}").json["mark_url"]
                version = mark.split("?v=")[1]
                first = client.get(f"/certificates/{number}/mark.png?size=512&v={version}")
                etag = first.headers["ETag"]
                runs = 500
                start = time.perf_counter()
                for _ in range(runs):
                    assert (
                        client.get(
                            f"/certificates/{number}/mark.png?size=512&v={version}", headers={"If-None-Match": etag}
                        ).status_code
                        == 304
                    )
                cached_ms = (time.perf_counter() - start) / runs * 1000
                print(
                    f"cached mark (304): {cached_ms:.2f} ms per request vs /healthz {health_ms:.2f} ms; "
                    f"ratio {cached_ms / health_ms:.1f} (target <= 1 ms: {'met' if cached_ms <= 1 else 'MISSED'})"
                )


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 5.0
    in_process_benchmarks()
    http_benchmarks(seconds)
