"""Configuration: defaults in code, typed REGISTRY_* environment overrides, checked at start."""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

PREFIX = "REGISTRY_"


class ConfigError(RuntimeError):
    """A configuration value is missing, unknown or malformed; the message names the key."""


@dataclass(frozen=True)
class Settings:
    """The typed settings of one app instance."""

    data_dir: Path
    database_url: str
    base_url: str
    keys_dir: Path
    key_passphrase: str | None
    secret_key: str
    redis_url: str | None
    testing: bool = False
    # Per-kind limits overriding registry.api.limits.DEFAULT_LIMITS (tests use small ones).
    rate_limits: tuple[tuple[str, str], ...] = ()
    rate_limits_enabled: bool = True
    rate_limit_prefix: str = "registry"
    # Upper bound on a request body; write batches of 1,000 certificates fit well inside.
    max_content_length: int = 8 * 1024 * 1024
    # A portal session left untouched this long signs out (staff on shared office computers).
    session_idle_minutes: int = 30
    # Who runs this registry: every page's footer and every scan page name them, so that a copy on
    # a lookalike domain cannot borrow the operator's standing without also claiming its name.
    operator_name_zh: str = "服务认证登记簿演示运营方（demo）"
    operator_name_en: str = "Service Certificate Registry demo operator (demo)"
    operator_contact: str = "demo@registry.example.cn"
    icp: str = "京ICP备00000000号-0（demo）"
    # Witnesses asked to cosign each checkpoint: (verifier key, submission URL) pairs.
    log_witnesses: tuple[tuple[str, str], ...] = ()
    # When the transparency log publishes after a write: "background" (a thread per process),
    # "inline" (before the request returns; tests) or "off" (benchmarks' baseline).
    log_publish: str = "background"
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed (0: none).
    trusted_proxies: int = 0
    # Seconds a write waits for the register's write lock before answering 503 with Retry-After.
    write_lock_timeout: int = 5
    # Webhook hosts exempt from the public-address checks (plain http allowed): tests and intranets.
    webhook_allow_hosts: tuple[str, ...] = ()


# Every REGISTRY_* variable we understand. Anything else with the prefix is a typo.
KNOWN_ENV = {
    "REGISTRY_DATA_DIR",
    "REGISTRY_DATABASE_URL",
    "REGISTRY_BASE_URL",
    "REGISTRY_KEYS_DIR",
    "REGISTRY_KEY_PASSPHRASE",
    "REGISTRY_SECRET_KEY",
    "REGISTRY_REDIS_URL",
    "REGISTRY_MAX_CONTENT_LENGTH",
    "REGISTRY_RATE_LIMITS",
    "REGISTRY_SESSION_IDLE_MINUTES",
    "REGISTRY_OPERATOR_NAME_ZH",
    "REGISTRY_OPERATOR_NAME_EN",
    "REGISTRY_OPERATOR_CONTACT",
    "REGISTRY_ICP",
    "REGISTRY_LOG_WITNESSES",
    "REGISTRY_TRUSTED_PROXIES",
    "REGISTRY_WRITE_LOCK_TIMEOUT",
    "REGISTRY_WEBHOOK_ALLOW_HOSTS",
    # Read only by the test suite and CI scripts, never by the app.
    "REGISTRY_TEST_DATABASE_URL",
}


def _check_url(key: str, value: str, schemes: tuple[str, ...]) -> str:
    parts = urlsplit(value)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        raise ConfigError(f"{key}={value!r} is not a URL starting with one of {', '.join(schemes)}")
    return value


