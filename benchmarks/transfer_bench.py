"""Offline snapshot and team push times (issue 15): a snapshot of 30 and 365 days from the
generated SQLite workspace, `team push` of the whole workspace into a new PostgreSQL database
(counts and audit chain verified before commit), and a 30-day snapshot from that team database.

    python benchmarks/transfer_bench.py [--mentions 100000] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from _common import cached_workspace, copy_workspace, table, write_json


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=100_000)
    p.add_argument("--pg", default=os.environ.get("ORM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"),
                   help="a PostgreSQL maintenance URL allowed to CREATE DATABASE")
    a = p.parse_args()
    import psycopg

    from orm_desktop.service import Service

    rows = []

    def measure(what: str, fn) -> dict:
        t = time.perf_counter()
        result = fn()
        s = time.perf_counter() - t
        n = sum(result["rows"].values())
        rows.append({"measure": what, "rows": n, "mentions": result["rows"].get("mentions", 0),
                     "seconds": round(s, 2), "rows/s": int(n / s) if s else 0})
        return result

    name = f"orm_bench_push_{secrets.token_hex(3)}"
    url = urlunsplit(urlsplit(a.pg)._replace(path="/" + name))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "state")  # the team workspace's local folder
        src = Service.open(copy_workspace(cached_workspace(a.mentions), Path(tmp) / "ws"))
        for days in (30, 365):
            measure(f"snapshot {days} days, SQLite -> SQLite", lambda d=days: src.take_snapshot(
                Path(tmp) / f"snap-{d}", days=d))
        with psycopg.connect(a.pg, autocommit=True) as c:
            c.execute(f"CREATE DATABASE {name}")
        try:
            measure("team push, SQLite -> PostgreSQL (verified)", lambda: src.push_to_team(url))
            team = Service.open(url)
            measure("snapshot 30 days, PostgreSQL -> SQLite", lambda: team.take_snapshot(
                Path(tmp) / "snap-pg", days=30))
            team.close()
        finally:
            src.close()
            with psycopg.connect(a.pg, autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(table(rows, ["measure", "rows", "mentions", "seconds", "rows/s"]))
    write_json("transfer", {"mentions": a.mentions, "rows": rows})


if __name__ == "__main__":
    main()
