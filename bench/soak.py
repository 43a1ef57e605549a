"""Soak: steady load on loopback against gunicorn, one endpoint at a time, every non-2xx reported.

Serves a fresh SQLite registry with demo data (gunicorn, 2 workers, --preload), then for each
endpoint runs SECONDS of load from CLIENTS processes: a certificate read (API), a single
verification, the search page, the API search (the baseline for the search page) and the scan
page. Prints requests/s, p50/p99 latency and every answer that was not 2xx, then the verdicts:
0 errors and 0 5xx per endpoint, and the search page at no less than half the API search's
throughput.

Usage: python bench/soak.py [--seconds 60] [--clients 4] [--count 2000] [--port N] [--url URL]
(`--url` soaks a server that is already running; it must have rate limits off or high enough.)
"""

from __future__ import annotations

import argparse
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
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import flask  # noqa: E402  (bench/ is on the path when a bench runs as a script)

QUERIES = ["北京", "便利店", "超市", "售后服务", "朝阳区", "四星", "商贸有限公司", "家政", "检验检测", "五星 超市"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(host: str, port: int, requests: list[tuple[str, str, bytes | None]], seconds: float, out: mp.Queue) -> None:
    samples: list[tuple[float, int]] = []
    errors: Counter[str] = Counter()
    deadline, i = time.perf_counter() + seconds, os.getpid()
    while time.perf_counter() < deadline:
        method, path, body = requests[i % len(requests)]
        i += 1
        headers = {"Content-Type": "application/json"} if body else {}
        start = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            continue
        samples.append(((time.perf_counter() - start) * 1000, response.status))
    out.put((samples, errors))


def soak(host: str, port: int, requests: list[tuple[str, str, bytes | None]], seconds: float, clients: int) -> dict:
    queue: mp.Queue = mp.Queue()
    procs = [mp.Process(target=_load, args=(host, port, requests, seconds, queue)) for _ in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 120) for _ in procs]
    for p in procs:
        p.join(30)
    samples = [s for r in results for s in r[0]]
    errors: Counter[str] = sum((r[1] for r in results), Counter())
    times = sorted(t for t, _ in samples)
    statuses = Counter(status for _, status in samples)
    return {
        "requests": len(samples),
        "rps": len(samples) / seconds,
        "p50": statistics.median(times) if times else float("nan"),
        "p99": times[min(len(times) - 1, int(len(times) * 0.99))] if times else float("nan"),
        "non_2xx": {code: n for code, n in sorted(statuses.items()) if not 200 <= code < 300},
        "errors": dict(errors),
    }


def prepare(tmp: str, port: int, count: int) -> tuple[dict[str, str], list[str], list[str]]:
    env = dict(
        {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")},
        REGISTRY_DATA_DIR=f"{tmp}/data",
        REGISTRY_KEYS_DIR=f"{tmp}/keys",
        REGISTRY_BASE_URL=f"http://127.0.0.1:{port}",
        PORT=str(port),
        REGISTRY_RATE_LIMITS="off",
    )
    for args in (("db", "upgrade"), ("schemes", "load"), ("keys", "generate"), ("demo", "seed", "--count", str(count))):
        flask(env, *args)
    rows = [json.loads(line) for line in flask(env, "export", "-").stdout.splitlines()]
    certs = [r for r in rows if r.get("kind") == "certificate" and r.get("token")]
    return env, [c["number"] for c in certs[:200]], [c["token"] for c in certs[:200]]


def run(host: str, port: int, numbers: list[str], tokens: list[str], seconds: float, clients: int) -> bool:
    endpoints = {
        "certificate read (API)": [("GET", f"/api/v1/certificates/{quote(n)}", None) for n in numbers],
        "single verify (API)": [("POST", "/api/v1/verify", json.dumps({"items": [t]}).encode()) for t in tokens],
        "search page": [("GET", f"/search?q={quote(q)}", None) for q in QUERIES],
        "API search (baseline)": [("GET", f"/api/v1/certificates?q={quote(q)}", None) for q in QUERIES],
        "scan page": [("GET", f"/v/{t}", None) for t in tokens],
    }
    print(f"soak: {seconds:.0f} s per endpoint, {clients} client processes, http://{host}:{port}")
    print(f"{'endpoint':<26}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}  non-2xx / errors")
    results, ok = {}, True
    for name, requests in endpoints.items():
        r = results[name] = soak(host, port, requests, seconds, clients)
        bad = r["non_2xx"] or r["errors"]
        ok = ok and not bad and r["requests"] > 0
        print(
            f"{name:<26}{r['requests']:>9,}{r['rps']:>9.1f}{r['p50']:>9.1f}{r['p99']:>9.1f}  "
            f"{r['non_2xx'] or '-'} / {r['errors'] or '-'}"
        )
    ratio = results["search page"]["rps"] / max(results["API search (baseline)"]["rps"], 1e-9)
    print(f"errors and 5xx: {'none (met)' if ok else 'SOME (MISSED)'}")
    print(f"search page / API search throughput: {ratio:.2f} (target >= 0.50: {'met' if ratio >= 0.5 else 'MISSED'})")
    return ok and ratio >= 0.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--url", help="soak this running server instead of starting one")
    args = parser.parse_args()
    if args.url:
        import urllib.request

        parts = urlsplit(args.url)
        export = json.loads(urllib.request.urlopen(f"{args.url}/api/v1/certificates?per_page=100").read())
        items = export["items"]
        numbers = [i["number"] for i in items]
        tokens = [i["token"] for i in items if i.get("token")]
        return (
            0
            if run(parts.hostname or "127.0.0.1", parts.port or 80, numbers, tokens, args.seconds, args.clients)
            else 1
        )
    with tempfile.TemporaryDirectory() as tmp:
        port = args.port or free_port()
        env, numbers, tokens = prepare(tmp, port, args.count)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            ok = run("127.0.0.1", port, numbers, tokens, args.seconds, args.clients)
        finally:
            server.terminate()
            server.wait(15)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
