"""Weekly report time over a period holding >= 10,000 mentions (budget <= 5 s).

    python benchmarks/report_bench.py [--mentions 1000000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import cached_workspace, table, write_json


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    a = p.parse_args()
    from orm_desktop.reports import data
    from orm_desktop.reports.render import to_pdf
    from orm_desktop.service import Service
    from orm_desktop.types import MentionFilter

    svc = Service.open(cached_workspace(a.mentions))
    now = int(time.time())
    brand = svc.entity("Acme")
    days = 7
    while svc.count_mentions(MentionFilter(entity_ids=(brand.id,), since=now - days * 86400)) < 10_000:
        days += 7
    since, until = now - days * 86400, now + 86400
    n = svc.count_mentions(MentionFilter(entity_ids=(brand.id,), since=since, until=until))
    t = time.perf_counter()
    d = data.build(svc, "weekly", since=since, until=until)
    t_data = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        pages = to_pdf(d, Path(tmp) / "weekly.pdf")
        t_render = time.perf_counter() - t
    rows = [{"measure": f"weekly report data, {n:,} brand mentions in {days} days", "seconds": round(t_data, 2)},
            {"measure": f"render {pages} pages to PDF", "seconds": round(t_render, 2)},
            {"measure": "total (budget 5 s)", "seconds": round(t_data + t_render, 2)}]
    print(table(rows, ["measure", "seconds"]))
    write_json("report", {"rows": rows, "mentions_in_period": n, "pages": pages})


if __name__ == "__main__":
    main()
