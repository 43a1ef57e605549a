"""The verification core: one input (mark token, scanned URL or number) in, one verdict out.

Precedence (CONTRACT.md): a token whose signature fails, or whose key is unknown or revoked,
is `forged` whatever the register says; otherwise the register's state decides.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.service import find_certificate, state_as_of
from registry.certificates.validation import NUMBER_RE, today
from registry.certificates.verdicts import verdict_of
from registry.signing.offline import parse_mark_input
from registry.signing.service import PublicKeyCache
from registry.signing.token import DecodedToken, TokenFormatError, decode_token, normalise_origin, verify_signature
from registry.verification.normalise import normalise_input

VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged")
MAX_INPUT_CHARS = 2000


@dataclass(frozen=True)
class Change:
    """Something the mark shows that the register no longer says."""

    field: str
    on_mark: Any
    in_register: Any


@dataclass
class Verification:
    """The answer for one input."""

    input: str
    verdict: str
    reason_en: str
    reason_zh: str
    number: str | None = None
    signature: str = "none"  # "valid" | "invalid" | "none"
    mark_current: bool | None = None
    changes: list[Change] = field(default_factory=list)
    certificate: Certificate | None = None
    state: dict[str, Any] | None = None
    last_change: CertificateEvent | None = None
    kid: str | None = None
    mark: DecodedToken | None = None
    # A token that does not even parse (truncated, garbled): `forged` to the API, whose vocabulary
    # is fixed, but the scan page says "could not be read, scan again" instead of alarming anyone.
    unreadable: bool = False
    # The input as read after NFKC and dropping invisible characters, when that changed it.
    normalised: str | None = None

    @property
    def star_level(self) -> int | None:
        return None if self.state is None else self.state["star_level"]

    @property
    def status(self) -> str | None:
        return None if self.state is None else self.state["status"]

    def to_dict(self) -> dict[str, Any]:
        """The result as the API, CSV and receipts show it."""
        return {
            "input": self.input,
            "verdict": self.verdict,
            "reason": self.reason_en,
            "reason_zh": self.reason_zh,
            "number": self.number,
            "star_level": self.star_level,
            "status": self.status,
            "signature": self.signature,
            "mark_current": self.mark_current,
            "changes": [{"field": c.field, "on_mark": c.on_mark, "in_register": c.in_register} for c in self.changes],
            "normalised": self.normalised,
        }


def _forged(text: str, en: str, zh: str, **kw: Any) -> Verification:
    return Verification(text, "forged", en, zh, signature=kw.pop("signature", "invalid"), **kw)


@cache
def _verdict_rows() -> Select[Any]:
    """One statement, built once: the columns a verdict needs, for a list of numbers."""
    columns = (Certificate.id, Certificate.number, Certificate.status, Certificate.star_level, Certificate.expires)
    return select(*columns).where(Certificate.number.in_(bindparam("numbers", expanding=True)))


def _host(origin: str) -> str:
    return origin.split("://", 1)[-1]


def _warn_other_host(result: Verification, origin: str) -> None:
    """A genuine mark inside a link to another site: the mark is real, the site showing it is not us."""
    host = _host(origin)
    result.reason_en += (
        f"; warning: the link points to {host}, not to this registry: the mark is genuine, "
        "but the site that showed it is not the registry"
    )
    result.reason_zh += f"；注意：该链接指向 {host}，并非本登记簿：标志是真的，但展示它的网站不是登记簿"


class Verifier:
    """Verifies inputs against one registry origin, its public keys and its register."""

    def __init__(self, session: Session, origin: str, keys: PublicKeyCache, *, detail: bool = False) -> None:
        self.detail = detail
        self._known: dict[str, Certificate | None] = {}
        # Tokens verify_many already decoded to find their numbers; verify_token reuses them.
        self._decoded: dict[str, DecodedToken] = {}
        self.session = session
        self.origin = normalise_origin(origin)
        self.keys = keys

    def verify_many(self, texts: list[str], as_of: dt.date | None = None) -> list[Verification]:
        """Verdicts for many inputs, in order, reading every certificate they name in one query."""
        numbers = set()
        for text in texts:
            ok = isinstance(text, str) and len(text) <= MAX_INPUT_CHARS
            parsed = parse_mark_input(normalise_input(text)) if ok else None
            if parsed is None:
                continue
            if parsed.token is not None:
                try:
                    decoded = decode_token(parsed.token)
                    self._decoded[parsed.token] = decoded
                    numbers.add(decoded.claims.number)
                except TokenFormatError:
                    continue
            elif parsed.number and NUMBER_RE.match(parsed.number):
                numbers.add(parsed.number)
        if numbers:
            # Just the columns a verdict needs: loading whole certificates with their holder, scheme
            # and body took most of a single-item verification's time.
            rows = self.session.connection().execute(_verdict_rows(), {"numbers": list(numbers)}).all()
            found = {row.number: row for row in rows}
            self._known = {n: found.get(n) for n in numbers}  # type: ignore[misc]
        return [self.verify(text, as_of) for text in texts]

    def _find(self, number: str) -> Certificate | None:
        if number in self._known:
            return self._known[number]
        return find_certificate(self.session, number)

    def verify(self, text: str, as_of: dt.date | None = None) -> Verification:
        """The verdict for one input; never raises for any input text."""
        text = text if isinstance(text, str) else str(text)
        if len(text) > MAX_INPUT_CHARS:
            return _forged(
                text[:80], "input too long to be a mark or certificate number", "输入过长，不是有效的标志或证书编号"
            )
        clean = normalise_input(text)
        result = self._verify_clean(text, clean, as_of)
        if clean != text:
            result.normalised = clean
        return result

    def _verify_clean(self, text: str, clean: str, as_of: dt.date | None) -> Verification:
        parsed = parse_mark_input(clean)
        if parsed.token is not None:
            result = self.verify_token(text, parsed.token, as_of)
            if result.signature == "valid" and parsed.origin is not None and _host(parsed.origin) != _host(self.origin):
                _warn_other_host(result, parsed.origin)
            return result
        number = parsed.number or ""
        if not NUMBER_RE.match(number):
            return _forged(
                text,
                "neither a certificate number nor a registry mark",
                "既不是证书编号，也不是本登记簿签发的标志",
                signature="none",
            )
        return self._from_register(text, number, as_of, Verification(text, "", "", "", number=number))

    def verify_token(self, text: str, token: str, as_of: dt.date | None) -> Verification:
        try:
            decoded = self._decoded.get(token) or decode_token(token)
        except TokenFormatError:
            return _forged(text, "malformed mark token", "标志码格式错误", unreadable=True)
        candidates = self.keys.lookup(self.session, decoded.key_short_id)
        if not candidates:
            return _forged(
                text, "signed by a key this registry never published", "签名密钥不属于本登记簿", mark=decoded
            )
        for key in candidates:
            if verify_signature(decoded, self.origin, key.key):
                if key.status == "revoked":
                    return _forged(
                        text,
                        "signing key revoked",
                        "签名密钥已吊销",
                        signature="invalid",
                        kid=key.kid,
                        mark=decoded,
                        number=decoded.claims.number,
                    )
                base = Verification(
                    text, "", "", "", number=decoded.claims.number, signature="valid", kid=key.kid, mark=decoded
                )
                return self._from_register(text, decoded.claims.number, as_of, base)
        return _forged(
            text,
            "the signature does not verify: the mark was altered or not issued here",
            "签名验证失败：标志被篡改或并非本登记簿签发",
            mark=decoded,
        )

    def _from_register(self, text: str, number: str, as_of: dt.date | None, result: Verification) -> Verification:
        cert = self._find(number)
        if cert is None:
            result.verdict = "not_found"
            if result.signature == "valid":
                result.reason_en = f"certificate {number} was issued by this registry but is no longer in the register"
                result.reason_zh = f"证书 {number} 曾由本登记簿签发，但已不在登记簿中"
            else:
                result.reason_en = f"no certificate {number} has ever been registered"
                result.reason_zh = f"登记簿中没有证书 {number}"
            return result
        day = as_of or today()
        result.certificate = cert
        if as_of is None:
            state: dict[str, Any] | None = {
                "status": cert.status,
                "star_level": cert.star_level,
                "expires": cert.expires.isoformat(),
            }
        else:
            state = state_as_of(self.session, cert, as_of)
        if state is None:
            result.verdict = "not_found"
            result.reason_en = f"certificate {number} was not yet issued on {day.isoformat()}"
            result.reason_zh = f"证书 {number} 在 {day.isoformat()} 尚未颁发"
            return result
        result.state = state
        expires = dt.date.fromisoformat(state["expires"])
        result.verdict = verdict_of(state["status"], expires, day)
        # Only a suspension, revocation or withdrawal needs its event's reason; pages ask for detail.
        if self.detail or result.verdict not in ("valid", "expired"):
            result.last_change = self._last_change(cert, day)
        result.reason_en, result.reason_zh = self._reason(result.verdict, expires, result.last_change)
        if result.mark is not None:
            claims = result.mark.claims
            if claims.star_level != state["star_level"]:
                result.changes.append(Change("star_level", claims.star_level, state["star_level"]))
            if claims.expires != expires:
                result.changes.append(Change("expires", claims.expires.isoformat(), expires.isoformat()))
            result.mark_current = not result.changes
        return result

    def _last_change(self, cert: Certificate, day: dt.date) -> CertificateEvent | None:
        return self.session.scalar(
            select(CertificateEvent)
            .where(
                CertificateEvent.certificate_id == cert.id,
                CertificateEvent.effective <= day,
                CertificateEvent.type.in_(("suspend", "reinstate", "revoke", "withdraw", "renew")),
            )
            .order_by(CertificateEvent.effective.desc(), CertificateEvent.seq.desc())
            .limit(1)
        )

    @staticmethod
    def _reason(verdict: str, expires: dt.date, last: CertificateEvent | None) -> tuple[str, str]:
        why = f": {last.reason}" if last is not None and last.reason else ""
        on = last.effective.isoformat() if last is not None else ""
        if verdict == "valid":
            return (
                f"the certificate is valid until {expires.isoformat()}",
                f"证书有效，有效期至 {expires.isoformat()}",
            )
        if verdict == "expired":
            return (f"the certificate expired on {expires.isoformat()}", f"证书已于 {expires.isoformat()} 过期")
        words = {"suspended": ("suspended", "暂停"), "revoked": ("revoked", "撤销"), "withdrawn": ("withdrawn", "注销")}
        en, zh = words[verdict]
        return (f"the certificate was {en} on {on}{why}", f"证书已于 {on} {zh}{why.replace(': ', '：')}")
