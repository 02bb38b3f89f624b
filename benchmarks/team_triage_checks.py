"""What auditing triage, new drafts and a rule's mentions costs (store/postgres/roles.py, section 6b), on the local PostgreSQL.

    python benchmarks/team_triage_checks.py [--rounds 6]

On a throw-away team database (tests/team_scenario.py), in interleaved rounds "after" (the app
writes a mention.triage entry per triaged mention, the constraint triggers check them at COMMIT)
and "before" (the same Service call with no entry written and the new triggers disabled, as the
app did before): (1) one mention's status changed through the app (Service.set_status: an inbox
key), (2) 1,000 mentions archived in one call (a bulk archive), (3) a rule's 2,000 overrides with
their rule.apply entry listing the 2,000 ids (the override check now looks the mention up in the
list; "before": the same entry, the override and triage triggers disabled), (4) a new draft, row
and response.create entry; and the trigger functions' own time as PostgreSQL counts it
(track_functions). Writes benchmarks/out/team_triage_checks.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from _common import table, write_json

TRIGGERS = (("mentions", "mentions_team_triage_logged"), ("responses", "responses_team_created_logged"))
RULE_TRIGGERS = (("mentions", "mentions_team_override_logged"), ("mentions", "mentions_team_triage_logged"))


def main() -> int:
    from orm_desktop import identity
    from orm_desktop.service import Service
    from orm_desktop.store import team
    from tests import team_scenario as ts

    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=6, help="interleaved after/before rounds")
    args = ap.parse_args()
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="orm-bench-")  # the team workspace's local folder
    if (lab := ts.TeamLab.for_benchmark("team_triage_checks")) is None:
        return 2
    app = None
    try:
        owner = lab.conns["owner"]
        ada, bob = lab.tracking("ada", "bob")
        for k in lab.keys.values():
            identity.SESSION.add(k.private)
        ids = lab.bulk_mentions(2000)
        bulk = ids[:1000]
        rule = owner.execute("INSERT INTO rules (name, conditions, actions, created, updated) "
                             "VALUES ('s', '{}', '{\"sentiment\": -0.7}', 1, 1) RETURNING id").fetchone()[0]
        app = Service.open(ts.url(lab.login("bob"), lab.db))
        log_triage = app._log_triage

        def mode(after: bool, triggers=TRIGGERS) -> None:
            for t, name in triggers:
                owner.execute(f"ALTER TABLE {t} {'ENABLE' if after else 'DISABLE'} TRIGGER {name}")
            app._log_triage = log_triage if after else (lambda *_a: None)

        def one(n: int) -> float:
            t = time.perf_counter()
            app.set_status([ids[1500 + n % 400]], ("read", "flagged")[n % 2])
            return time.perf_counter() - t

        def thousand(n: int) -> float:
            t = time.perf_counter()
            app.set_status(bulk, ("archived", "read")[n % 2])
            return time.perf_counter() - t

        def rule_apply(n: int) -> float:
            return lab.timed_rule_apply("ada", rule, ids)

        def draft(n: int) -> float:
            t = time.perf_counter()
            lab.draft("bob", f"We are sorry ({n}).")
            return time.perf_counter() - t

        cases = {"triage 1 mention (Service.set_status)": (one, TRIGGERS, 1, 10),
                 "triage 1,000 mentions in one call": (thousand, TRIGGERS, 1000, 1),
                 "rule apply, 2,000 overrides + entry listing them": (rule_apply, RULE_TRIGGERS, 2000, 2),
                 "new draft (row + response.create entry)": (draft, TRIGGERS, 1, 10)}
        times = {name: {True: [], False: []} for name in cases}
        n = 0
        for r in range(args.rounds):
            for after in ((True, False) if r % 2 else (False, True)):
                for name, (fn, trig, _per, reps) in cases.items():
                    mode(after, trig)
                    fn(n)  # warm after the ALTER (plans invalidated)
                    n += 1
                    for _ in range(reps):
                        times[name][after].append(fn(n))
                        n += 1
                    mode(True, trig)
        for c in (ada, bob, team.raw(app.conn)):
            c.execute("SELECT pg_stat_force_next_flush()")
            c.execute("SELECT 1")
        time.sleep(1.2)
        owner.execute("SELECT pg_stat_clear_snapshot()")
        in_trigger = [{"function": f, "calls": c, "µs per call": ms * 1000 / c} for f, c, ms in owner.execute(
            "SELECT funcname, calls, total_time FROM pg_stat_user_functions WHERE funcname IN "
            "('team_triage_logged', 'team_draft_created_logged', 'team_override_logged') ORDER BY funcname")]
        entry_bytes = owner.execute("SELECT max(octet_length(data)) FROM audit_log WHERE action = 'rule.apply'"
                                    ).fetchone()[0]
    finally:
        if app is not None:
            app.close()
        lab.teardown()
    rows = []
    for name, (_fn, _t, per, _r) in cases.items():
        t = times[name]
        on, off = statistics.median(t[True]) * 1e3, statistics.median(t[False]) * 1e3
        rows.append({"what": name, "after ms": on, "before ms": off, "samples each": len(t[True]),
                     "ms per changed row": (on - off) / per})
    print(table(rows, ["what", "after ms", "before ms", "samples each", "ms per changed row"]))
    print()
    print(table(in_trigger, ["function", "calls", "µs per call"]))
    print(f"rule.apply entry of 2,000 ids: {entry_bytes} bytes; load average {os.getloadavg()[0]:.1f}")
    print(write_json("team_triage_checks", {"end_to_end": rows, "trigger_functions": in_trigger,
                                            "rule_apply_entry_bytes": entry_bytes, "loadavg": os.getloadavg()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
