"""What people type or paste, read as they meant it: full-width IME input, invisible characters, dashes."""

from __future__ import annotations

import unicodedata

# Dashes that look like '-' but are not: hyphens, figure/en/em dashes, minus signs, small and
# full-width hyphen-minus (NFKC already folds the last two; they are listed for readers).
DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2796\ufe58\ufe63\uff0d\u30fc")
# Characters that show nothing but are not in category Cf (format), which is removed wholesale.
INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0")


def is_invisible(ch: str) -> bool:
    """Zero-width spaces and joiners, soft hyphens, bidi controls, BOMs and other marks that print nothing."""
    return ch in INVISIBLE or (unicodedata.category(ch) in ("Cf", "Cc") and ch not in "\t\n\r")


def normalise_input(text: str) -> str:
    """A verification input as meant: NFKC (full-width to ASCII), invisible characters dropped, dashes as '-'.

    `ＺＨＱ－２０２６－０００１`, `ZHQ-2026\u200b-0001` and `ZHQ\u20132026-0001` all read `ZHQ-2026-0001`.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join("-" if ch in DASHES else ch for ch in folded if not is_invisible(ch))
