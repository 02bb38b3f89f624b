"""What each role of a team workspace may and may not do, tried on the local PostgreSQL server.

    python benchmarks/team_permissions.py

Creates a throw-away database and roles (orm_test_<random>, dropped afterwards), logs in as each
role over a raw psycopg connection and prints (role, attempt, expected, outcome, the database's
error), plus the time each transition function takes. Writes benchmarks/out/team_permissions.json.
"""

from __future__ import annotations

import statistics
import time

from _common import table, write_json


def main() -> int:
    from tests import team_scenario as ts

    if (lab := ts.TeamLab.for_benchmark("team_permissions")) is None:
        return 2
    try:
        for role in ts.ROLES:
            ts.run_role(lab, role)
        print(ts.table(lab.results))
        timings = {"create draft": [], "submit": [], "approve": [], "send": []}
        for _ in range(20):
            t0 = time.perf_counter()
            rid = lab.draft("alice")
            t1 = time.perf_counter()
            lab.step("alice", rid, "submit")
            t2 = time.perf_counter()
            lab.step("pat", rid, "approve")
            t3 = time.perf_counter()
            lab.step("alice", rid, "send")
            t4 = time.perf_counter()
            for k, a, b in (("create draft", t0, t1), ("submit", t1, t2), ("approve", t2, t3), ("send", t3, t4)):
                timings[k].append((b - a) * 1000)
        rows = [{"what": k, "median ms": statistics.median(v), "max ms": max(v)} for k, v in timings.items()]
        print()
        print(table(rows, ["what", "median ms", "max ms"]))
        wrong = [a for a in lab.results if not a.ok]
        server = lab.conns["owner"].execute("SHOW server_version").fetchone()[0]
    finally:
        lab.teardown()
    path = write_json("team_permissions", {
        "server_version": server,
        "attempts": [{"role": a.role, "attempt": a.attempt, "expected": a.expected, "outcome": a.outcome,
                      "detail": a.detail} for a in lab.results],
        "unexpected": len(wrong), "transition_ms": rows})
    print(f"\n{len(lab.results)} attempts, {len(wrong)} unexpected; {path}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
