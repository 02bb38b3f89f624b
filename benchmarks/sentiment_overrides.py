"""Simulation: a workspace learns from its overrides. After N overrides, how accurate is the
engine on the texts nobody overrode?

    python benchmarks/sentiment_overrides.py [--seeds 5] [--png docs/sentiment-overrides.png]

Per corpus (the dev halves of the four human-rated corpora; each plays one workspace whose kind
of text nobody tuned for): the machine scores come from the default engine fitted on the OTHER
three corpora only (leave one corpus out). The sentences are shuffled; the last 40 % are the evaluation texts; a person
"overrides" the first N with the human mean rating, the workspace fits its OverrideLexicon on
those N, and the 3-class accuracy (±0.05) on the evaluation texts is measured. Mean of several
shuffles. Writes benchmarks/out/sentiment_overrides.json and, with --png, a chart drawn with
QtGui (offscreen).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import sentiment_fit as sf  # noqa: E402
from _common import table, write_json  # noqa: E402

from orm_desktop.analysis.sentiment import OverrideLexicon, apply_rules  # noqa: E402
from orm_desktop.types import label_for  # noqa: E402

STEPS = (0, 25, 50, 100, 200, 400, 800)


def simulate(seeds: int = 5) -> list[dict]:
    rows = sf.load_corpora()
    sf.featurize(rows)
    from orm_desktop.analysis.sentiment_model import MixtureModel

    out = []
    for corpus in sf.CORPORA:
        idx = [i for i, r in enumerate(rows) if r["corpus"] == corpus]
        model = MixtureModel(sf.fit([r for r in rows if r["corpus"] != corpus]))
        machine = {i: apply_rules(rows[i]["text"], model.score(rows[i]["dense"], rows[i]["words"], rows[i]["text"]))
                   for i in idx}
        acc = {n: 0.0 for n in STEPS}
        for seed in range(seeds):
            order = idx[:]
            random.Random(seed).shuffle(order)
            test = order[int(len(order) * 0.6):]
            pool = order[:int(len(order) * 0.6)]
            for n in STEPS:
                lex = OverrideLexicon.fit([(rows[i]["text"], machine[i], rows[i]["y"]) for i in pool[:n]])
                hits = 0
                for i in test:
                    s = max(-1.0, min(1.0, machine[i] + lex.adjust(rows[i]["text"])))
                    hits += label_for(s) == label_for(rows[i]["y"])
                acc[n] += hits / len(test) / seeds
        out.append({"corpus": corpus, **{f"N={n}": round(acc[n], 3) for n in STEPS}})
    return out


def plot(rows: list[dict], path: Path) -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

    _app = QGuiApplication.instance() or QGuiApplication([])
    w, h, left, right, top, bottom = 900, 520, 70, 200, 40, 60
    img = QImage(w, h, QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setFont(QFont("Sans", 10))
    lo = min(min(r[f"N={n}"] for n in STEPS) for r in rows) - 0.02
    hi = max(max(r[f"N={n}"] for n in STEPS) for r in rows) + 0.02

    def xy(i: int, v: float) -> QPointF:
        return QPointF(left + i * (w - left - right) / (len(STEPS) - 1),
                       top + (hi - v) / (hi - lo) * (h - top - bottom))

    p.setPen(QPen(QColor("#999999")))
    for k in range(6):
        v = lo + k * (hi - lo) / 5
        y = xy(0, v).y()
        p.drawLine(QPointF(left, y), QPointF(w - right, y))
        p.drawText(QRectF(0, y - 8, left - 6, 16), Qt.AlignmentFlag.AlignRight, f"{v:.2f}")
    for i, n in enumerate(STEPS):
        pt = xy(i, lo)
        p.drawText(QRectF(pt.x() - 30, h - bottom + 6, 60, 16), Qt.AlignmentFlag.AlignCenter, str(n))
    p.setPen(QColor("black"))
    p.drawText(QRectF(0, 8, w, 20), Qt.AlignmentFlag.AlignCenter,
               "Accuracy on texts nobody overrode, after N overrides in the workspace")
    p.drawText(QRectF(0, h - 28, w - right, 20), Qt.AlignmentFlag.AlignCenter, "N overrides")
    colours = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")
    for k, (r, c) in enumerate(zip(rows, colours, strict=False)):
        p.setPen(QPen(QColor(c), 2.5))
        pts = [xy(i, r[f"N={n}"]) for i, n in enumerate(STEPS)]
        for a, b in zip(pts, pts[1:], strict=False):
            p.drawLine(a, b)
        p.drawText(QRectF(w - right + 10, top + 20 * k, right - 10, 16), Qt.AlignmentFlag.AlignLeft, r["corpus"])
    p.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(path))


def main() -> None:
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--seeds", type=int, default=5)
    a.add_argument("--png", type=Path, help="also draw the curve to this PNG")
    args = a.parse_args()
    rows = simulate(args.seeds)
    print(table(rows, list(rows[0])))
    write_json("sentiment_overrides", {"steps": list(STEPS), "seeds": args.seeds, "rows": rows})
    if args.png:
        plot(rows, args.png)
        print(f"wrote {args.png}")


if __name__ == "__main__":
    main()
