"""Real gunicorn servers for the tests that need processes: workers, limits across workers, faults."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port: from TEST_PORT_BASE upwards when set (shared machines), else any."""
    base = int(os.environ.get("TEST_PORT_BASE", "0"))
    for port in range(base, base + 10) if base else [0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError(f"no free port in {base}..{base + 9}")


def server_env(app_config: dict[str, Any], **extra: str) -> dict[str, str]:
    """The environment of a server process sharing the test run's database, keys and secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_")}
    env.update(
        REGISTRY_DATABASE_URL=str(app_config["database_url"]),
        REGISTRY_DATA_DIR=str(app_config["data_dir"]),
        REGISTRY_KEYS_DIR=str(app_config["keys_dir"]),
        REGISTRY_BASE_URL=str(app_config["base_url"]),
        REGISTRY_SECRET_KEY=str(app_config["secret_key"]),
        REGISTRY_RATE_LIMITS="off",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    errors: Any = None

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("server did not come up")


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, *extra: str) -> Iterator[Server]:
    """`gunicorn --preload -w N wsgi:app` on a free port, stopped (and its workers) afterwards."""
    port = free_port()
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed in the finally below)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--preload", "-w", str(workers), "-b", f"127.0.0.1:{port}", *extra, "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=errors,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield Server(url, process, errors)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        errors.close()


def request(
    url: str, method: str = "GET", body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of one HTTP request; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)
