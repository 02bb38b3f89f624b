"""Text folded the way Python's ``re`` compares characters under IGNORECASE, for cheap prefilters.

``fold(a) == fold(b)`` holds for every pair of characters a case-insensitive pattern character
matches (re's simple lower case plus its own extra equivalences: i/ı/İ, s/ſ, k/K, µ/μ, σ/ς, Greek
and Cyrillic variants), and ``fold`` keeps every character in place (one character in, one out).
So wherever a case-insensitive literal matches ``text`` at position p, the folded literal occurs
in ``fold(text)`` at p: a literal absent from the folded text cannot match. Also, no character
that is not a word character (``\\w``) folds to one (only ι, Ι and ι fold to U+0345, which is
not): a word-character run of a folded pattern that stands between non-word characters in the
pattern stands between non-word characters in the folded text too. tests/test_ingest_speed.py
checks all of this on every code point.

Only a prefilter: the answer itself always comes from the case-insensitive regex on the text.
"""

from __future__ import annotations


def _case_classes() -> dict[int, str] | None:
    """A translation table sending each character re's case-insensitive matching equates beyond
    lower-casing (i/ı, s/ſ, µ/μ, σ/ς, Greek and Cyrillic variants: re's own table) to one of
    its class, or None when that table is not available (then no folding: ``AVAILABLE`` False)."""
    try:
        from re._casefix import _EXTRA_CASES
    except ImportError:
        return None
    parent: dict[int, int] = {}

    def find(c: int) -> int:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for c, others in _EXTRA_CASES.items():
        for o in others:
            a, b = find(c), find(o)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {c: chr(find(c)) for c in {*parent, *_EXTRA_CASES}} | {0x130: "i"}


CASE_CLASSES = _case_classes()
AVAILABLE = CASE_CLASSES is not None


def fold(text: str) -> str:
    """Characters as re's IGNORECASE compares them: simple lower case (str.lower differs only
    for U+0130, mapped first), then one representative per class of re's extra equivalences.
    ASCII text is only lower-cased (the same answer: every ASCII character is its class's
    representative). Needs ``AVAILABLE``."""
    if text.isascii():
        return text.lower()
    assert CASE_CLASSES is not None
    return text.translate(CASE_CLASSES).lower().translate(CASE_CLASSES)
