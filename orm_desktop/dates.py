"""How a mention's (or a response's) moment reads wherever it is shown. No Qt.

Every period is counted in whole UTC days ("Last N days", the charts' days, the reports, the
command line: README), the PDF prints its times in UTC and the command line ISO times with a
"Z". Moments are shown in UTC too, so that a mention the inbox calls "Today" is one the
Dashboard counts on today's bar, and the crisis timeline on the Dashboard reads the times of
the crisis report. In local time the two disagreed wherever the local day is not the UTC day
(Auckland: the 23:59 UTC story read "Today 12:59" in the inbox, on yesterday's bar of the chart).
"""

from __future__ import annotations

import datetime as dt
import time


def utc(ts: int | float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts, dt.UTC)


def short(ts: int | float, now: int | float | None = None) -> str:
    """A list's date: "Today 14:05", "28 Nov 14:05" (this year), "28 Nov 2025" (UTC)."""
    d, today = utc(ts), utc(time.time() if now is None else now).date()
    if d.date() == today:
        return d.strftime("Today %H:%M")
    if d.year == today.year:
        return d.strftime("%d %b %H:%M")
    return d.strftime("%d %b %Y")


def stamp(ts: int | float) -> str:
    """A timeline's moment: "30 Nov 14:05" (UTC), as the crisis report prints it."""
    return utc(ts).strftime("%d %b %H:%M")


def dated(ts: int | float) -> str:
    """A moment with its year: "30 Nov 2026 14:05 UTC" (an evidence capture, an acknowledgement,
    the mention beside a draft)."""
    return utc(ts).strftime("%d %b %Y %H:%M UTC")


def long(ts: int | float) -> str:
    """The reading pane's moment: "Monday 30 November 2026, 14:05 UTC"."""
    return utc(ts).strftime("%A %d %B %Y, %H:%M UTC")
