"""Look-ups by feed on a big workspace: what a new feed's first refresh costs the spike detection,
and the feed edits that go through ``items.feed_id``.

    python benchmarks/feed_lookups.py [--mentions 200000] [--runs 5] [--entries 40]

On a private copy of the generated workspace (benchmarks/generate.py, cached in
benchmarks/out/ws-N): a new feed served by a real ThreadingHTTPServer on 127.0.0.1 whose first
refresh brings ``--entries`` entries without a date of their own about the workspace's quietest
entity (so that day would alert, and detection asks which of them came in their feed's first
fetch: ``kpis.unknown_day_counts``). Times, in milliseconds:

* ``refresh``: ``Service.fetch`` of that one feed (fetch, store, the alert pass);
* ``unknown_day_counts``: the look-up itself (before m018 each call with a fresh answer cache) (p50 of ``--runs``,
  after one warm-up call);
* ``detect``: ``alerts.detect`` over every entity (90 days);
* ``follow_kind``: changing the kind of an established feed (its mentions follow it);
* ``remove_feed``: removing the new feed (its items stay: ``items.feed_id`` is set to NULL).

Run it from another checkout with ``PYTHONPATH=/path/to/other`` to compare (the copy of the
cached workspace is migrated to that code's schema first). Writes benchmarks/out/feed_lookups.json.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from _common import StaticServer, cached_workspace, copy_workspace, table, write_json


def _rss(name: str, n: int) -> bytes:
    body = "".join(
        f"<item><title>{name} story {i}</title><link>https://bench.example/undated/{i}</link>"
        f"<description>{name} story {i}: riders said the {name} was late again this week.</description></item>"
        for i in range(n))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Undated</title>{body}</channel></rss>'.encode()


def _ms(fn) -> float:
    t = time.perf_counter()
    fn()
    return round((time.perf_counter() - t) * 1000, 2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=200_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--entries", type=int, default=40)
    p.add_argument("--workspace", type=Path, default=None, help="a generated workspace to copy instead of the cache")
    args = p.parse_args()

    from orm_desktop.analysis import alerts
    from orm_desktop.service import Service
    from orm_desktop.store import db, kpis

    src = args.workspace or cached_workspace(args.mentions)
    with tempfile.TemporaryDirectory(prefix="orm-feedidx-") as tmp:
        ws = copy_workspace(src, Path(tmp) / "ws")
        migrated = _ms(lambda: db.migrate(ws / "orm.db"))
        svc = Service.open(ws)
        conn = svc.conn
        # the quietest entity that has a plain phrase in its query: its day alerts with the new entries
        eid, name = conn.execute(
            "SELECT e.id, e.name FROM entities e JOIN mention_counts c ON c.entity_id = e.id "
            "WHERE e.name LIKE 'Acme %' GROUP BY e.id ORDER BY sum(c.n) LIMIT 1").fetchone()
        established = conn.execute("SELECT feed_id FROM items GROUP BY feed_id ORDER BY count(*) DESC "
                                   "LIMIT 1").fetchone()[0]
        feeds_dir = Path(tmp) / "feeds"
        feeds_dir.mkdir()
        (feeds_dir / "undated.xml").write_bytes(_rss(name, args.entries))
        rows: list[dict] = []
        with StaticServer(feeds_dir) as server:
            new = svc.add_feed(server.url("undated.xml"))[0].id
            refresh = _ms(lambda: svc.fetch(jobs=1, feed_ids=[new], force=True))
        rows.append({"what": "refresh (1 new feed, alert pass)", "ms": refresh})
        today = int(time.time()) // 86400 * 86400
        answer = kpis.unknown_day_counts(conn, eid, today)
        samples = sorted(_ms(lambda: kpis.unknown_day_counts(conn, eid, today)) for _ in range(args.runs))
        rows.append({"what": f"unknown_day_counts ({name}, today) -> {answer}", "ms": statistics.median(samples),
                     "max_ms": samples[-1]})
        samples = sorted(_ms(lambda: alerts.detect(conn)) for _ in range(max(1, args.runs // 2)))
        rows.append({"what": "alerts.detect (all entities, 90 days)", "ms": statistics.median(samples),
                     "max_ms": samples[-1]})
        kinds = ["blog", "news"]
        samples = sorted(_ms(lambda k=k: svc.update_feed(established, kind=k)) for k in kinds * max(1, args.runs // 2))
        rows.append({"what": f"change an established feed's kind ({established})", "ms": statistics.median(samples),
                     "max_ms": samples[-1]})
        rows.append({"what": "remove the new feed", "ms": _ms(lambda: svc.remove_feed(new))})
        items = conn.execute("SELECT count(*) FROM items").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0] if db.dialect(conn) == "sqlite" else None
        svc.close()
    print(f"{items:,} items, schema {version}, migrate on the copy {migrated:.0f} ms, sqlite {sqlite3.sqlite_version}")
    print(table(rows, ["what", "ms", "max_ms"]))
    write_json("feed_lookups", {"mentions": args.mentions, "items": items, "schema": version,
                                "migrate_ms": migrated, "rows": rows})


if __name__ == "__main__":
    main()
