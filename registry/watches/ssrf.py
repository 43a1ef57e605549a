"""Callback URLs never reach private addresses: checked when a watch is created and again at every
delivery, after DNS resolution, on the address actually connected to (so DNS rebinding gains nothing).

Hosts listed in REGISTRY_WEBHOOK_ALLOW_HOSTS skip the address checks and may use plain http
(for tests and intranets).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

# Cloud metadata services, refused even where a provider makes them look ordinary.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}


class RefusedURL(ValueError):
    """The callback URL may not be used; the message says why in English, `zh` in Chinese."""

    def __init__(self, message: str, zh: str) -> None:
        super().__init__(message)
        self.zh = zh


def is_public(address: str) -> bool:
    """Whether `address` is a public unicast address (not loopback, private, link-local, metadata...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast and ip not in METADATA


def host_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a callback URL, or RefusedURL when it is malformed."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise RefusedURL("the URL is malformed", "URL 格式错误") from None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower().rstrip(".")
    if scheme not in ("http", "https") or not host:
        raise RefusedURL("the URL must start with https:// and name a host", "URL 必须以 https:// 开头并包含主机名")
    if parts.username or parts.password:
        raise RefusedURL("the URL must not carry a user name or password", "URL 不能包含用户名或密码")
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise RefusedURL(f"the host {host} does not resolve", f"主机 {host} 无法解析") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def public_addresses(host: str, port: int, allow_hosts: Collection[str]) -> list[str]:
    """The addresses to connect to for `host`: all of them must be public unless the host is allowed."""
    addresses = resolve(host, port)
    if host in allow_hosts:
        return addresses
    private = [a for a in addresses if not is_public(a)]
    if private:
        raise RefusedURL(
            f"the host {host} resolves to {private[0]}, which is not a public address",
            f"主机 {host} 解析到 {private[0]}，不是公网地址",
        )
    return addresses


def check_callback_url(url: str, allow_hosts: Collection[str]) -> str:
    """The URL, normalised, if a watch may call it; RefusedURL otherwise."""
    if len(url) > 2000:
        raise RefusedURL("the URL is too long", "URL 过长")
    scheme, host, port = host_of(url)
    if scheme != "https" and host not in allow_hosts:
        raise RefusedURL("the URL must use https", "URL 必须使用 https")
    public_addresses(host, port, allow_hosts)
    return url.strip()
