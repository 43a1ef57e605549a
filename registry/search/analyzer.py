"""Text analysis for the index: one- and two-character grams of Chinese runs, Latin words.

Grams make the index a superset of the text rule (`registry.search.text`): a run of one or two
characters is found exactly by its gram, a longer run by the intersection of its bigrams, which
the backend then checks against the stored text. No dictionary segmentation is needed, so the
index answers every substring a person types, however a segmenter would cut it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import LowercaseFilter, RegexTokenizer, Token, Tokenizer

from registry.search.text import cjk_runs


def grams(run: str) -> list[str]:
    """The one- and two-character windows of a run of Chinese characters, without repeats."""
    seen: dict[str, None] = {}
    for i, ch in enumerate(run):
        seen.setdefault(ch, None)
        if i + 1 < len(run):
            seen.setdefault(run[i : i + 2], None)
    return list(seen)


def bigrams(run: str) -> list[str]:
    """The two-character windows of a run, in order, without repeats."""
    return list(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))


class CJKGramTokenizer(Tokenizer):
    """Whoosh tokenizer: every one- and two-character gram of every Chinese run in the (normalised) text."""

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
        for run in cjk_runs(value):
            for gram in grams(run):
                token.text = gram
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = gram
                if positions:
                    token.pos = pos
                    pos += 1
                yield token


def cjk_analyzer() -> Any:
    return CJKGramTokenizer()


def latin_analyzer() -> Any:
    """Latin words, lower-cased: the same words as `registry.search.text.latin_words`."""
    return RegexTokenizer(r"[A-Za-z0-9]+") | LowercaseFilter()
