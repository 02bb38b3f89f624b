"""Generate a realistic workspace of N mentions for benchmarks.

    python benchmarks/generate.py --mentions 1000000 --out DIR [--seed 1] [--days 365]

40 entities (brand, 4 executives, 6 competitors, products) with Zipf-like frequencies, 200 feeds
of every kind, items of 300-1,500 characters over 365 days (~1.3 mentions per item), 37 % negative
sentiment, statuses, priorities, topics. Bulk load: raw executemany in large transactions with
the FTS triggers dropped, then an FTS 'rebuild' + 'optimize' and ANALYZE (perf-baselines §3).
Selective phrases for search benchmarks: "turbo encabulator" in ~1 % of items, "battery life"
in ~20 %.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orm_desktop import workspace as wsmod  # noqa: E402
from orm_desktop.store.migrations.m001_foundation import SQL as M001  # noqa: E402
from orm_desktop.store.migrations.m001_foundation import _split  # noqa: E402

WORDS = ("market customers service product launch quarter growth support quality delivery price "
         "team store riders app update review battery range motor design city commute safety recall "
         "partner investors shares report analysts strategy factory supply chain warranty repair "
         "feature software hardware brand leader executive interview statement revenue profit loss "
         "complaint praise outage refund delay award expansion market share pilot program").split()
SENTENCES = [
    "{e} reported results that beat analyst expectations for the quarter.",
    "Customers praised the {w} and the friendly {w2} team.",
    "Several riders complained about the {w} and slow {w2}.",
    "The company said the {w} would expand to three more cities next year.",
    "Analysts remain cautious about {e}'s {w} strategy.",
    "A spokesperson for {e} declined to comment on the {w}.",
    "The new {w} has impressive range and a solid {w2}.",
    "Critics called the {w} disappointing and overpriced.",
    "{e} announced a partnership to improve {w} across Europe.",
    "Engineers demonstrated the turbo encabulator at the annual {w} event.",
]
KINDS = ["news", "news", "news", "blog", "blog", "review", "review", "social", "forum", "press"]
TOPICS = ["product_quality", "customer_service", "pricing", "delivery", "leadership", "legal_regulatory",
          "financial_results", "privacy_security", "launches", "crisis_recall"]
STATUSES = ["new"] * 60 + ["read"] * 25 + ["flagged"] * 5 + ["needs_response"] * 5 + ["archived"] * 4 + ["responded"]


def entities() -> list[tuple[str, str, str, float]]:
    out = [("brand", "Acme", '"Acme" OR "Acme Corp"', 1.0)]
    out += [("executive", n, f'"{n}"', 0.8) for n in ("Jane Doe", "Raj Patel", "Mia Chen", "Omar Haddad")]
    out += [("competitor", n, n, 0.5) for n in ("Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark")]
    out += [("product", f"Acme Model {i}", f'"Acme Model {i}"', 0.7) for i in range(1, 30)]
    return out


def generate(out: Path, *, mentions: int = 1_000_000, seed: int = 1, days: int = 365) -> dict:
    started = time.monotonic()
    rng = random.Random(seed)
    ws = wsmod.create(out)
    conn = ws.connect()
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")
    now = int(time.time())
    ents = entities()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entities (kind, name, query, importance, created) VALUES (?, ?, ?, ?, ?)",
                     [(k, n, q, imp, now) for k, n, q, imp in ents])
    # the generated sources are not real: never due, so a refresh only fetches real feeds
    conn.executemany("INSERT INTO feeds (url, title, kind, weight, created, last_status, last_fetched, next_due) "
                     "VALUES (?, ?, ?, ?, ?, 'ok', ?, ?)",
                     [(f"https://feed{i}.example/rss", f"Source {i}", KINDS[i % len(KINDS)],
                       round(rng.uniform(0.3, 2.0), 2), now, now, now + 10 * 365 * 86400) for i in range(200)])
    conn.execute("COMMIT")
    for name in ("items_fts_ai", "items_fts_ad", "items_fts_au"):
        conn.execute(f"DROP TRIGGER {name}")
    # Zipf-like entity weights
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(ents))]
    n_items = int(mentions / 1.3)
    feed_kinds = [KINDS[i % len(KINDS)] for i in range(200)]
    item_rows, mention_rows = [], []
    made = 0
    item_id = 0
    conn.execute("BEGIN")
    while made < mentions:
        item_id += 1
        feed = rng.randrange(200)
        published = now - int(rng.random() * days * 86400)
        e_main = rng.choices(range(len(ents)), weights)[0]
        names = [ents[e_main][1]]
        extra = rng.random() < 0.3 or item_id > n_items * 0.98
        if extra:
            e2 = rng.choices(range(len(ents)), weights)[0]
            if e2 != e_main:
                names.append(ents[e2][1])
        sents = []
        for _ in range(rng.randint(3, 12)):
            tpl = rng.choice(SENTENCES[:-1])
            sents.append(tpl.format(e=rng.choice(names), w=rng.choice(WORDS), w2=rng.choice(WORDS)))
        if rng.random() < 0.01:  # a selective phrase: in ~1 % of items
            sents.append(SENTENCES[-1].format(w=rng.choice(WORDS)))
        if rng.random() < 0.2:  # a common phrase: in ~20 % of items
            sents.append("Reviewers keep mentioning the battery life.")
        text = " ".join(sents)
        title = f"{names[0]} {rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(['update', 'news', 'report', 'review'])}"
        url = f"https://feed{feed}.example/{item_id}"
        rating = round(rng.uniform(1, 5)) if feed_kinds[feed] == "review" else None
        tnorm = title.lower()
        item_rows.append((item_id, feed + 1, url, url, url, title, text, published, published, rating, item_id,
                          tnorm, " ".join(tnorm.split()[:3])))
        for eidx, name in enumerate(names):
            ent = e_main if eidx == 0 else ents.index(next(x for x in ents if x[1] == name))
            s = rng.uniform(-1, -0.05) if rng.random() < 0.37 else rng.uniform(-0.05, 1)
            mention_rows.append((item_id, ent + 1, published, feed_kinds[feed], text[:200], round(s, 4), round(s, 4),
                                 "orm", "text", "[]", rng.choice(TOPICS), "", round(rng.uniform(0, 100), 2),
                                 rng.choice(STATUSES), now))
            made += 1
            if made >= mentions:
                break
        if len(item_rows) >= 20_000:
            _flush(conn, item_rows, mention_rows)
            print(f"\r{made:,} mentions", end="", file=sys.stderr, flush=True)
    _flush(conn, item_rows, mention_rows)
    conn.execute("COMMIT")
    print(f"\r{made:,} mentions; building the full-text index ...", file=sys.stderr, flush=True)
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    for stmt in _split(M001):
        if stmt.upper().startswith("CREATE TRIGGER ITEMS_FTS"):
            conn.execute(stmt)
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    seconds = time.monotonic() - started
    print(f"generated {made:,} mentions, {item_id:,} items in {seconds:.1f} s at {out}", file=sys.stderr)
    return {"mentions": made, "items": item_id, "seconds": round(seconds, 1)}


def _flush(conn, item_rows: list, mention_rows: list) -> None:
    conn.executemany(
        "INSERT INTO items (id, feed_id, guid, url, canonical_url, title, text, published, first_seen, rating, "
        "cluster_id, title_norm, title_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", item_rows)
    conn.executemany(
        "INSERT INTO mentions (item_id, entity_id, published, feed_kind, snippet, sentiment, machine_sentiment, "
        "engine, score_source, evidence, topics, stage, priority, status, created) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", mention_rows)
    item_rows.clear()
    mention_rows.clear()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=365)
    a = p.parse_args()
    if (a.out / "orm.db").exists():
        sys.exit(f"{a.out} already holds a workspace")
    generate(a.out, mentions=a.mentions, seed=a.seed, days=a.days)


if __name__ == "__main__":
    main()