def _check_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ConfigError(f"REGISTRY_BASE_URL={value!r} must be an origin such as https://registry.example.cn")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _int(key: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{key}={value!r} is not an integer") from None
    if number <= 0:
        raise ConfigError(f"{key}={value!r} must be positive")
    return number


def _count(key: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ConfigError(f"{key}={value!r} is not an integer") from None
    if number < 0:
        raise ConfigError(f"{key}={value!r} must not be negative")
    return number


def _secret_key(data_dir: Path) -> str:
    """Read the Flask secret from the data dir, creating it on first run."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


LIMIT_KINDS = ("read", "verify", "receipt", "write", "scan", "report", "page", "mark")

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{4,30}$")


def contact_href(value: str) -> str | None:
    """The link for a contact that is a web address, an e-mail address or a phone number; else None."""
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return value
    if _EMAIL_RE.match(value):
        return f"mailto:{value}"
    if _PHONE_RE.match(value):
        return "tel:" + re.sub(r"[ ()-]", "", value)
    return None


def _text(key: str, value: str, limit: int) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise ConfigError(f"{key}={value!r} must be 1-{limit} characters")
    return value


def _contact(value: str) -> str:
    value = value.strip()
    if contact_href(value) is None:
        raise ConfigError(
            f"REGISTRY_OPERATOR_CONTACT={value!r} must be an http(s) URL, an e-mail address or a phone number"
        )
    return value


def _icp(value: str) -> str:
    value = _text("REGISTRY_ICP", value, 64)
    if "ICP" not in value.upper():
        raise ConfigError(f"REGISTRY_ICP={value!r} must be an ICP filing number such as 京ICP备12345678号-1")
    return value


def _rate_limits(raw: str) -> tuple[bool, tuple[tuple[str, str], ...]]:
    """REGISTRY_RATE_LIMITS: `off`, or `kind=limit` pairs separated by `,` (e.g. `verify=5000 per minute`)."""
    raw = raw.strip()
    if raw.lower() == "off":
        return False, ()
    pairs = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        kind, _, limit = part.partition("=")
        if kind.strip() not in LIMIT_KINDS or not limit.strip():
            raise ConfigError(
                f"REGISTRY_RATE_LIMITS={raw!r}: expected 'off' or kind=limit pairs with kinds {', '.join(LIMIT_KINDS)}"
            )
        pairs.append((kind.strip(), limit.strip()))
    return True, tuple(pairs)


def _hosts(raw: str) -> tuple[str, ...]:
    """REGISTRY_WEBHOOK_ALLOW_HOSTS: host names or IP literals separated by commas."""
    hosts = []
    for part in filter(None, (p.strip().lower() for p in raw.split(","))):
        host = part.strip("[]")
        if not host or any(c in host for c in "/@ ?#"):
            raise ConfigError(f"REGISTRY_WEBHOOK_ALLOW_HOSTS={raw!r}: {part!r} is not a host name")
        hosts.append(host)
    return tuple(hosts)


def load_settings(env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from the environment (or `env`), then apply explicit overrides.

    Raises ConfigError naming the variable when one is unknown or malformed.
    """
    env = os.environ if env is None else env
    unknown = sorted(k for k in env if k.startswith(PREFIX) and k not in KNOWN_ENV)
    if unknown:
        raise ConfigError(f"unknown configuration variable {unknown[0]} (known: {', '.join(sorted(KNOWN_ENV))})")
    known = {f.name for f in fields(Settings)}
    bad = sorted(k for k in overrides if k not in known)
    if bad:
        raise ConfigError(f"unknown setting {bad[0]!r}")

    def get(name: str) -> str | None:
        if name in overrides:
            value = overrides[name]
            return None if value is None else str(value)
        raw = env.get(PREFIX + name.upper())
        return raw if raw not in (None, "") else None

    data_dir = Path(get("data_dir") or "instance").resolve()
    port = env.get("PORT") or "8000"
    _int("PORT", port)
    database_url = _check_url(
        "REGISTRY_DATABASE_URL",
        get("database_url") or f"sqlite:///{data_dir / 'registry.sqlite3'}",
        ("sqlite", "postgresql", "postgresql+psycopg"),
    )
    base_url = _check_base_url(get("base_url") or f"http://localhost:{port}")
    redis_url = get("redis_url")
    if redis_url is not None:
        _check_url("REGISTRY_REDIS_URL", redis_url, ("redis", "rediss", "memory"))
    max_len = get("max_content_length")
    idle = get("session_idle_minutes")
    limits_enabled, limits = _rate_limits(env.get("REGISTRY_RATE_LIMITS", ""))
    if "rate_limits" in overrides:
        limits = tuple(dict(overrides["rate_limits"] or {}).items())  # type: ignore[call-overload]
    if "rate_limits_enabled" in overrides:
        limits_enabled = bool(overrides["rate_limits_enabled"])
    log_publish = str(overrides.get("log_publish", "background"))
    if log_publish not in ("background", "inline", "off"):
        raise ConfigError(f"log_publish={log_publish!r} must be background, inline or off")
    if "webhook_allow_hosts" in overrides:
        allow_hosts = tuple(str(h).lower() for h in overrides["webhook_allow_hosts"] or ())  # type: ignore[attr-defined]
    else:
        allow_hosts = _hosts(env.get("REGISTRY_WEBHOOK_ALLOW_HOSTS", ""))
    return Settings(
        webhook_allow_hosts=allow_hosts,
        data_dir=data_dir,
        database_url=database_url,
        base_url=base_url,
        keys_dir=Path(get("keys_dir") or "keys").resolve(),
        key_passphrase=get("key_passphrase"),
        secret_key=get("secret_key") or _secret_key(data_dir),
        redis_url=redis_url,
        testing=bool(overrides.get("testing", False)),
        rate_limits=limits,
        rate_limits_enabled=limits_enabled,
        rate_limit_prefix=str(overrides.get("rate_limit_prefix", "registry")),
        max_content_length=_int("REGISTRY_MAX_CONTENT_LENGTH", max_len) if max_len else Settings.max_content_length,
        session_idle_minutes=_int("REGISTRY_SESSION_IDLE_MINUTES", idle) if idle else Settings.session_idle_minutes,
        operator_name_zh=_text("REGISTRY_OPERATOR_NAME_ZH", get("operator_name_zh") or Settings.operator_name_zh, 100),
        operator_name_en=_text("REGISTRY_OPERATOR_NAME_EN", get("operator_name_en") or Settings.operator_name_en, 150),
        operator_contact=_contact(get("operator_contact") or Settings.operator_contact),
        icp=_icp(get("icp") or Settings.icp),
        log_witnesses=(
            tuple(overrides["log_witnesses"])  # type: ignore[call-overload]
            if isinstance(overrides.get("log_witnesses"), tuple | list)
            else _witnesses(get("log_witnesses") or "")
        ),
        log_publish=log_publish,
        trusted_proxies=_count("REGISTRY_TRUSTED_PROXIES", get("trusted_proxies") or "0"),
        write_lock_timeout=_int("REGISTRY_WRITE_LOCK_TIMEOUT", get("write_lock_timeout") or "5"),
    )


def _witnesses(raw: str) -> tuple[tuple[str, str], ...]:
    """REGISTRY_LOG_WITNESSES: comma-separated `<verifier key> <submission URL>` pairs."""
    from registry.notes import NoteError, parse_witnesses

    try:
        return parse_witnesses(raw)
    except NoteError as exc:
        raise ConfigError(f"REGISTRY_LOG_WITNESSES: {exc}") from None
