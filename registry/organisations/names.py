"""Organisation names as officers type them: one comparison key for every spelling of a name."""

from __future__ import annotations

import re
import unicodedata

# Legal-form spellings that name the same kind of company ("有限责任公司" is the full form of
# "有限公司"; English lists write "Co., Ltd." or "Company Limited").
_ZH_FORMS = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))
_EN_FORMS = (("company limited", "co ltd"), ("corporation", "corp"), ("limited", "ltd"), ("company", "co"))
_DROP = re.compile(r"[\s.,·•'\"“”‘’()\[\]（）【】《》<>、，。:：;；\-_/]+")


def name_key(name: str) -> str:
    """The comparison key of an organisation name: NFKC (full-width forms), no spaces or punctuation,
    lower case, legal forms in one spelling. Two names with the same key name the same holder."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = re.sub(r"\s+", " ", text).strip()
    for long, short in _ZH_FORMS:
        text = text.replace(long, short)
    for long, short in _EN_FORMS:
        text = re.sub(rf"\b{long}\b", short, text)
    return _DROP.sub("", text)[:300]
