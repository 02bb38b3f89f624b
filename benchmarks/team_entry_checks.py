"""What "no change without its entry" costs (store/postgres/roles.py, section 6b), on the local PostgreSQL.

    python benchmarks/team_entry_checks.py [--blocks 15]

On a throw-away team database (tests/team_scenario.py): (1) the checks' own queries, 20,000 times
in a plpgsql loop as the owner inside a transaction that holds an entry, as the deferred triggers
run them at COMMIT (per changed row), and the trigger functions' own time as PostgreSQL counts it
(track_functions, set on the throw-away database by the superuser); (2) an author's audited write end to end (the change and its
signed entry in one transaction, over loopback), with the two constraint triggers enabled and
disabled, in interleaved blocks; (3) a refresh's INSERT of 500 mentions with and without the
statement trigger that notes them (it runs only while an enabled rule has a sentiment action, as
here); (4) a rule applied to 2,000 stored mentions in one transaction with its rule.apply entry,
with and without the override check. Writes benchmarks/out/team_entry_checks.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import table, write_json

CHECKS = r"""
CREATE OR REPLACE FUNCTION bench_entry_checks(p_alert bigint, p_n int) RETURNS TABLE (what text, us double precision)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE t0 timestamptz; st text; act text; d text; ovv double precision; ok boolean;
BEGIN
    t0 := clock_timestamp();
    FOR i IN 1..p_n LOOP
        ok := team_exempt();
        SELECT status INTO st FROM alerts WHERE id = p_alert;
        SELECT CASE WHEN team_this_xact(x) THEN a END INTO act FROM (SELECT action AS a, xmin AS x FROM audit_log
            WHERE subject_type = 'alert' AND subject_id = p_alert AND action IN ('alert.acknowledge', 'alert.reopen')
            ORDER BY id DESC LIMIT 1) newest;
    END LOOP;
    what := 'alert status check'; us := extract(epoch FROM clock_timestamp() - t0) * 1e6 / p_n; RETURN NEXT;
    t0 := clock_timestamp();
    FOR i IN 1..p_n LOOP
        ok := team_exempt(); ok := team_fresh_table_ours();
        SELECT override INTO ovv FROM mentions WHERE id = 1;
        SELECT CASE WHEN team_this_xact(x) THEN e END INTO d FROM (SELECT data AS e, xmin AS x FROM audit_log
            WHERE subject_type = 'mention' AND subject_id = 1 AND action = 'mention.override'
            ORDER BY id DESC LIMIT 1) newest;
    END LOOP;
    what := 'override check, its entry'; us := extract(epoch FROM clock_timestamp() - t0) * 1e6 / p_n; RETURN NEXT;
    t0 := clock_timestamp();
    FOR i IN 1..p_n LOOP
        SELECT EXISTS (SELECT 1 FROM rules r WHERE jsonb_typeof(r.actions::jsonb -> 'sentiment') = 'number'
              AND abs(-0.6 - (r.actions::jsonb ->> 'sentiment')::double precision) < 1e-6
              AND (SELECT team_this_xact(l.xmin) FROM audit_log l WHERE l.subject_type = 'rule' AND l.subject_id = r.id
                   AND l.action = 'rule.apply' ORDER BY l.id DESC LIMIT 1)) INTO ok;
    END LOOP;
    what := 'override check, rule.apply (added)'; us := extract(epoch FROM clock_timestamp() - t0) * 1e6 / p_n;
    RETURN NEXT;
