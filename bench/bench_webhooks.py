"""Webhook delivery: 1,000 watches; 100 watched certificates suspended in one batch.

Measures, in one run on 127.0.0.1 (receiver on port 8129):
  baseline  plain POSTs to the same local receiver over a keep-alive pool of the same size
  outbox    time to fill the outbox inside the suspending transaction
  delivery  from the commit to the receiver holding all 100 signed webhooks, with
            `flask --app registry worker` running as operators run it (target >= 100 deliveries/s)

Usage: python bench/bench_webhooks.py   (SQLite in a temp dir; PostgreSQL when REGISTRY_TEST_DATABASE_URL is set)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PORT = 8129
WATCHES = 1000
SUSPEND = 100
TARGET = 100.0


def receiver(port: int, ready: mp.Event, counts: mp.Value, first: mp.Value | None = None) -> None:
    """A minimal receiver in its own process, so it does not share the worker's or the bench's GIL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            if self.headers.get("webhook-signature", "").startswith("v1,") or self.headers.get("x-baseline"):
                with counts.get_lock():
                    counts.value += 1
                    if first is not None and counts.value == 1:
                        first.value = time.perf_counter()
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


def baseline(n: int, concurrency: int) -> float:
    """Plain POSTs per second to the receiver through the same kind of pool, no database."""
    from concurrent.futures import ThreadPoolExecutor

    import httpcore

    pool = httpcore.ConnectionPool(max_connections=concurrency)
    body = b'{"type":"baseline"}' * 10

    def post(_: int) -> int:
        return pool.request("POST", f"http://127.0.0.1:{PORT}/b", headers={"x-baseline": "1"}, content=body).status

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as ex:
        statuses = list(ex.map(post, range(n)))
    took = time.perf_counter() - start
    pool.close()
    assert set(statuses) == {200}
    return n / took


def main() -> None:
    from registry import create_app
    from registry.bodies.service import create_body
    from registry.certificates.service import Actor, Register
    from registry.cli.db import upgrade
    from registry.db import commit, get_session
    from registry.schemes.service import load_schemes, read_scheme_file
    from registry.signing.service import generate_key, minter_for
    from registry.watches.models import Delivery
    from registry.watches.schemas import WatchIn
    from registry.watches.service import create_watch
    from tests.conftest import certificate_input

    tmp = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    url = os.environ.get("REGISTRY_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    config = {
        "database_url": url,
        "data_dir": tmp,
        "keys_dir": tmp / "keys",
        "base_url": "https://registry.example.cn",
        "secret_key": "bench",
        "webhook_allow_hosts": ("127.0.0.1",),
    }
    app = create_app(config)
    concurrency = 16
    with app.app_context():
        session = get_session()
        load_schemes(session, read_scheme_file())
        generate_key(session, app.config["SETTINGS"])
        body = create_body(session, "CNCA-R-2099-900", "基准测试认证中心")
        commit(session)
        register = Register(session, Actor("bench"), body=body, minter=minter_for(session, app.config["SETTINGS"]))
        items = [certificate_input() for _ in range(WATCHES)]
        register.issue_many(enumerate(items), body)
        commit(session)
        numbers = [i.number for i in items]
        for i in range(WATCHES):
            # Each watch follows two certificates, so matching has more than one target per watch.
            watched = [numbers[i], numbers[(i + 1) % WATCHES]] if i >= SUSPEND else [numbers[i]]
            create_watch(session, WatchIn(url=f"http://127.0.0.1:{PORT}/hook/{i}", numbers=watched), ("127.0.0.1",))
        commit(session)

    ready, counts, first = mp.Event(), mp.Value("i", 0), mp.Value("d", 0.0)
    recv = mp.Process(target=receiver, args=(PORT, ready, counts, first), daemon=True)
    recv.start()
    ready.wait(10)
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update(
        REGISTRY_DATABASE_URL=url,
        REGISTRY_DATA_DIR=str(tmp),
        REGISTRY_KEYS_DIR=str(tmp / "keys"),
        REGISTRY_BASE_URL="https://registry.example.cn",
        REGISTRY_SECRET_KEY="bench",
        REGISTRY_WEBHOOK_ALLOW_HOSTS="127.0.0.1",
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "registry",
            "worker",
            "--poll",
            "0.1",
            "--concurrency",
            str(concurrency),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base_rate = baseline(1000, concurrency)
        with counts.get_lock():
            counts.value = 0
            first.value = 0.0
        time.sleep(3)  # the worker is up and polling
        with app.app_context():
            session = get_session()
            register = Register(session, Actor("bench"), body=body)
            start = time.perf_counter()
            for number in numbers[:SUSPEND]:
                register.suspend(number, "bench")
            before_commit = time.perf_counter()
            commit(session)
            committed = time.perf_counter()
            queued = session.query(Delivery).count()
        deadline = committed + 60
        while counts.value < queued and time.perf_counter() < deadline:
            time.sleep(0.01)
        done = time.perf_counter()
        delivered = counts.value
    finally:
        worker.terminate()
        worker.wait(10)
        recv.terminate()
    rate = delivered / (done - committed)
    verdict = "PASS" if rate >= TARGET and delivered == queued else "FAIL"
    database = "PostgreSQL" if "postgresql" in url else "SQLite"
    print(f"database: {database}; {WATCHES} watches, {SUSPEND} suspended in one batch")
    print(f"baseline: plain POSTs to the local receiver  {base_rate:8.0f} /s")
    print(
        f"outbox:   {queued} messages queued in the suspending transaction; commit incl. outbox "
        f"{1000 * (committed - before_commit):.0f} ms (suspensions {1000 * (before_commit - start):.0f} ms)"
    )
    print(
        f"delivery: {delivered}/{queued} delivered in {done - committed:.2f} s = {rate:8.0f} /s "
        f"(ratio to baseline {rate / base_rate:.2f}; target >= {TARGET:.0f}/s: {verdict}); first after "
        f"{1000 * (first.value - committed):.0f} ms, then {(delivered - 1) / max(done - first.value, 1e-9):.0f} /s"
    )
    if delivered != queued or rate < TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
