"""Five people triage one inbox while a refresh runs (issue 15): lost updates and how soon
everyone sees everyone else's changes.

Each simulated user is its own process with its own connection and its own live listener
(orm_desktop.store.live.Listener: LISTEN/NOTIFY on PostgreSQL, PRAGMA data_version polling on
SQLite). They all triage the same small set of mentions (status, assignee, tags, sentiment
override), each save carrying the row version the user read, while the parent process refreshes
a feed set served by a real http.server on 127.0.0.1 (new items every round), and one user tries
a second refresh (it must be refused: one refresh at a time).

Counted:
- lost updates: an accepted save whose value is not in the final state although no later
  accepted save changed that field, or a mention whose final version is not its first version plus
  its accepted saves (something wrote without a version). Must be 0. Every refused save must have
  been refused with errors.Conflict (anything else counts as an error).
- notification latency: for every accepted save, for every *other* user, from the start of the
  save to the moment that user's listener got it. On PostgreSQL the k-th notification naming a
  mention is the k-th accepted save of it (saves of one row commit in version order, and
  PostgreSQL delivers notifications in commit order), so each is matched exactly; SQLite's poll
  says only "something changed", so there the first change after the save starts is taken.

    python benchmarks/team_concurrency.py [--backend postgresql|sqlite] [--users 5] [--ops 60]
        [--mentions 12] [--feeds 10] [--items 60] [--pg URL]

Prints a table and writes benchmarks/out/team_concurrency.json.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STATUSES = ("new", "read", "flagged", "needs_response")  # all in the inbox's "open" list or near it
FIELDS = ("status", "assignee", "tags", "override")


# -- one simulated user (a process) ---------------------------------------------------------------
def _user_main(target: str, name: str, pool: list[int], ops: int, seed: int, markers: str,
               try_refresh: bool, results) -> None:
    from orm_desktop import workspace as wsmod
    from orm_desktop.errors import Conflict, LockBusy
    from orm_desktop.service import Service
    from orm_desktop.store.live import Listener

    rng = random.Random(seed)
    seen: list[tuple[str, tuple, float]] = []  # (table, ids, received)
    svc = Service(wsmod.Workspace.at(target))
    listener = Listener(svc.ws.target, lambda c: seen.append((c.table, c.ids, c.received))).start()
    saves, conflicts, errors, refresh_note = [], 0, [], ""
    results.put(("ready", name))
    _wait_for(Path(markers) / "go")  # everyone starts together, listening already
    try:
        for k in range(ops):
            if try_refresh and k >= ops // 2 and "already running" not in refresh_note:
                try:  # a second refresh while the parent's runs: refused (between rounds it may get it)
                    with svc.refresh_lock():
                        refresh_note = "acquired between two refresh rounds"
                except LockBusy as exc:
                    refresh_note = str(exc)
            mid = rng.choice(pool)
            field = FIELDS[k % len(FIELDS)]
            m = svc.mention(mid).mention  # what this user sees
            time.sleep(rng.uniform(0.0, 0.03))  # reading, deciding (others save meanwhile)
            if field == "status":
                value = rng.choice([s for s in STATUSES if s != m.status])
            elif field == "assignee":
                value = name
            elif field == "tags":
                value = f"{name}-{k}"
            else:
                value = round(rng.uniform(-1, 1), 2)
            t0 = time.time()
            try:
                if field == "status":
                    svc.set_status([mid], value, by=name, expected={mid: m.version})
                elif field == "assignee":
                    svc.triage(mid, assignee=value, by=name, expected_version=m.version)
                elif field == "tags":
                    svc.triage(mid, tags=[value], by=name, expected_version=m.version)
                else:
                    svc.override_sentiment([mid], value, by=name, expected={mid: m.version})
            except Conflict:
                conflicts += 1
                continue
            except Exception as exc:  # noqa: BLE001 - counted and reported, not fatal
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            saves.append({"user": name, "mention": mid, "field": field, "value": value,
                          "version": m.version + 1, "t0": t0, "t1": time.time()})
        results.put(("saves", name, saves, conflicts, errors, refresh_note))
        _wait_for(Path(markers) / "stop")  # keep listening until everyone is done and the tail has arrived
    finally:
        listener.stop()
        svc.close()
    results.put(("seen", name, seen))


def _wait_for(marker: Path, timeout: float = 300) -> None:
    """The parent touches ``go`` when every user listens, ``stop`` a quiet period after the last save."""
    end = time.time() + timeout
    while time.time() < end and not marker.exists():
        time.sleep(0.01)


# -- the feed set -----------------------------------------------------------------------------------
def write_feeds(directory: Path, feeds: int, items: int, round_no: int, brand: str = "Velora") -> list[str]:
    """``feeds`` RSS files of ``items`` new entries each (new guids every round)."""
    directory.mkdir(parents=True, exist_ok=True)
    words = ("battery", "service", "delivery", "price", "frame", "motor", "app", "warranty", "ride", "brakes")
    names = []
    for f in range(feeds):
        entries = []
        for i in range(items):
            w1, w2 = words[(f + i) % len(words)], words[(3 * i + round_no) % len(words)]
            guid = f"https://team-bench.example/r{round_no}/f{f}/i{i}"
            entries.append(f"<item><title>{brand} {w1} review {round_no}-{f}-{i}</title><link>{guid}</link>"
                           f"<guid>{guid}</guid><description>Riders say the {brand} {w1} is great but the "
                           f"{w2} could be better.</description>"
                           f"<pubDate>{time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}</pubDate></item>")
        name = f"feed{f}.xml"
        (directory / name).write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bench {f}'
                                      f"</title>{''.join(entries)}</channel></rss>")
        names.append(name)
    return names


# -- the run ----------------------------------------------------------------------------------------
def run(target: str, feed_dir: Path, base_url: str, *, users: int = 5, ops: int = 60, mentions: int = 12,
        feeds: int = 10, items: int = 60, seed: int = 15, quiet_s: float = 2.5) -> dict:
    """Run the scenario on the workspace at ``target`` (path or URL, already populated with
    mentions); feeds are written to ``feed_dir`` and must be served at ``base_url``."""
    from orm_desktop import workspace as wsmod
    from orm_desktop.errors import LockBusy
    from orm_desktop.service import Service
    from orm_desktop.store import db

    svc = Service(wsmod.Workspace.at(target))
    backend = db.dialect(svc.conn)
    names = write_feeds(feed_dir, feeds, items, 0)
    for f in svc.feeds():
        svc.update_feed(f.id, enabled=False)  # only the served feed set is refreshed
    for n in names:
        svc.add_feed(f"{base_url}/{n}", title=f"bench {n}")
    pool = [m.id for m in svc.mentions(limit=mentions)]
    initial = {i: svc.mention(i).mention for i in pool}
    markers = feed_dir.parent / f"{feed_dir.name}-markers"
    markers.mkdir(exist_ok=True)
    for name in ("go", "stop"):
        (markers / name).unlink(missing_ok=True)

    ctx = mp.get_context("spawn")  # fresh interpreters, as separate laptops (no forked threads or connections)
    results = ctx.Queue()
    procs = [ctx.Process(target=_user_main, args=(str(target), f"user{u + 1}", pool, ops, seed + u, str(markers),
                                                  u == 0, results), daemon=True) for u in range(users)]
    svc.close()
    for p in procs:
        p.start()
    for _ in procs:
        assert results.get(timeout=120)[0] == "ready"
    (markers / "go").touch()

    refresh = {"rounds": 0, "entries": 0, "new_mentions": 0, "seconds": 0.0, "errors": []}
    stop_refresh = threading.Event()

    def refresher() -> None:
        rsvc = Service(wsmod.Workspace.at(target))
        try:
            round_no = 0
            while not stop_refresh.is_set():
                if round_no:
                    write_feeds(feed_dir, feeds, items, round_no)
                t = time.perf_counter()
                try:
                    s = rsvc.fetch(jobs=4)
                except LockBusy:  # a user took the lock between two rounds (as the scenario tries):
                    time.sleep(0.05)  # the team's one-refresh rule working; the next round waits for it
                    continue
                except Exception as exc:  # noqa: BLE001 - reported in the figures
                    refresh["errors"].append(f"{type(exc).__name__}: {exc}")
                    break
                refresh["seconds"] += time.perf_counter() - t
                refresh["rounds"] += 1
                refresh["entries"] += s.entries
                refresh["new_mentions"] += s.new_mentions
                round_no += 1
        finally:
            rsvc.close()

    rt = threading.Thread(target=refresher)
    rt.start()
    saves_by_user: dict[str, list] = {}
    conflicts, errors, refresh_notes = 0, [], []
    for _ in procs:
        kind, name, saves, c, errs, note = results.get(timeout=600)
        saves_by_user[name] = saves
        conflicts += c
        errors += errs
        if note:
            refresh_notes.append(note)
    stop_refresh.set()
    rt.join()
    time.sleep(quiet_s)  # let the last notifications arrive before the listeners stop
    (markers / "stop").touch()
    seen_by_user = {}
    for _ in procs:
        kind, name, seen = results.get(timeout=120)
        seen_by_user[name] = seen
    for p in procs:
        p.join(timeout=30)

    # -- lost updates: replay the accepted saves in version order --------------------------------
    svc = Service(wsmod.Workspace.at(target))
    try:
        final = {i: svc.mention(i) for i in pool}
    finally:
        svc.close()
    saves = sorted((s for v in saves_by_user.values() for s in v), key=lambda s: (s["mention"], s["version"]))
    lost, problems = 0, []
    for mid in pool:
        mine = [s for s in saves if s["mention"] == mid]
        versions = [s["version"] for s in mine]
        want = list(range(initial[mid].version + 1, initial[mid].version + 1 + len(mine)))
        if versions != want:
            lost += 1
            problems.append(f"mention {mid}: accepted versions {versions}, expected {want}")
        last: dict[str, object] = {}
        for s in mine:
            last[s["field"]] = s["value"]
        d = final[mid]
        now = {"status": d.mention.status, "assignee": d.mention.assignee,
               "tags": ",".join(d.mention.tags), "override": d.mention.sentiment if d.mention.overridden else None}
        for field, value in last.items():
            if (round(now[field], 2) if field == "override" and now[field] is not None else now[field]) != value:
                lost += 1
                problems.append(f"mention {mid}: {field} is {now[field]!r}, last accepted save set {value!r}")
        if final[mid].mention.version != initial[mid].version + len(mine):
            problems.append(f"mention {mid}: final version {final[mid].mention.version}, "
                            f"expected {initial[mid].version + len(mine)}")
            lost += 1

    # -- notification latency -----------------------------------------------------------------------
    latencies, missed = [], 0
    for watcher, seen in seen_by_user.items():
        if backend == "postgresql":
            per_mention: dict[int, list[float]] = {}
            for table, ids, received in seen:
                if table == "mentions":
                    for i in ids:
                        per_mention.setdefault(i, []).append(received)
            for mid in pool:
                mine = [s for s in saves if s["mention"] == mid]
                got = per_mention.get(mid, [])
                for k, s in enumerate(mine):
                    if s["user"] == watcher:
                        continue
                    if k >= len(got):
                        missed += 1
                        continue
                    latencies.append(max(0.0, got[k] - s["t0"]))
        else:
            times = sorted(received for _t, _i, received in seen)
            import bisect

            for s in saves:
                if s["user"] == watcher:
                    continue
                k = bisect.bisect_left(times, s["t0"])
                if k >= len(times):
                    missed += 1
                else:
                    latencies.append(times[k] - s["t0"])
    latencies.sort()

    def pct(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, max(0, int(round(q * len(latencies) + 0.5)) - 1))]

    attempted = users * ops
    return {
        "backend": backend, "users": users, "ops_per_user": ops, "mentions_contended": len(pool),
        "saves_attempted": attempted, "saves_accepted": len(saves), "conflicts": conflicts,
        "errors": len(errors), "error_samples": errors[:5], "lost_updates": lost, "lost_samples": problems[:5],
        "notifications_expected": len(latencies) + missed, "notifications_missed": missed,
        "latency_p50_ms": round(pct(0.50) * 1000, 1), "latency_p95_ms": round(pct(0.95) * 1000, 1),
        "latency_max_ms": round((latencies[-1] if latencies else float("nan")) * 1000, 1),
        "refresh_rounds": refresh["rounds"], "refresh_entries": refresh["entries"],
        "refresh_new_mentions": refresh["new_mentions"],
        "refresh_entries_per_s": round(refresh["entries"] / refresh["seconds"], 1) if refresh["seconds"] else 0.0,
        "refresh_errors": refresh["errors"][:3],
        "second_refresh_refused": bool(refresh_notes) and all("already running" in n for n in refresh_notes),
        "second_refresh_message": refresh_notes[0] if refresh_notes else "",
    }


# -- command line -----------------------------------------------------------------------------------
def _make_workspace(backend: str, pg: str, tmp: Path) -> tuple[str, object]:
    """A fresh demo workspace; returns (target, cleanup)."""
    import os
    import secrets

    from orm_desktop.service import Service

    os.environ["XDG_DATA_HOME"] = str(tmp / "state")
    if backend == "sqlite":
        Service.create(tmp / "ws", demo=True).close()
        return str(tmp / "ws"), lambda: None
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"orm_bench_team_{secrets.token_hex(3)}"
    with psycopg.connect(pg, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    url = urlunsplit(urlsplit(pg)._replace(path="/" + name))

    def drop() -> None:
        with psycopg.connect(pg, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    try:
        Service.create(url, demo=True).close()
    except BaseException:
        drop()
        raise
    return url, drop


def _statement_cost(svc, blocks: int = 8, n: int = 500) -> dict:
    """Median microseconds of a single-row UPDATE of mentions.tags in its own transaction (a
    triage save) with the notify trigger enabled and disabled (alternating blocks in one
    database, so load changes hit both)."""
    import statistics

    from orm_desktop.store import db

    ids = [r[0] for r in svc.conn.execute("SELECT id FROM mentions ORDER BY id LIMIT 200")]
    times: dict[str, list[float]] = {"on": [], "off": []}
    for b in range(blocks * 2):
        mode = "on" if b % 2 == 0 else "off"
        verb = "ENABLE" if mode == "on" else "DISABLE"
        svc.conn.execute(f"ALTER TABLE mentions {verb} TRIGGER mentions_notify_update")
        t = time.perf_counter()
        for k in range(n):  # each its own transaction, as a triage save is
            with db.transaction(svc.conn):
                svc.conn.execute("UPDATE mentions SET tags = ? WHERE id = ?", (f"t{b}-{k}", ids[k % len(ids)]))
        times[mode].append((time.perf_counter() - t) / n * 1e6)
    svc.conn.execute("ALTER TABLE mentions ENABLE TRIGGER mentions_notify_update")
    return {"update_us_notify_on": round(statistics.median(times["on"]), 1),
            "update_us_notify_off": round(statistics.median(times["off"]), 1)}


def notify_cost(pg: str, tmp: Path, base_url: str, feed_dir: Path, *, feeds: int, items: int,
                runs: int = 4) -> list[dict]:
    """What the NOTIFY triggers cost a refresh: the same feed set into a new PostgreSQL
    workspace with the notify triggers on and off (alternating which goes first; the very first
    refresh of the process also loads the sentiment engine), entries/s per run."""
    import os
    import secrets
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    from orm_desktop.service import Service
    from orm_desktop.store import live

    os.environ["XDG_DATA_HOME"] = str(tmp / "state")
    out = []
    for run_no in range(runs):
        for mode in (("on", "off") if run_no % 2 else ("off", "on")):  # alternate which goes first
            name = f"orm_bench_notify_{secrets.token_hex(3)}"
            with psycopg.connect(pg, autocommit=True) as c:
                c.execute(f"CREATE DATABASE {name}")
            url = urlunsplit(urlsplit(pg)._replace(path="/" + name))
            try:
                svc = Service.create(url)
                svc.add_entity("brand", "Velora", "Velora", match_existing=False)
                names = write_feeds(feed_dir, feeds, items, 1000 + run_no)
                for n in names:
                    svc.add_feed(f"{base_url}/{n}")
                if mode == "off":
                    for t in live.SHARED_TABLES:
                        for op in ("insert", "update", "delete"):
                            svc.conn.execute(f"ALTER TABLE {t} DISABLE TRIGGER {t}_notify_{op}")
                t0 = time.perf_counter()
                s = svc.fetch(jobs=4)
                dt = time.perf_counter() - t0
                row = {"run": run_no + 1, "notify": mode, "entries": s.entries, "seconds": round(dt, 2),
                       "entries_per_s": round(s.entries / dt, 1)}
                if mode == "on":  # the per-statement cost alone: blocks of 500 single-row updates, alternating
                    row.update(_statement_cost(svc))
                out.append(row)
                svc.close()
            finally:
                with psycopg.connect(pg, autocommit=True) as c:
                    c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    return out


def main(argv: list[str] | None = None) -> int:
    import tempfile

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from _common import StaticServer, table, write_json

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    ap.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                    help="a maintenance URL of the server (a scratch database is created and dropped)")
    ap.add_argument("--users", type=int, default=5)
    ap.add_argument("--ops", type=int, default=60, help="saves each user attempts")
    ap.add_argument("--mentions", type=int, default=12, help="how many mentions everybody triages")
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--items", type=int, default=60, help="new entries per feed per refresh round")
    ap.add_argument("--notify-cost", action="store_true",
                    help="instead: a refresh into a new PostgreSQL workspace with the NOTIFY triggers on vs off")
    args = ap.parse_args(argv)
    if args.notify_cost:
        with tempfile.TemporaryDirectory(prefix="orm-team-bench-") as tmp:
            feed_dir = Path(tmp) / "feeds"
            feed_dir.mkdir()
            with StaticServer(feed_dir) as server:
                rows = notify_cost(args.pg, Path(tmp), server.url("").rstrip("/"), feed_dir, feeds=args.feeds,
                                   items=args.items)
        print(table(rows, ["run", "notify", "entries", "seconds", "entries_per_s", "update_us_notify_on",
                           "update_us_notify_off"]))
        print(f"wrote {write_json('team_notify_cost', {'runs': rows})}")
        return 0
    with tempfile.TemporaryDirectory(prefix="orm-team-bench-") as tmp:
        tmp_path = Path(tmp)
        target, cleanup = _make_workspace(args.backend, args.pg, tmp_path)
        try:
            feed_dir = tmp_path / "feeds"
            feed_dir.mkdir()
            with StaticServer(feed_dir) as server:
                res = run(target, feed_dir, server.url("").rstrip("/"), users=args.users, ops=args.ops,
                          mentions=args.mentions, feeds=args.feeds, items=args.items)
        finally:
            cleanup()
    rows = [{"figure": k, "value": v} for k, v in res.items()
            if not isinstance(v, list) and k != "second_refresh_message"]
    print(table(rows, ["figure", "value"]))
    if res["second_refresh_message"]:
        print(f"second refresh: {res['second_refresh_message']}")
    for line in res["lost_samples"] + res["error_samples"] + res["refresh_errors"]:
        print("  !", line)
    path = write_json(f"team_concurrency_{res['backend']}", res)
    print(f"wrote {path}")
    ok = (res["lost_updates"] == 0 and res["errors"] == 0 and res["notifications_missed"] == 0
          and res["latency_p95_ms"] <= 2000 and res["latency_max_ms"] <= 2000)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