END $$;
"""


def main() -> int:
    from orm_desktop.store import team
    from tests import team_scenario as ts

    ap = argparse.ArgumentParser()
    ap.add_argument("--blocks", type=int, default=15, help="interleaved on/off blocks of 40 writes each")
    args = ap.parse_args()
    if (lab := ts.TeamLab.for_benchmark("team_entry_checks")) is None:
        return 2
    try:
        owner, k = lab.conns["owner"], lab.keys["alice"]
        (alice,) = lab.tracking("alice")  # time spent in the trigger functions themselves
        aid = lab.alert()
        for n in range(3):  # rules with a sentiment action: the fresh-mention note runs
            owner.execute("INSERT INTO rules (name, conditions, actions, created, updated) "
                          "VALUES (%s, '{}', '{\"sentiment\": -0.6}', 1, 1)", (f"r{n}",))

        def audited(sql, params, action, subject_type, subject_id, data) -> float:
            t = time.perf_counter()
            with alice.transaction():
                alice.execute(sql, params)
                team.audit_append(alice, action, subject_type, subject_id, data, priv=k.private, key_id=k.key_id)
            return time.perf_counter() - t

        def four() -> list[float]:
            up = "UPDATE alerts SET status = %s WHERE id = %s"
            ov = "UPDATE mentions SET override = %s, sentiment = %s WHERE id = 1"  # the score shown too
            return [audited(up, ("acknowledged", aid), "alert.acknowledge", "alert", aid, {}),
                    audited(up, ("open", aid), "alert.reopen", "alert", aid, {}),
                    audited(ov, (-0.5, -0.5), "mention.override", "mention", 1, {"score": -0.5}),
                    audited(ov, (0.5, 0.5), "mention.override", "mention", 1, {"score": 0.5})]

        def triggers(enabled: bool) -> None:
            verb = "ENABLE" if enabled else "DISABLE"
            owner.execute(f"ALTER TABLE alerts {verb} TRIGGER alerts_team_logged_update")
            owner.execute(f"ALTER TABLE mentions {verb} TRIGGER mentions_team_override_logged")

        on, off = [], []
        for block in range(args.blocks):
            for enabled in ((True, False) if block % 2 else (False, True)):
                triggers(enabled)
                four()  # warm after the ALTER (plans invalidated)
                for _ in range(10):
                    (on if enabled else off).extend(four())
        triggers(True)
        alice.execute("SELECT pg_stat_force_next_flush()")
        alice.execute("SELECT 1")
        time.sleep(1.2)
        owner.execute("SELECT pg_stat_clear_snapshot()")
        in_trigger = [{"function": f, "calls": n, "µs per call": ms * 1000 / n} for f, n, ms in owner.execute(
            "SELECT funcname, calls, total_time FROM pg_stat_user_functions WHERE funcname IN "
            "('team_alert_logged', 'team_override_logged') ORDER BY funcname")]
        owner.execute(CHECKS)
        owner.execute("GRANT EXECUTE ON FUNCTION bench_entry_checks(bigint, int) TO PUBLIC")
        with alice.transaction():
            alice.execute("UPDATE alerts SET status = 'acknowledged' WHERE id = %s", (aid,))
            team.audit_append(alice, "alert.acknowledge", "alert", aid, {}, priv=k.private, key_id=k.key_id)
            checks = alice.execute("SELECT * FROM bench_entry_checks(%s, 20000)", (aid,)).fetchall()

        def insert_500(tag: str) -> float:
            items = [r[0] for r in alice.execute(
                "INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                "SELECT 'b' || %s || g, 'http://b/' || %s || g, 'http://b/' || %s || g, 't', 't', 1, 1 "
                "FROM generate_series(1, 500) g RETURNING id", (tag, tag, tag))]
            t = time.perf_counter()
            alice.execute("INSERT INTO mentions (item_id, entity_id, published, created) "
                          "SELECT unnest(%s::bigint[]), 1, 1, 1", (items,))
            return time.perf_counter() - t

        fresh_on, fresh_off = [], []
        for r in range(10):
            for enabled in ((True, False) if r % 2 else (False, True)):
                owner.execute(f"ALTER TABLE mentions {'ENABLE' if enabled else 'DISABLE'} TRIGGER mentions_team_fresh")
                with alice.transaction():
                    (fresh_on if enabled else fresh_off).append(insert_500(f"{r}{enabled}"))
        # Apply to stored mentions: 2,000 overrides in one transaction with one rule.apply entry
        owner.execute("INSERT INTO items (guid, url, canonical_url, title, text, published, first_seen) "
                      "SELECT 'r' || g, 'http://r/' || g, 'http://r/' || g, 't', 't', 1, 1 FROM generate_series(1, 2000) g")
        owner.execute("INSERT INTO mentions (item_id, entity_id, published, created) "
                      "SELECT id, 1, 1, 1 FROM items WHERE guid LIKE 'r%'")
        by_score = {v: owner.execute("INSERT INTO rules (name, conditions, actions, created, updated) "
                                     "VALUES (%s, '{}', %s, 1, 1) RETURNING id",
                                     (f"s{v}", f'{{"sentiment": {v}}}')).fetchone()[0] for v in (-0.7, -0.8)}
        apply_on, apply_off = [], []
        for r in range(6):
            for enabled in ((True, False) if r % 2 else (False, True)):
                owner.execute(f"ALTER TABLE mentions {'ENABLE' if enabled else 'DISABLE'} "
                              "TRIGGER mentions_team_override_logged")
                v = (-0.7, -0.8)[len(apply_on + apply_off) % 2]
                t = time.perf_counter()
                with alice.transaction():
                    alice.execute("UPDATE mentions SET override = %s, sentiment = %s "
                                  "WHERE item_id IN (SELECT id FROM items WHERE guid LIKE 'r%%')", (v, v))
                    ids = [i for (i,) in alice.execute("SELECT m.id FROM mentions m JOIN items i ON i.id = m.item_id "
                                                       "WHERE i.guid LIKE 'r%%' ORDER BY m.id")]
                    team.audit_append(alice, "rule.apply", "rule", by_score[v], {"changed": 2000, "mentions": ids},
                                      priv=k.private, key_id=k.key_id)
                (apply_on if enabled else apply_off).append(time.perf_counter() - t)
    finally:
        lab.teardown()
    rows = [{"what": w, "µs per changed row": u} for w, u in checks]
    e2e = {"on_ms": statistics.median(on) * 1e3, "off_ms": statistics.median(off) * 1e3, "writes_each": len(on)}
    ins = {"on_ms": statistics.median(fresh_on) * 1e3, "off_ms": statistics.median(fresh_off) * 1e3}
    print(table(rows, ["what", "µs per changed row"]))
    print()
    print(table(in_trigger, ["function", "calls", "µs per call"]))
    print(f"\naudited write end to end (median of {len(on)}): {e2e['on_ms']:.3f} ms with the checks, "
          f"{e2e['off_ms']:.3f} ms without")
    print(f"INSERT of 500 mentions (median of 10): {ins['on_ms']:.2f} ms with the note, {ins['off_ms']:.2f} ms without")
    app = {"on_ms": statistics.median(apply_on) * 1e3, "off_ms": statistics.median(apply_off) * 1e3}
    print(f"a rule's 2,000 overrides and its entry (median of 6): {app['on_ms']:.0f} ms with the checks, "
          f"{app['off_ms']:.0f} ms without")
    print(f"load average {os.getloadavg()[0]:.1f}")
    path = write_json("team_entry_checks", {"checks_us": rows, "trigger_functions": in_trigger, "audited_write": e2e, "insert_500_mentions": ins, "rule_apply_2000": app,
                                            "loadavg": os.getloadavg()})
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
