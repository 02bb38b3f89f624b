"""How long showing a page blocks the GUI's event loop, on the generated workspace (offscreen):
the Dashboard, Competitors and an executive's personal-brand page, each opened from the inbox
(first visit and later visits) and with its period changed. A 10 ms QTimer ticks while the page
loads and paints; the longest gap between two ticks is the longest time the window froze. Also
how long until the page's content is shown (its data loads in the background). The cached
workspace is copied and its brand put in crisis mode (the Dashboard then lists the crisis's
first coverage). Each run in a fresh process; median of --runs.

    python benchmarks/pages.py [--mentions 300000] [--runs 3] [--visits 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

from _common import OUT, cached_workspace, copy_workspace, table, write_json

CHILD = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
import orm_desktop.ui.main_window as mw
mw.WARM_WORKERS_MS = 10 ** 9  # no refresh worker processes starting in the middle of a measurement
from orm_desktop.service import Service
from orm_desktop.ui.main_window import MainWindow

visits = int(sys.argv[2])
svc = Service.open(Path(sys.argv[1]))
win = MainWindow(svc)
win.resize(1400, 880)
win.show()
exe = next(e.name for e in svc.entities() if e.kind == "executive")


def spin(seconds):
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def measure(action, page):
    # the longest gap between ticks of a 10 ms timer while ``action`` runs from the event loop,
    # the page's content arrives (``loaded``; a synchronous page: its new body, seen by the timer) and
    # the window paints it (the next 300 ms). A real event loop: a processEvents() loop in
    # Python would hold the GIL against the worker that loads the page (twice as slow).
    ticks, shown = [], []
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    before = page.scroll.widget()

    def tick():
        ticks.append(time.perf_counter())
        if getattr(page, "loaded", None) is None and page.scroll.widget() is not before:
            done()  # a page built synchronously (before the pages loaded in the background)

    timer.timeout.connect(tick)

    def done():
        if not shown:
            shown.append(time.perf_counter() - t0)
            QTimer.singleShot(300, loop.quit)

    if getattr(page, "loaded", None) is not None:
        page.loaded.connect(done)
    timer.start()
    spin(0.05)
    t0 = time.perf_counter()
    QTimer.singleShot(0, action)
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    timer.stop()
    if getattr(page, "loaded", None) is not None:
        page.loaded.disconnect(done)
    if not shown:
        raise SystemExit("the page never showed its content")
    gaps = [b - a for a, b in zip(ticks, ticks[1:]) if b > t0]
    return {"block_ms": max(gaps) * 1000, "shown_ms": shown[0] * 1000}


spin(1.0)  # the inbox's first page and count
win.runner.wait(30_000)
spin(0.2)
out = {}
for label in ("Dashboard", "Competitors", exe):
    page = win.pages[label]
    key = "Executive" if label == exe else label
    for i in range(visits):
        win.show_page("Inbox")
        spin(0.1)
        out.setdefault(f"{key} visit", []).append(measure(lambda label=label: win.show_page(label), page))
    for days in (7, 90, 30):
        out.setdefault(f"{key} period", []).append(measure(lambda days=days, page=page: page.set_days(days), page))
first = {k: v[0] for k, v in out.items() if k.endswith("visit")}
later = {k: v[1:] for k, v in out.items() if k.endswith("visit")}
print(json.dumps({
    "first": first,
    "later": {k: {"block_ms": max(x["block_ms"] for x in v), "shown_ms": max(x["shown_ms"] for x in v)}
              for k, v in later.items()},
    "period": {k: {"block_ms": max(x["block_ms"] for x in v), "shown_ms": max(x["shown_ms"] for x in v)}
               for k, v in out.items() if k.endswith("period")},
}))
win.close()
"""

PREP = r"""
import sys
from pathlib import Path
from orm_desktop.service import Service
svc = Service.open(Path(sys.argv[1]))
brand = next(e for e in svc.entities() if e.kind == "brand")
if not svc.crises():
    svc.crisis_on(brand.name, by="benchmark")
print(svc.crises())
"""


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=300_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--visits", type=int, default=3, help="visits of each page per run (the first is the first)")
    a = p.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": root}
    ws = copy_workspace(cached_workspace(a.mentions), OUT / f"pages-ws-{a.mentions}")
    subprocess.run([sys.executable, "-c", PREP, str(ws)], cwd=root, env=env, check=True, capture_output=True)
    runs = []
    for _ in range(a.runs):
        out = subprocess.run([sys.executable, "-c", CHILD, str(ws), str(a.visits)], capture_output=True, text=True,
                             cwd=root, env=env)
        if out.returncode:
            raise SystemExit(out.stderr)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    rows = []
    for page in ("Dashboard", "Competitors", "Executive"):
        for when, key in (("first visit", "first"), ("later visits", "later"), ("period change", "period")):
            name = f"{page} {'period' if key == 'period' else 'visit'}"
            block = statistics.median(r[key][name]["block_ms"] for r in runs)
            shown = statistics.median(r[key][name]["shown_ms"] for r in runs)
            rows.append({"page": "Executive (personal brand)" if page == "Executive" else page, "when": when,
                         "longest block ms": round(block), "content shown ms": round(shown)})
    print(f"{a.mentions:,} mentions; median of {a.runs} fresh processes (later visits and period changes: "
          "the worst of each run)")
    print(table(rows, ["page", "when", "longest block ms", "content shown ms"]))
    write_json("pages", {"mentions": a.mentions, "runs": runs, "rows": rows})


if __name__ == "__main__":
    main()
