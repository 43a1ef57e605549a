"""The page language: `?lang=`, then Accept-Language, then Chinese."""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")


def current_lang() -> str:
    """`zh` or `en` for the current request."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    best = request.accept_languages.best_match(["zh", "zh-CN", "en"], default="zh")
    return "en" if best.startswith("en") else "zh"


def pick(zh: str, en: str) -> str:
    """The text in the current language (falling back to Chinese when no English exists)."""
    return en if current_lang() == "en" and en else zh
