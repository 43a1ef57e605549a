"""The verification core: one input (mark token, scanned URL or number) in, one verdict out.

Precedence (CONTRACT.md): a token whose signature fails, or whose key is unknown or revoked,
is `forged` whatever the register says; otherwise the register's state decides. Only a
token-shaped input can be `forged`: anything else the register does not know is `not_found`.
Inputs are first understood by registry.verification.inputs (number, token, URL, credit
code, organisation name); credit codes and names are answered by registry.verification.holders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from registry.certificates.models import Certificate, CertificateEvent
from registry.certificates.reads import find_certificate, state_as_of, verdict_rows
from registry.certificates.validation import today
from registry.certificates.verdicts import verdict_of
from registry.normalise import normalise_input
from registry.signing.offline import parse_mark_input
from registry.signing.service import PublicKeyCache
from registry.signing.token import DecodedToken, TokenFormatError, decode_token, normalise_origin, verify_signature
from registry.verification import holders
from registry.verification.inputs import MAX_INPUT_CHARS, Input, classify

VERDICTS = ("valid", "suspended", "revoked", "withdrawn", "expired", "not_found", "forged")


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
    certificate: Any = None
    state: dict[str, Any] | None = None
    last_change: CertificateEvent | None = None
    kid: str | None = None
    mark: DecodedToken | None = None
    # A token that does not even parse (truncated, garbled): `forged` to the API, whose vocabulary
    # is fixed, but the scan page says "could not be read, scan again" instead of alarming anyone.
    unreadable: bool = False
    # The input as read after NFKC and dropping invisible characters, when that changed it.
    normalised: str | None = None
    input_kind: str = "number"
    holder: dict[str, str] | None = None
    # For a credit code or a name: every holder it names and all their certificates.
    holders: list[dict[str, str]] | None = None
    certificates: list[dict[str, Any]] | None = None
    scheme: str | None = None

    @property
    def star_level(self) -> int | None:
        return None if self.state is None else self.state["star_level"]

    @property
    def status(self) -> str | None:
        return None if self.state is None else self.state["status"]

    @property
    def expires(self) -> str | None:
        return None if self.state is None else self.state["expires"]

    def to_dict(self) -> dict[str, Any]:
        """The result as the API, CSV and receipts show it."""
        out = {
            "input": self.input,
            "input_kind": self.input_kind,
            "verdict": self.verdict,
            "reason": self.reason_en,
            "reason_zh": self.reason_zh,
            "number": self.number,
            "holder": self.holder,
            "star_level": self.star_level,
            "status": self.status,
            "scheme": self.scheme,
            "expires": self.expires,
            "signature": self.signature,
            "mark_current": self.mark_current,
            "changes": [{"field": c.field, "on_mark": c.on_mark, "in_register": c.in_register} for c in self.changes],
            "normalised": self.normalised,
        }
        if self.certificates is not None:
            out["holders"] = self.holders
            out["certificates"] = self.certificates
        return out


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


def _forged(text: str, en: str, zh: str, **kw: Any) -> Verification:
    return Verification(text, "forged", en, zh, signature=kw.pop("signature", "invalid"), **kw)


@cache
def _verdict_rows() -> Select[Any]:
    """One statement, built once: the columns a verdict and its holder need, for a list of numbers."""
    return verdict_rows().where(Certificate.number.in_(bindparam("numbers", expanding=True)))


class Verifier:
    """Verifies inputs against one registry origin, its public keys and its register."""

    def __init__(self, session: Session, origin: str, keys: PublicKeyCache, *, detail: bool = False) -> None:
        self.detail = detail
        self._known: dict[str, Any] = {}
        # Holder matches verify_many already looked up, by (input kind, value).
        self._holders: dict[tuple[str, str], holders.HolderMatch] = {}
        # Tokens verify_many already decoded to find their numbers; verify_token reuses them.
        self._decoded: dict[str, DecodedToken] = {}
        self.session = session
        self.origin = normalise_origin(origin)
        self.keys = keys

    def verify_many(self, texts: list[str], as_of: dt.date | None = None) -> list[Verification]:
        """Verdicts for many inputs, in order, reading every certificate they name in one query."""
        understood = [self._understand(text) for text in texts]
        numbers = set()
        for item, _clean in understood:
            if item.kind in ("token", "url"):
                try:
                    decoded = decode_token(item.value)
                    self._decoded[item.value] = decoded
                    numbers.add(decoded.claims.number)
                except TokenFormatError:
                    continue
            elif item.kind == "number":
                numbers.add(item.value)
        wanted = [(i.kind, i.value) for i, _clean in understood if i.kind in ("credit_code", "name")]
        if wanted:
            self._holders = holders.match_many(self.session, wanted, as_of or today(), as_of)
        if numbers:
            # Just the columns a verdict needs: loading whole certificates with their holder, scheme
            # and body took most of a single-item verification's time.
            rows = self.session.connection().execute(_verdict_rows(), {"numbers": list(numbers)}).all()
            found = {row.number: row for row in rows}
            self._known = {n: found.get(n) for n in numbers}
        return [self._answer(item, as_of) for item in understood]

    def _find(self, number: str) -> Any:
        """A prefetched row (verify_many), else the whole certificate (pages show every field)."""
        if number in self._known:
            return self._known[number]
        return find_certificate(self.session, number)

    def verify(self, text: str, as_of: dt.date | None = None) -> Verification:
        """The verdict for one input; never raises for any input text."""
        return self._answer(self._understand(text), as_of)

    @staticmethod
    def _understand(text: str) -> tuple[Input, str | None]:
        """The input understood after look-alike normalisation; the normalised text when that changed it."""
        text = text if isinstance(text, str) else str(text)
        if len(text) > MAX_INPUT_CHARS:
            return classify(text), None
        clean = normalise_input(text)
        item = classify(clean)
        return Input(text, item.kind, item.value, item.note_en, item.note_zh), (clean if clean != text else None)

    def _answer(self, understood: tuple[Input, str | None], as_of: dt.date | None) -> Verification:
        item, clean = understood
        result = self._verify(item, as_of)
        result.normalised = clean
        if item.kind == "url" and result.signature == "valid":
            origin = parse_mark_input(clean or item.text).origin
            if origin is not None and _host(origin) != _host(self.origin):
                _warn_other_host(result, origin)
        return result

    def _verify(self, item: Input, as_of: dt.date | None) -> Verification:
        text = item.text if len(item.text) <= MAX_INPUT_CHARS else item.text[:80]
        if item.kind in ("token", "url"):
            result = self.verify_token(text, item.value, as_of)
            result.input_kind = item.kind
            return result
        if item.kind == "number":
            return self._from_register(text, item.value, as_of, Verification(text, "", "", "", number=item.value))
        if item.kind in ("credit_code", "name"):
            return self._holder_result(item, as_of)
        return Verification(
            text,
            "not_found",
            f"not understood: {item.note_en}",
            f"无法识别：{item.note_zh}",
            input_kind="unknown",
        )

    def _holder_result(self, item: Input, as_of: dt.date | None) -> Verification:
        found = self._holders.get((item.kind, item.value)) or holders.match(
            self.session, item.kind, item.value, as_of or today(), as_of
        )
        en, zh = holders.reasons(item.kind, item.value, found)
        result = Verification(item.text, found.best, en, zh, input_kind=item.kind)
        result.holders = [holders.holder_json(h) for h in found.holders]
        result.holder = result.holders[0] if len(found.holders) == 1 else None
        result.certificates = found.certificates
        return result

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
        if isinstance(cert, Certificate):
            result.holder, result.scheme = holders.holder_json(cert.holder), cert.scheme.code
        else:
            result.holder, result.scheme = holders.holder_json(cert), cert.scheme
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
