"""A local webhook receiver for tests and benchmarks: records every request, answers as told."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    """Listens on 127.0.0.1:`port`; `answer(msg_id, attempt)` gives each request's status (default 200)."""

    def __init__(
        self, port: int, answer: Callable[[str, int], int] | None = None, delay: Callable[[str], float] | None = None
    ):
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.answer = answer or (lambda _id, _n: 200)
        self.delay = delay or (lambda _id: 0.0)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                msg_id = self.headers.get("webhook-id", "")
                with receiver.lock:
                    attempt = sum(1 for r in receiver.requests if r["id"] == msg_id) + 1
                    record = {
                        "id": msg_id,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": body,
                        "at": time.monotonic(),
                        "status": None,
                    }
                    receiver.requests.append(record)
                time.sleep(receiver.delay(msg_id))
                status = receiver.answer(msg_id, attempt)
                record["status"] = status
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def ids(self, status: int | None = None) -> list[str]:
        with self.lock:
            return [r["id"] for r in self.requests if status is None or r["status"] == status]

    def payloads(self) -> list[dict]:
        with self.lock:
            return [json.loads(r["body"]) for r in self.requests]

    def wait_for(self, predicate: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.05)
        return predicate()
