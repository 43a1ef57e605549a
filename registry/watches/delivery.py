"""Sending one webhook: an HTTP POST that connects only to addresses the SSRF rules allow.

httpcore lets us supply the network backend, so the public-address check runs on the very
addresses the connection is made to, after DNS resolution; TLS still verifies the host name.
Redirects are never followed.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore

from registry.watches.ssrf import RefusedURL, public_addresses


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to public addresses (or to any address of an allowed host)."""

    def __init__(self, allow_hosts: Collection[str]) -> None:
        self.allow_hosts = frozenset(allow_hosts)
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = public_addresses(host.lower().strip("[]").rstrip("."), port, self.allow_hosts)
        error: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("unix sockets are not webhook targets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass(frozen=True)
class Response:
    status: int | None  # None when no HTTP answer came back
    error: str = ""


class Sender:
    """POSTs webhook bodies over one connection pool (thread-safe, keep-alive)."""

    def __init__(self, allow_hosts: Collection[str], *, timeout: float = 10.0, connections: int = 16) -> None:
        self.timeout = timeout
        self.pool = httpcore.ConnectionPool(
            network_backend=GuardedBackend(allow_hosts), max_connections=connections, keepalive_expiry=30
        )

    def post(self, url: str, headers: dict[str, str], body: bytes) -> Response:
        t = self.timeout
        try:
            answer = self.pool.request(
                "POST",
                url,
                headers=headers,
                content=body,
                extensions={"timeout": {"connect": t, "read": t, "write": t, "pool": t}},
            )
        except RefusedURL as exc:
            return Response(None, f"refused: {exc}")
        except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError) as exc:
            return Response(None, f"{type(exc).__name__}: {exc}"[:500])
        except httpcore.UnsupportedProtocol as exc:
            return Response(None, f"unsupported URL: {exc}")
        return Response(answer.status)

    def close(self) -> None:
        self.pool.close()
