"""Checks on certificate input, each naming the field at fault in English and Chinese."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from confusable_homoglyphs import categories

from registry.errors import FieldError, ValidationError
from registry.organisations.business_types import BUSINESS_TYPES
from registry.organisations.validation import credit_code_problem, region_problem
from registry.schemes.models import Scheme

NUMBER_RE = re.compile(r"^[A-Z0-9/-]{4,40}$")
# China has kept one offset and no daylight saving since 1991: certificate dates are local.
CHINA_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def today() -> dt.date:
    """Today's date in China, where certificate dates are set."""
    return dt.datetime.now(CHINA_TZ).date()


def normalise_number(raw: str) -> str:
    """Certificate numbers are case-insensitive; the register keeps them upper-case."""
    return raw.strip().upper()


# UTS #39 confusables among the characters a number may hold (upper-cased): O/0, I/L/1.
_SKELETON = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATOR_RUNS = re.compile(r"[-/]+")


def number_skeleton(number: str) -> str:
    """What a number looks like: O and 0, I, l and 1 alike; any run of '-' and '/' one separator.

    Two numbers with the same skeleton are refused as different certificates (`UNI-O008`, `UNI-0008`).
    """
    return _SEPARATOR_RUNS.sub("-", number.upper().translate(_SKELETON)).strip("-")


def number_problem(number: str) -> FieldError | None:
    """Why `number` is not a well-formed certificate number, or None."""
    if not NUMBER_RE.match(number):
        return FieldError(
            "number",
            "must be 4-40 characters of letters, digits, '-' and '/'",
            "证书编号应为 4-40 位字母、数字、'-' 或 '/'",
        )
    return None


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_expiry(issued: dt.date, scheme: Scheme) -> dt.date:
    """The last day of validity for a certificate issued on `issued` under `scheme`."""
    return add_months(issued, scheme.validity_months) - dt.timedelta(days=1)


def parse_score(value: Any) -> Decimal:
    """A score as a Decimal with at most two places; raises ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    try:
        score = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not score.is_finite() or score != score.quantize(Decimal("0.01")):
        raise ValueError("at most two decimal places")
    return score


def score_out(score: Decimal) -> int | float:
    """A stored score as a JSON number: an integer when whole."""
    return int(score) if score == score.to_integral_value() else float(score)


@dataclass
class Collector:
    """Gathers every field error before raising, so a user fixes them all at once."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, fld: str, message: str, message_zh: str) -> None:
        self.errors.append(FieldError(fld, message, message_zh))

    def check(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# Scripts that legitimately share one word (UTS #39 "highly restrictive"); Common and Inherited
# (digits, punctuation, marks) go with any.
_SCRIPT_SETS = (
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
)
_NEUTRAL_SCRIPTS = {"COMMON", "INHERITED"}


def name_problem(name: str) -> tuple[str, str] | None:
    """Why a holder name could deceive (en, zh): invisible or bidi control characters, or a word
    that mixes scripts (a Cyrillic 'а' among Latin letters); None when it is plain."""
    from registry.normalise import is_invisible

    hidden = [ch for ch in name if is_invisible(ch) or ch in "\t\n\r"]
    if hidden:
        return (
            f"contains an invisible or direction-control character (U+{ord(hidden[0]):04X})",
            f"含有不可见字符或文字方向控制字符（U+{ord(hidden[0]):04X}）",
        )
    for word in re.findall(r"\w+", name):
        scripts = categories.unique_aliases(word) - _NEUTRAL_SCRIPTS
        if len(scripts) > 1 and not any(scripts <= allowed for allowed in _SCRIPT_SETS):
            mixed = " and ".join(sorted(scripts)).lower()
            return (
                f"the word {word!r} mixes {mixed} letters, which can look alike",
                f"词语 {word!r} 混用了多种文字（{mixed}），容易混淆",
            )
    return None


def check_holder(c: Collector, holder: dict[str, Any]) -> None:
    """Check a holder's fields (already typed as strings)."""
    if not holder.get("name_zh", "").strip():
        c.add("holder.name_zh", "is required", "必填")
    for fld in ("name_zh", "name_en"):
        problem = name_problem(holder.get(fld) or "")
        if problem:
            c.add(f"holder.{fld}", *problem)
    problem = credit_code_problem(holder.get("credit_code", ""))
    if problem:
        c.add("holder.credit_code", *problem)
    problem = region_problem(holder.get("region", ""))
    if problem:
        c.add("holder.region", *problem)
    if holder.get("business_type") not in BUSINESS_TYPES:
        c.add(
            "holder.business_type",
            f"must be one of {', '.join(BUSINESS_TYPES)}",
            f"应为以下之一：{', '.join(BUSINESS_TYPES)}",
        )


def check_rating(c: Collector, scheme: Scheme, star_level: Any, score: Any) -> Decimal | None:
    """Check star level and score against the scheme; returns the parsed score."""
    if not isinstance(star_level, int) or isinstance(star_level, bool) or not 1 <= star_level <= 5:
        c.add("star_level", "must be a whole number from 1 to 5", "星级应为 1 到 5 的整数")
        star_level = None
    try:
        parsed = parse_score(score)
    except ValueError as exc:
        c.add("score", f"must be a number ({exc})", "分数应为数字（最多两位小数）")
        return None
    if not 0 <= parsed <= scheme.max_score:
        c.add(
            "score",
            f"must be between 0 and {scheme.max_score} under {scheme.code}",
            f"在 {scheme.code} 下分数应在 0 到 {scheme.max_score} 之间",
        )
        return None
    if star_level is not None:
        earned = scheme.star_for_score(float(parsed))
        if earned != star_level:
            if earned is None:
                c.add(
                    "star_level",
                    f"a score of {parsed} is below one star under {scheme.code} (minimum {scheme.thresholds[0]})",
                    f"在 {scheme.code} 下 {parsed} 分不足一星（最低 {scheme.thresholds[0]} 分）",
                )
            else:
                c.add(
                    "star_level",
                    f"a score of {parsed} earns {earned} stars under {scheme.code}, not {star_level}",
                    f"在 {scheme.code} 下 {parsed} 分对应 {earned} 星，而不是 {star_level} 星",
                )
    return parsed


def check_dates(c: Collector, issued: dt.date | None, expires: dt.date | None, day: dt.date) -> None:
    """Issued must be on or before expires, and not after `day` (the unit of work's today)."""
    if issued is not None and issued > day:
        c.add("issued", "cannot be in the future", "颁证日期不能晚于今天")
    if issued is not None and expires is not None and expires < issued:
        c.add("expires", "must be on or after the issue date", "有效期至不能早于颁证日期")
