"""What an officer pasted: a certificate number, a mark token or scanned URL, a unified social
credit code or an organisation name, also inside labelled text such as `证书编号：X` or `No. X`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from registry.certificates.validation import NUMBER_RE
from registry.organisations.names import name_key
from registry.organisations.validation import credit_code_problem
from registry.signing.offline import parse_mark_input

KINDS = ("number", "token", "url", "credit_code", "name", "unknown")
MAX_INPUT_CHARS = 2000

_URL = re.compile(r"^https?://", re.IGNORECASE)
_MARK_URL = re.compile(r"^https?://[^/]+/v/[^/?#]+/?(?:[?#].*)?$", re.IGNORECASE)
_TOKEN = re.compile(r"^[A-Z2-7]{60,}$")
_LABEL_SEP = r"\s*[:：#＃]?\s*"
# "No." and "Number" need a separator after them: "NOPE-0001" is a number, not "No. PE-0001".
_NUMBER_LABEL = re.compile(
    r"^(?:(?:认证证书编号|证书编号|证书号码|证书号|编号)\s*[:：#]?"
    r"|(?:certificate|cert\.?)\s*(?:no\.?|number|#)\s*[:：#]?"
    r"|no\.\s*[:：#]?|no\s*[:：#]|no\s+|number\s*[:：#]|number\s+|#)\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_CODE_LABEL = re.compile(
    r"^(?:统一社会信用代码|社会信用代码|信用代码|uscc|unified\s+social\s+credit\s+code|credit\s+code)"
    + _LABEL_SEP
    + r"(?P<value>.+)$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(
    r"^(?:投标人名称|投标人|供应商名称|供应商|单位名称|企业名称|公司名称|获证组织|持证组织|company|bidder|supplier|holder)"
    + _LABEL_SEP
    + r"(?P<value>.+)$",
    re.IGNORECASE,
)
_PLAIN = re.compile(r"[A-Za-z0-9/-]{4,40}")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Zero-width and other invisible characters copied along with text from web pages and PDFs, and
# control characters (a NUL cannot even be stored in PostgreSQL text).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Input:
    """One pasted item, understood: `kind` is one of KINDS; `value` is what to look up."""

    text: str
    kind: str
    value: str = ""
    note_en: str = ""
    note_zh: str = ""


def clean(text: str) -> str:
    """Full-width forms folded (NFKC), invisible characters dropped, outer spaces trimmed."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()


def _compact(text: str) -> str:
    return "".join(text.split()).upper()


def classify(text: str) -> Input:
    """Understand one input; never raises."""
    if not isinstance(text, str):
        text = str(text)
    if len(text) > MAX_INPUT_CHARS:
        return Input(
            text, "unknown", note_en="input too long to be anything the registry knows", note_zh="输入过长，无法识别"
        )
    if _PLAIN.fullmatch(text) and any(c.isdigit() for c in text):
        # The common case, a bare certificate number, skips the normalisation (a third of the cost
        # of understanding a 1,000-item batch).
        upper = text.upper()
        if len(upper) == 18 and credit_code_problem(upper) is None:
            return Input(text, "credit_code", upper)
        return Input(text, "number", upper)
    cleaned = clean(text)
    if not cleaned:
        return Input(text, "unknown", note_en="empty input", note_zh="输入为空")
    if _URL.match(cleaned):
        parsed = parse_mark_input(cleaned)
        if parsed.number is not None:
            return Input(text, "number", parsed.number)
        if _MARK_URL.search(cleaned) and parsed.token is not None:
            return Input(text, "url", parsed.token)
        return Input(
            text,
            "unknown",
            note_en="a link that is neither a registry mark nor a certificate page",
            note_zh="该链接既不是本登记簿的标志，也不是证书页面",
        )
    labelled = _CODE_LABEL.match(cleaned)
    if labelled:
        return Input(text, "credit_code", _compact(labelled.group("value")))
    labelled = _NAME_LABEL.match(cleaned)
    if labelled and _looks_like_name(labelled.group("value")):
        return Input(text, "name", labelled.group("value").strip())
    labelled = _NUMBER_LABEL.match(cleaned)
    if labelled:
        value = _compact(labelled.group("value"))
        if _TOKEN.match(value):
            return Input(text, "token", value)
        if NUMBER_RE.match(value):
            return Input(text, "number", value)
    compact = _compact(cleaned)
    if len(compact) == 18 and credit_code_problem(compact) is None:
        return Input(text, "credit_code", compact)
    if _TOKEN.match(compact):
        return Input(text, "token", compact)
    # Real certificate numbers carry digits and no spaces inside; names carry letters or Chinese.
    if NUMBER_RE.match(compact) and any(c.isdigit() for c in compact) and " " not in cleaned.strip():
        return Input(text, "number", compact)
    if _looks_like_name(cleaned):
        return Input(text, "name", cleaned)
    return Input(
        text,
        "unknown",
        note_en="not a certificate number, mark, credit code or organisation name",
        note_zh="不是证书编号、标志、统一社会信用代码或组织名称",
    )


def _looks_like_name(text: str) -> bool:
    key = name_key(text)
    if _CJK.search(text):
        return len(key) >= 2
    # An English name has at least two words of letters ("Acme Trading Co., Ltd.").
    words = re.findall(r"[A-Za-z]{2,}", text)
    return len(words) >= 2 and len(key) >= 4
