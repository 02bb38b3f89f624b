"""What the settings, score and draft-text checks cost (store/postgres/roles.py, section 6b), on the local PostgreSQL.

    python benchmarks/team_score_settings_checks.py [--rounds 12]

On a throw-away team database (tests/team_scenario.py), in interleaved rounds with the new
constraint triggers enabled and disabled: (1) a rescore's batch, 500 mentions' machine scores
changed in one transaction with its sentiment.rescore entry (the per-row check that the entry
covers the mention); (2) a rule's 2,000 overrides with their rule.apply entry (the app's override
keeps the score shown equal to the override, so the score trigger's WHEN is false: expected free);
(3) an admin's settings change and (4) an author's draft edit, each with its entry, end to end
over loopback; and the trigger functions' own time as PostgreSQL counts it (track_functions).
Writes benchmarks/out/team_score_settings_checks.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from _common import table, write_json

TRIGGERS = (("mentions", "mentions_team_score_update"), ("mentions", "mentions_team_score_insert"),
            ("settings", "settings_team_logged"), ("settings", "settings_team_logged_update"),
            ("responses", "responses_team_text_logged"))


def main() -> int:
    from orm_desktop.store import team
    from tests import team_scenario as ts

    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=12, help="interleaved on/off rounds")
    args = ap.parse_args()
    if (lab := ts.TeamLab.for_benchmark("team_score_settings_checks")) is None:
        return 2
    try:
        owner = lab.conns["owner"]
        ada, bob = lab.tracking("ada", "bob")
        ka, kb = lab.keys["ada"], lab.keys["bob"]
        ids = lab.bulk_mentions(2000)
        batch = ids[:500]
        rule = owner.execute("INSERT INTO rules (name, conditions, actions, created, updated) "
                             "VALUES ('s', '{}', '{\"sentiment\": -0.7}', 1, 1) RETURNING id").fetchone()[0]
        rid = lab.draft("bob", "We are sorry.")

        def triggers(enabled: bool) -> None:
            for t, name in TRIGGERS:
                owner.execute(f"ALTER TABLE {t} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {name}")

        def rescore_batch(n: int) -> float:
            engine = ("vader", "textblob")[n % 2]
            t = time.perf_counter()
            with ada.transaction():
                ada.execute("UPDATE mentions SET machine_sentiment = (id %% 7) / 10.0 + %s, engine = %s, "
                            "sentiment = CASE WHEN override IS NULL THEN (id %% 7) / 10.0 + %s ELSE override END "
                            "WHERE id = ANY(%s)", (n / 1000, engine, n / 1000, batch))
                team.audit_append(ada, "sentiment.rescore", "workspace", None,
                                  {"engine": engine, "first_id": batch[0], "last_id": batch[-1], "rescored": 500},
                                  priv=ka.private, key_id=ka.key_id)
            return time.perf_counter() - t

        def rule_apply(n: int) -> float:
            return lab.timed_rule_apply("ada", rule, ids)

        def setting(n: int) -> float:
            value = f"press-{n}@acme.example"
            t = time.perf_counter()
            with ada.transaction():
                ada.execute("INSERT INTO settings (key, value) VALUES ('contact', %s) "
                            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (json.dumps(value),))
                team.audit_append(ada, "settings.change", "workspace", None, {"values": {"contact": value}},
                                  priv=ka.private, key_id=ka.key_id)
            return time.perf_counter() - t

        def edit(n: int) -> float:
            t = time.perf_counter()
            with bob.transaction():
                state, version = bob.execute("UPDATE responses SET text = %s, version = version + 1 WHERE id = %s "
                                             "RETURNING state, version", (f"We are sorry ({n}).", rid)).fetchone()
                team.audit_append(bob, "response.edit", "response", rid, {"from": state, "to": state, "diff": [],
                                                                          "comment": "", "version": version},
                                  priv=kb.private, key_id=kb.key_id)
            return time.perf_counter() - t

        cases = {"rescore batch (500 machine scores + entry)": rescore_batch,
                 "rule apply (2,000 overrides + entry)": rule_apply,
                 "settings change + entry": setting, "draft edit + entry": edit}
        times = {name: {True: [], False: []} for name in cases}
        n = 0
        for r in range(args.rounds):
            for enabled in ((True, False) if r % 2 else (False, True)):
                triggers(enabled)
                for name, fn in cases.items():
                    fn(n)  # warm after the ALTER (plans invalidated)
                    n += 1
                    for _ in range(3 if "batch" in name or "apply" in name else 10):
                        times[name][enabled].append(fn(n))
                        n += 1
        triggers(True)
        for c in (ada, bob):
            c.execute("SELECT pg_stat_force_next_flush()")
            c.execute("SELECT 1")
        time.sleep(1.2)
        owner.execute("SELECT pg_stat_clear_snapshot()")
        in_trigger = [{"function": f, "calls": c, "µs per call": ms * 1000 / c} for f, c, ms in owner.execute(
            "SELECT funcname, calls, total_time FROM pg_stat_user_functions WHERE funcname IN "
            "('team_score_logged', 'team_settings_logged', 'team_draft_text_logged') ORDER BY funcname")]
    finally:
        lab.teardown()
    rows = []
    for name, t in times.items():
        on, off = statistics.median(t[True]) * 1e3, statistics.median(t[False]) * 1e3
        per = 500 if "batch" in name else 2000 if "apply" in name else 1
        rows.append({"what": name, "on ms": on, "off ms": off, "samples each": len(t[True]),
                     "µs per changed row": (on - off) * 1e3 / per})
    print(table(rows, ["what", "on ms", "off ms", "samples each", "µs per changed row"]))
    print()
    print(table(in_trigger, ["function", "calls", "µs per call"]))
    print(f"load average {os.getloadavg()[0]:.1f}")
    print(write_json("team_score_settings_checks", {"end_to_end": rows, "trigger_functions": in_trigger,
                                                    "loadavg": os.getloadavg()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
