"""How scores, deltas and shares read, wherever they are shown (GUI, reports, CLI, mails). No Qt.

Python's signed formats print a zero with a sign: ``f"{0:+d}"`` is "+0", ``f"{0.0:+.0%}"`` "+0%",
and a tiny negative that rounds to zero is "-0.00" or "-0%". A zero here reads "0", "0.00" or
"0%", with no sign, and only a value that shows as non-zero has one. A value that is not a
number (a share of a zero total, NaN, infinity, None) reads ``NOT_A_NUMBER`` ("–"), never "nan%".
"""

from __future__ import annotations

import math

NOT_A_NUMBER = "–"  # an en dash: "no value", not a zero


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def _unsigned_zero(text: str) -> str:
    """``text`` (a signed number, maybe with a unit) without its sign when its digits are all zero."""
    return text[1:] if text[:1] in "+-" and not text.strip("+-0.%").strip() else text


def signed(x: float | None, digits: int = 2) -> str:
    """A score or its change: "+0.38", "-0.10", "0.00" (never "+0.00" or "-0.00")."""
    return _unsigned_zero(f"{x:+.{digits}f}") if _finite(x) else NOT_A_NUMBER


def signed_int(n: int | None) -> str:
    """A change in a count: "+3", "-2", "0"."""
    return NOT_A_NUMBER if n is None else _unsigned_zero(f"{n:+d}")


def signed_pct(x: float | None) -> str:
    """A ratio as a signed percentage: "+12%", "-3%", "0%" (0.004 and -0.004 too)."""
    return _unsigned_zero(f"{x:+.0%}") if _finite(x) else NOT_A_NUMBER


def signed_pts(x: float | None) -> str:
    """A change of a ratio in percentage points: "+5 pts", "-2 pts", "0 pts"."""
    return _unsigned_zero(f"{x * 100:+.0f}") + " pts" if _finite(x) else NOT_A_NUMBER


def pts_between(now: float | None, before: float | None) -> str:
    """The change between two ratios as they are shown (whole percent each): "+13 pts" between
    "0%" and "+13%". From the unrounded values (0.126 - 0.004) it read "+12 pts"."""
    if not (_finite(now) and _finite(before)):
        return NOT_A_NUMBER
    return signed_pts((_shown(f"{now:.0%}"[:-1]) - _shown(f"{before:.0%}"[:-1])) / 100)


def change_between(now: float | None, before: float | None, digits: int = 2) -> str:
    """The change between two scores as they are shown (``digits`` decimals each): "-0.16"
    between "+0.47" and "+0.31". From the unrounded values (0.3149 - 0.4651) it read "-0.15"."""
    if not (_finite(now) and _finite(before)):
        return NOT_A_NUMBER
    return signed(_shown(f"{now:.{digits}f}") - _shown(f"{before:.{digits}f}"), digits)


def _shown(text: str) -> float:
    return float(text)


def pct(x: float | None) -> str:
    """An unsigned share: "42%"; not a number: "–"."""
    return f"{x:.0%}" if _finite(x) else NOT_A_NUMBER


def share(part: int | float, whole: int | float) -> str:
    """``part`` of ``whole`` as a percentage; "–" when the whole is zero (nothing to share)."""
    return pct(part / whole) if whole else NOT_A_NUMBER


def shows_sign(text: str) -> int:
    """+1, -1 or 0: the sign a formatted value shows (for its colour: a zero is not coloured)."""
    return 1 if text.startswith("+") else -1 if text.startswith("-") else 0
