"""Entity-targeted scoring of hostile text (a feed's body is untrusted): texts of 20-90 KB built
to make the rules' regexes backtrack — long runs of one character, of quotes, of question marks
or colons, the openings of the sarcasm, instruction, landmark and reassurance rules followed by
tens of thousands of words and never closed — scored toward "Acme" with ``score_toward``, as a
refresh does. Prints the CPU time of each; a case over ``--budget`` seconds (default 1) is a
regex that backtracks and exits with status 1.

    python benchmarks/hostile_scoring.py [--budget 1.0]

Writes benchmarks/out/hostile_scoring.json.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _common import table, write_json  # noqa: E402

from orm_desktop.analysis.sentiment import score_toward  # noqa: E402
from orm_desktop.ingest.query import EntityQuery  # noqa: E402

WORDS = ("Acme great awful thanks for the delay if your won't connect near the 'ultrafast' who needs a working "
         "idea of is no one was hurt effective 1 March swings and roundabouts").split()


def cases() -> dict[str, str]:
    rnd = random.Random(1)
    return {
        "one letter": "Acme " + "a" * 50000,
        "spaces": "Acme " + " " * 50000 + "x",
        "quotes": "Acme " + "'" * 20000 + " great",
        "question marks": "Acme what " + "?" * 20000,
        "colons": "Acme: " + ": " * 20000 + "how?",
        "instruction never closed": "If your Acme " + "x " * 20000 + ", check",
        "thanks for ...": "Thanks Acme for " + "the " * 20000,
        "rule words at random": " ".join(rnd.choice(WORDS) for _ in range(10000)),
        "digits and units": "Acme " + "1 " * 20000 + "kg has",
        "who needs ...": "Acme who needs " + "a " * 20000,
        "idea of ... is": "Acme's idea of a good " + "x " * 20000 + "is",
        "no one ... was hurt": "no one " + "x " * 20000 + "was hurt Acme",
        "landmark": "Acme " + "from the " * 10000 + "Acme terrace",
        "capitals": "Acme " + "A" * 50000,
        "capitalised words": "Acme " + "Abc " * 15000,
        "one sentence per word": "Acme. " + "Great. " * 10000,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--budget", type=float, default=1.0, help="CPU seconds a case may take")
    a = p.parse_args()
    spans = EntityQuery.parse('"Acme"').spans
    rows = []
    for name, text in cases().items():
        t = time.process_time()
        r = score_toward("", text, spans)
        cpu = time.process_time() - t
        rows.append({"case": name, "chars": len(text), "cpu_s": round(cpu, 3), "label": r.label,
                     "ok": "yes" if cpu <= a.budget else "OVER"})
    print(table(rows, list(rows[0])))
    write_json("hostile_scoring", {"budget_s": a.budget, "cases": rows})
    sys.exit(1 if any(r["ok"] != "yes" for r in rows) else 0)


if __name__ == "__main__":
    main()
