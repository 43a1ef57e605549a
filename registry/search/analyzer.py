"""Text analysis for the index: a thin jieba tokenizer for Chinese, bigrams for recall, English words."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import STOP_WORDS, LowercaseFilter, NgramTokenizer, RegexTokenizer, StopFilter, Token, Tokenizer

# A token worth indexing: at least one letter, digit or CJK character (drops punctuation and spaces).
_WORDY = re.compile(r"[\w\u3400-\u9fff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LOCK = threading.Lock()
_jieba: Any = None


def load_jieba() -> Any:
    """Import jieba and load its dictionary once per process (about 1 s, 120 MiB).

    Called before gunicorn forks (see `registry.search.preload`) so workers share the pages,
    and lazily on first use elsewhere; never at import time.
    """
    global _jieba
    if _jieba is None:
        with _LOCK:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def normalise(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, no control characters."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text).lower()


def jieba_words(text: str, mode: str = "search") -> list[str]:
    """Words of `text` as jieba segments them ("search" mode adds the shorter words inside long ones)."""
    jieba = load_jieba()
    return [w for w, _s, _e in jieba.tokenize(text, mode=mode) if _WORDY.search(w)]


def _segment(text: str) -> tuple[tuple[str, int, int], ...]:
    jieba = load_jieba()
    return tuple((w.strip(), s, e) for w, s, e in jieba.tokenize(normalise(text), mode="search") if _WORDY.search(w))


# Scopes repeat across thousands of certificates (a few thousand distinct texts in 100,000):
# segment each once. Names are nearly all distinct, so caching them would only evict scopes.
_segment_cached = functools.lru_cache(maxsize=16384)(_segment)


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer over `jieba.tokenize`: much lighter than jieba's own ChineseAnalyzer."""

    cached = False

    def __init__(self, cached: bool = False) -> None:
        self.cached = cached

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        for word, start, end in (_segment_cached if self.cached else _segment)(value):
            token.text = word
            token.boost = 1.0
            if keeporiginal:
                token.original = token.text
            token.stopped = False
            if positions:
                token.pos = pos
                pos += 1
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def chinese_analyzer(*, repetitive: bool = False) -> Any:
    """Jieba words; `repetitive` for fields whose texts recur across documents (cached segmentation)."""
    return JiebaTokenizer(cached=repetitive)


def bigram_analyzer() -> Any:
    # Every two-character window: a name fragment is found even where jieba cuts it differently.
    return NgramTokenizer(minsize=2, maxsize=2)


def english_analyzer(*, stop: bool = False) -> Any:
    """Latin words, lower-cased; `stop` drops stop words (and, of, the ...), for long prose fields."""
    analyzer = RegexTokenizer(r"[\w\u3400-\u9fff]+") | LowercaseFilter()
    return analyzer | StopFilter(minsize=1) if stop else analyzer


def is_stop_word(word: str) -> bool:
    return word in STOP_WORDS


def cjk_runs(text: str) -> list[str]:
    """The runs of Chinese characters in `text`."""
    return _CJK_RUN.findall(text)


def bigrams(text: str) -> list[str]:
    """Two-character windows of a run, in order, without repeats."""
    seen: dict[str, None] = {}
    for i in range(len(text) - 1):
        seen.setdefault(text[i : i + 2], None)
    return list(seen)
