"""An empty or nearly empty workspace, and small numbers: the pages and reports say what is missing
and what to do instead of showing blank charts and tables, a zero reads "0" / "0.00" / "0%" with no
sign (never "+0", "-0.00" or "+0%"), and the inbox's filters fit a 1024 px wide window."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")


DAY = 86400
ROOT = Path(__file__).resolve().parents[1]


# -- zeros read "0", "0.00", "0%": Python's "+" formats printed "+0", "+0%", "-0.00" for a zero or a
# tiny negative (the dashboard's "+0 vs previous period", the inbox's "neutral +0.00", a report's
# "+0 pts") ------------------------------------------------------------------------------------------
def test_zero_and_tiny_values_read_without_a_sign():
    from orm_desktop.numbers import pct, share, signed, signed_int, signed_pct, signed_pts

    assert [signed(x) for x in (0.0, -0.0, -0.004, 0.004, 0.38, -0.1)] == ["0.00"] * 4 + ["+0.38", "-0.10"]
    assert signed(-0.04, 1) == "0.0" and signed(0.5, 1) == "+0.5"
    assert [signed_int(n) for n in (0, 3, -2)] == ["0", "+3", "-2"]
    assert [signed_pct(x) for x in (0.0, -0.004, 0.004, 0.12, -0.03)] == ["0%", "0%", "0%", "+12%", "-3%"]
    assert [signed_pts(x) for x in (0.0, -0.004, 0.05, -0.02)] == ["0 pts", "0 pts", "+5 pts", "-2 pts"]
    assert [signed(float("nan")), signed_pct(float("inf")), pct(float("nan")), share(3, 0)] == ["–"] * 4
    assert (share(1, 4), pct(0.0)) == ("25%", "0%")


def test_no_signed_number_format_is_left_outside_the_helper():
    """Every "+" format goes through orm_desktop.numbers (a new one would print "+0" again)."""
    signed_format = re.compile(r"\{[^{}'\"]*:\+[^{}]*\}")
    offenders = [f"{p.relative_to(ROOT)}:{i}" for p in sorted((ROOT / "orm_desktop").rglob("*.py"))
                 if p.name != "numbers.py"
                 for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if signed_format.search(line)]
    assert offenders == []


def test_a_report_on_an_empty_period_reads_zeros_without_signs(demo_service):
    from orm_desktop.reports import data

    since = int(time.time()) - 800 * DAY
    d = data.build(demo_service, "weekly", since=since, until=since + 7 * DAY, checkpoint=False)
    assert d.empty
    changes = [k.change for k in d.kpis]
    assert not any(re.match(r"[+-]0(\D|$)", c) for c in changes), changes

