"""Clean free text that people type before it is stored and shown to others.

A text can look empty and not be (zero-width spaces only), or show something other
than what it holds (a right-to-left override turns "gpj.exe" into "exe.jpg"). Those
characters have no use in a report, a note or a title in Kazakh, Russian or English,
so they are removed on the way in, with control characters other than line breaks
and tabs. Letters, digits, punctuation and emoji are kept as they are.
"""

from __future__ import annotations

import unicodedata

# Zero-width and invisible characters, and every bidirectional embedding, override,
# isolate and mark (Unicode's Bidi_Control property).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
KEPT_CONTROLS = frozenset("\n\t")


def clean_text(value: str) -> str:
    """Return the text without invisible, bidirectional and control characters, trimmed."""
    return "".join(
        ch
        for ch in value
        if ch not in INVISIBLE
        and (ch in KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn"))
    ).strip()


def is_blank(value: str) -> bool:
    """Tell whether a text shows nothing: only spaces, marks and format characters."""
    return not any(
        unicodedata.category(ch) not in ("Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me") for ch in value
    )
