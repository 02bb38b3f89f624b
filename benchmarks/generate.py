"""Generate a realistic workspace of N mentions for benchmarks.

    python benchmarks/generate.py --mentions 1000000 --out DIR [--seed 1] [--days 365] [--entities 40]

What it holds: 1 brand, 4 executives, 6 competitors and products (40 entities by default) with
boolean queries as users write them, 200 feeds of every kind with reach weights, items of
300-1,500 characters published over ``--days`` days (ids follow time, as they do when a
workspace fills up by refreshes), about 1.3 mentions per item with Zipf-like entity
frequencies, 37 % negative sentiment, review ratings that agree with the tone, syndication
clusters, topics and journey stages, priorities and due times computed as the pipeline does,
and triage statuses (mostly new and read). Search phrases with a known frequency:
"turbo encabulator" in ~1 % of items (selective), "battery life" in ~20 % (common).

How it loads (perf-baselines §3): workspace.create(DIR), then raw ``executemany`` of tuples
with the rollup and FTS triggers and the secondary indexes dropped and no rollback journal;
afterwards the indexes are recreated, the rollups and facets are written by the store's
``items.index_new_rows`` (as after a refresh's batch: SQLite has no insert triggers since m014),
the FTS index is built with 'rebuild', the dropped triggers are recreated from their exact stored SQL, then
FTS 'optimize', ANALYZE, and the file goes back to WAL. Deterministic for a seed and ``--now``
(default: the current time, so "the last 7 days" is always populated).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orm_desktop import workspace as wsmod  # noqa: E402
from orm_desktop.analysis import priority as prio  # noqa: E402
from orm_desktop.ingest.urls import title_norm  # noqa: E402
from orm_desktop.store import items as items_store  # noqa: E402
from orm_desktop.store import settings as settings_store  # noqa: E402

GENERATOR_VERSION = 2  # bump when the generated content changes (the benchmark cache checks it)
SETTINGS_KEY = "benchmark_generator"

SELECTIVE_PHRASE = "turbo encabulator"
COMMON_PHRASE = "battery life"
SELECTIVE_SHARE = 0.01
COMMON_SHARE = 0.20
NEGATIVE_SHARE = 0.37
NEUTRAL_SHARE = 0.18

EXECUTIVES = [("Jane Doe", "CEO"), ("Raj Patel", "CFO"), ("Mia Chen", "CTO"), ("Omar Haddad", "COO")]
COMPETITORS = ["Globex", "Initech", "Hooli", "Vandelay", "Soylent", "Cyberdyne"]
PRODUCTS = ["Volt", "Glide", "Cargo", "Trail", "Metro", "Sprint", "Nova", "Pulse", "Zephyr", "Orbit",
            "Falcon", "Comet", "Breeze", "Summit", "Ranger", "Atlas", "Vista", "Echo", "Flux", "Spark",
            "Drift", "Pioneer", "Tempo", "Apex", "Quest", "Rover", "Swift", "Titan", "Vector", "Kestrel",
            "Lynx", "Meridian", "Nimbus", "Osprey", "Piccolo", "Quasar", "Raven", "Sierra", "Tundra"]

# feed kinds in the proportions of a typical monitoring setup, with reach weights per kind
KINDS = ["news"] * 6 + ["blog"] * 4 + ["review"] * 3 + ["social"] * 3 + ["forum"] * 2 + ["press"] * 2
WEIGHT = {"news": (0.8, 2.5), "blog": (0.3, 1.2), "review": (0.5, 1.5), "social": (0.4, 2.0),
          "forum": (0.3, 1.0), "press": (0.6, 1.5)}
OUTLETS = ["Daily Ledger", "Metro Herald", "Tech Pulse", "Commuter Weekly", "Market Watchers",
           "Urban Mobility Review", "The Rider Forum", "Gadget Bench", "Wire Service", "City Desk",
           "Ride Reviews", "Green Transit Blog", "Finance Today", "Startup Notes", "Consumer Voice"]
TOPICS = ["product_quality", "customer_service", "pricing", "delivery", "leadership", "legal_regulatory",
          "financial_results", "privacy_security", "workplace", "esg", "partnerships", "launches",
          "crisis_recall"]
STAGES = [""] * 14 + ["awareness"] * 3 + ["consideration"] * 2 + ["purchase", "advocacy"]
STATUSES = (["new"] * 55 + ["read"] * 28 + ["flagged"] * 5 + ["needs_response"] * 5 + ["responded"] * 2
            + ["archived"] * 5)
AUTHORS = ["", "", "Alex Morgan", "Sam Lee", "Priya Nair", "Tom Becker", "Lucia Alvarez", "Kenji Sato",
           "Fatima Noor", "Chris Walker", "Ana Costa", "newsdesk"]

NOUNS = ("service quality delivery price support app update range motor design commute safety "
         "warranty repair software battery charger frame brakes display subscription fleet "
         "dealer network rollout pricing plan checkout refund policy factory supply chain "
         "partnership pilot program launch event showroom helpline").split()
# {e}: the entity's name; {n}, {m}: nouns. No template may put "battery" before "life" or
# contain the selective phrase: their frequencies are set explicitly below.
POSITIVE = [
    "{e} reported results that beat analyst expectations for the quarter.",
    "Customers praised the {n} and the friendly {m} team at {e}.",
    "The new {n} from {e} has impressive range and a solid {m}.",
    "{e} won an industry award for its {n} and {m}.",
    "Riders say {e} fixed the {n} quickly and the {m} now works well.",
    "{e} announced a partnership to improve the {n} across Europe.",
    "Reviewers called the {e} {n} excellent value for money.",
    "{e} expanded its {n} to three more cities after strong demand.",
]
NEGATIVE = [
    "Several riders complained about the {n} and slow {m} from {e}.",
    "Critics called the {e} {n} disappointing and overpriced.",
    "{e} faced criticism after a week-long outage of its {n}.",
    "A lawsuit accuses {e} of misleading customers about the {n}.",
    "{e} said the recall of the {n} would cost millions.",
    "Customers report that {e} ignored complaints about the broken {n}.",
    "Analysts warned that {e} is losing ground because of the {n} and {m}.",
    "Regulators opened an inquiry into the {n} at {e}.",
]
NEUTRAL = [
    "A spokesperson for {e} declined to comment on the {n}.",
    "{e} will present its {n} plans at an event next month.",
    "{e} confirmed changes to the {n} and {m} in a statement.",
    "The {n} at {e} is scheduled for review later this year.",
]
# executives speak and are spoken about
EXEC_POSITIVE = [
    "In an interview, {e} explained the {n} strategy clearly and convincingly.",
    "Staff describe {e} as an approachable leader who fixed the {n}.",
    "{e} was named one of the most respected executives in the industry.",
    "Investors welcomed the plan {e} presented for the {n} and {m}.",
]
EXEC_NEGATIVE = [
    "{e} faced tough questions about the {n} and the failed {m}.",
    "Former employees criticised {e} for ignoring problems with the {n}.",
    "Shareholders called on {e} to resign over the {n} losses.",
    "{e} apologised after comments about the {n} caused an outcry.",
]
EXEC_NEUTRAL = [
    "{e} will speak about the {n} at a conference next week.",
    "{e} did not respond to a request for comment on the {n}.",
    "A profile of {e} looks at the {n} and {m} decisions of the past year.",
]
GENERIC = [
    "The {n} market grew steadily over the past year, according to industry figures.",
    "Commuters in several cities are switching to electric bikes for shorter trips.",
    "Industry analysts expect the {n} segment to consolidate as competition increases.",
    "Local officials discussed new rules for the {n} and {m} on city streets.",
    "Prices for components such as the {n} have stabilised after last year's shortages.",
    "Many buyers compare the {n} and the {m} before choosing a model.",
    "Delivery times for the {n} vary between regions and dealers.",
    "Surveys suggest that the {m} matters more to buyers than the {n}.",
    "The report also looked at the {n} and {m} of smaller brands.",
    "Cycling groups welcomed the investment in protected lanes.",
    "Insurance costs for electric bikes depend on the {n} and the {m}.",
    "Several startups are testing subscription models for the {n}.",
    "Weather and seasonality continue to shape demand for the {m}.",
    "Owners shared tips about maintaining the {n} over winter.",
]
HEADLINES = [
    "{e} {n} under scrutiny", "{e} unveils new {n}", "Why riders are talking about {e}",
    "{e} and the future of the {n}", "{e} {n} review: what we found", "{e} responds to {n} complaints",
    "Inside {e}'s {n} strategy", "{e} cuts prices on the {n}", "{e} {n} problems continue",
    "{e} reports quarterly results", "Hands-on with the {e} {n}", "{e} expands {n} to new cities",
]
COMMON_SENTENCES = ["Reviewers keep coming back to the battery life.",
                    "Owners say the battery life is better than advertised.",
                    "The battery life dropped noticeably after a few months, some owners say."]
SELECTIVE_SENTENCE = "Engineers demonstrated the turbo encabulator at the annual {n} event."


def entity_plan(n: int = 40) -> list[dict]:
    """The entities: 1 brand, up to 4 executives, up to 6 competitors, the rest products."""
    out = [{"kind": "brand", "name": "Acme", "query": '"Acme Corp" OR Acme -"Acme anvil"',
            "aliases": ["ACME Inc"], "importance": 1.0, "title": "", "say": "Acme"}]
    for name, title in EXECUTIVES[:max(0, min(4, n - 1))]:
        out.append({"kind": "executive", "name": name, "query": f'"{name}" AND (Acme OR {title})',
                    "aliases": [], "importance": 0.9, "title": f"{title}, Acme", "say": name, "role": title})
    for name in COMPETITORS[:max(0, min(6, n - len(out)))]:
        out.append({"kind": "competitor", "name": name, "query": f'{name} OR "{name} Corporation"',
                    "aliases": [], "importance": 0.5, "title": "", "say": name})
    for noun in PRODUCTS[:max(0, n - len(out))]:
        out.append({"kind": "product", "name": f"Acme {noun}", "query": f'"Acme {noun}" OR "{noun} e-bike"',
                    "aliases": [], "importance": 0.7, "title": "", "say": f"{noun} e-bike"})
    if len(out) < n:
        raise SystemExit(f"at most {len(out)} entities")
    return out


def _pool(rng: random.Random, templates: list[str], size: int) -> list[str]:
    """Templates filled with nouns; the entity stays a placeholder (\\x00)."""
    return [rng.choice(templates).format(e="\x00", n=rng.choice(NOUNS), m=rng.choice(NOUNS)) for _ in range(size)]


def generate(out: Path, *, mentions: int = 1_000_000, seed: int = 1, days: int = 365, entities: int = 40,
             now: int | None = None, quiet: bool = False) -> dict:
    """Build the workspace at ``out`` (which must not hold one). Returns counts and seconds."""
    started = time.monotonic()

    def say(msg: str) -> None:
        if not quiet:
            print(f"[{time.monotonic() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    rng = random.Random(seed)
    now = int(now if now is not None else time.time())
    ws = wsmod.create(out)
    conn = ws.connect()
    conn.row_factory = None
    # a generated cache, not user data: no rollback journal, no syncs while loading
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-524288")
    conn.execute("PRAGMA foreign_keys=OFF")
    ents = entity_plan(entities)
    sla = settings_store.get(conn, "sla_hours")

    # -- entities and feeds ---------------------------------------------------------------
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO entities (id, kind, name, query, aliases, importance, title, created) VALUES (?,?,?,?,?,?,?,?)",
        [(i + 1, e["kind"], e["name"], e["query"], json.dumps(e["aliases"]), e["importance"], e["title"],
          now - days * 86400) for i, e in enumerate(ents)])
    feeds = []
    for i in range(200):
        kind = KINDS[i % len(KINDS)]
        lo, hi = WEIGHT[kind]
        feeds.append((i + 1, f"https://{kind}{i}.example.com/feed.xml", f"{rng.choice(OUTLETS)} {kind} {i}", kind,
                      round(rng.uniform(lo, hi), 2)))
    # fake sources: fetched "now", due again in ten years, so a refresh leaves them alone
    conn.executemany(
        "INSERT INTO feeds (id, url, title, kind, weight, created, last_status, last_fetched, next_due) "
        "VALUES (?,?,?,?,?,?,'ok',?,?)",
        [(*f, now - days * 86400, now, now + 10 * 365 * 86400) for f in feeds])
    settings_store.set_(conn, SETTINGS_KEY, {"version": GENERATOR_VERSION, "mentions": mentions, "seed": seed,
                                             "days": days, "entities": entities, "now": now})
    conn.execute("COMMIT")

    # -- drop what makes a bulk load slow; remember the exact SQL to put it back --------------
    dropped_triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('items', 'mentions') "
        "AND (name LIKE 'items_fts_%' OR name LIKE 'mention_daily_%' OR name LIKE 'mention_counts_%') "
        "ORDER BY rowid").fetchall()
    dropped_indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('items', 'mentions') "
        "AND sql IS NOT NULL ORDER BY rowid").fetchall()
    for name, _ in dropped_triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for name, _ in dropped_indexes:
        conn.execute(f"DROP INDEX {name}")

    # -- content ------------------------------------------------------------------------------
    pos_pool, neg_pool = _pool(rng, POSITIVE, 800), _pool(rng, NEGATIVE, 800)
    neu_pool, gen_pool = _pool(rng, NEUTRAL, 400), _pool(rng, GENERIC, 2000)
    head_pool = _pool(rng, HEADLINES, 1500)
    tone_pool = {"negative": neg_pool, "neutral": neu_pool, "positive": pos_pool}
    exec_pool = {"negative": _pool(rng, EXEC_NEGATIVE, 300), "neutral": _pool(rng, EXEC_NEUTRAL, 200),
                 "positive": _pool(rng, EXEC_POSITIVE, 300)}
    pools = [exec_pool if e["kind"] == "executive" else tone_pool for e in ents]
    # how another entity is cited in an item about someone else (an executive with the role,
    # so that a query like '"Jane Doe" AND (Acme OR CEO)' matches)
    cited = [f"{e['role']} {e['say']}" if e["kind"] == "executive" else e["say"] for e in ents]
    zipf = [1.0 / (i + 1) ** 1.0 for i in range(len(ents))]
    cum = []
    acc = 0.0
    for w in zipf:
        acc += w
        cum.append(acc)
    kinds_by_feed = [f[3] for f in feeds]
    weight_by_feed = [f[4] for f in feeds]
    n_items_est = max(1, round(mentions / 1.3))
    span = days * 86400
    start = now - span
    recent: list[tuple[str, str, int, int]] = []  # (title, title_norm, cluster, subject) of the last items
    item_rows: list[tuple] = []
    mention_rows: list[tuple] = []
    made = item_id = 0
    per_feed = [0] * len(feeds)
    conn.execute("BEGIN")
    while made < mentions:
        item_id += 1
        # published in id order with jitter, like a workspace filled by refreshes
        published = min(now - 60, start + int((item_id - 1 + rng.random() * 3) * span / n_items_est))
        first_seen = min(now, published + rng.randrange(60, 4 * 3600))
        feed = rng.randrange(200)
        per_feed[feed] += 1
        kind = kinds_by_feed[feed]
        roll = rng.random()
        k = 1 if roll < 0.725 else 2 if roll < 0.975 else 3  # 1.3 mentions per item on average
        # syndication: ~6 % of items are a copy of a recent item's story (same title and subject)
        copy = recent[rng.randrange(len(recent))] if recent and rng.random() < 0.06 else None
        picked: list[int] = [copy[3]] if copy else []
        while len(picked) < k:
            e = _bisect(cum, rng.random() * acc)
            if e not in picked:
                picked.append(e)
        tone = _tone(rng)
        main = ents[picked[0]]["say"]
        # the text: about the main entity first, other entities later, generic context between
        target = rng.randint(300, 1500)
        pool = pools[picked[0]]
        parts = [rng.choice(pool[tone]).replace("\x00", main)]
        if ents[picked[0]]["kind"] == "executive":
            role = ents[picked[0]]["role"]
            parts.append(f"{main} became {role} of the company {rng.randrange(2, 15)} years ago.")
        length = sum(len(x) + 1 for x in parts)
        others = list(picked[1:])
        while length < target:
            r = rng.random()
            if others and r < 0.2:
                o = others.pop()
                s = rng.choice(pools[o][_tone(rng)]).replace("\x00", cited[o])
            elif r < 0.33:
                s = rng.choice(pool[tone]).replace("\x00", main)
            else:
                s = rng.choice(gen_pool)
            parts.append(s)
            length += len(s) + 1
        for o in others:
            parts.append(rng.choice(pools[o]["neutral"]).replace("\x00", cited[o]))
        if rng.random() < COMMON_SHARE:
            parts.insert(rng.randrange(1, len(parts) + 1), rng.choice(COMMON_SENTENCES))
        if rng.random() < SELECTIVE_SHARE:
            parts.insert(rng.randrange(1, len(parts) + 1), SELECTIVE_SENTENCE.format(n=rng.choice(NOUNS)))
        text = " ".join(parts)
        if copy:
            title, tnorm, cluster = copy[:3]
        else:
            title = rng.choice(head_pool).replace("\x00", main)
            tnorm, cluster = title_norm(title), item_id
        recent.append((title, tnorm, cluster, picked[0]))
        if len(recent) > 30:
            del recent[0]
        url = f"https://{kind}{feed}.example.com/{time.strftime('%Y/%m', time.gmtime(published))}/{item_id}"
        rating = None
        if kind == "review":
            rating = float(rng.choice((1, 1, 2)) if tone == "negative" else 3 if tone == "neutral" else rng.choice((4, 5, 5)))
        item_rows.append((item_id, feed + 1, url, url, url, title, text, rng.choice(AUTHORS), published, first_seen,
                          rating, cluster, tnorm, items_store.title_key(tnorm), "en"))
        for j, e in enumerate(picked):
            t = tone if j == 0 else _tone(rng)
            s = (rng.uniform(-0.95, -0.05) if t == "negative" else rng.uniform(-0.0499, 0.0499) if t == "neutral"
                 else rng.uniform(0.05, 0.95))
            s = round(s, 4)
            ent = ents[e]
            pr = prio.priority(sentiment=s, feed_weight=weight_by_feed[feed], feed_kind=kind,
                               importance=ent["importance"], published=published, now=first_seen)
            status = rng.choice(STATUSES)
            if status != "new" and first_seen > now - 86400 and rng.random() < 0.7:
                status = "new"  # fresh coverage is mostly untriaged
            status_at = None if status == "new" else min(now, first_seen + rng.randrange(600, 3 * 86400))
            name = ent["say"]
            at = text.find(name)
            snippet = text[max(0, at - 60):at + 180] if at >= 0 else title
            topics = ",".join(sorted(set(rng.sample(TOPICS, rng.choice((0, 1, 1, 1, 2))))))
            mention_rows.append((item_id, e + 1, published, kind, snippet, s, s, "orm",
                                 "rating+text" if rating is not None else "text", "[]", topics,
                                 rng.choice(STAGES), pr, prio.due_at(pr, first_seen, sla), status, status_at,
                                 "" if status_at is None else "analyst",
                                 "sam" if status == "needs_response" and rng.random() < 0.5 else "", first_seen))
            made += 1
            if made >= mentions:
                break
        if len(item_rows) >= 20_000:
            _flush(conn, item_rows, mention_rows)
            say(f"{made:,} mentions, {item_id:,} items")
    _flush(conn, item_rows, mention_rows)
    conn.execute("COMMIT")
    say(f"{made:,} mentions, {item_id:,} items loaded; indexes ...")

    # -- put everything back ----------------------------------------------------------------
    for _name, sql in dropped_indexes:
        conn.execute(sql)
    say("rollups ...")
    conn.execute("BEGIN")
    # the rollups, facet rows and counts of every mention, as the store writes a refresh's (SQLite
    # has no insert triggers since migration m014)
    items_store.index_new_rows(conn, mentions=(0, conn.execute("SELECT max(id) FROM mentions").fetchone()[0] or 0))
    conn.executemany("UPDATE feeds SET items_total = ? WHERE id = ?", [(n, i + 1) for i, n in enumerate(per_feed)])
    conn.execute("COMMIT")
    say("full-text index (rebuild) ...")
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
    for _name, sql in dropped_triggers:
        conn.execute(sql)
    say("full-text index (optimize) ...")
    conn.execute("INSERT INTO items_fts (items_fts) VALUES ('optimize')")
    say("ANALYZE ...")
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    seconds = time.monotonic() - started
    say(f"generated {made:,} mentions, {item_id:,} items in {seconds:.1f} s at {out}")
    return {"mentions": made, "items": item_id, "entities": len(ents), "feeds": len(feeds),
            "seconds": round(seconds, 1), "now": now}


def _bisect(cum: list[float], x: float) -> int:
    lo, hi = 0, len(cum) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _tone(rng: random.Random) -> str:
    r = rng.random()
    return "negative" if r < NEGATIVE_SHARE else "neutral" if r < NEGATIVE_SHARE + NEUTRAL_SHARE else "positive"


def _flush(conn: sqlite3.Connection, item_rows: list, mention_rows: list) -> None:
    conn.executemany(
        "INSERT INTO items (id, feed_id, guid, url, canonical_url, title, text, author, published, first_seen, "
        "rating, cluster_id, title_norm, title_key, lang) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", item_rows)
    conn.executemany(
        "INSERT INTO mentions (item_id, entity_id, published, feed_kind, snippet, sentiment, machine_sentiment, "
        "engine, score_source, evidence, topics, stage, priority, due_at, status, status_at, status_by, assignee, "
        "created) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", mention_rows)
    item_rows.clear()
    mention_rows.clear()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mentions", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--days", type=int, default=365)
    p.add_argument("--entities", type=int, default=40)
    p.add_argument("--now", type=int, default=None, help="the newest time (Unix seconds); default: now")
    a = p.parse_args()
    if (a.out / wsmod.DB_NAME).exists():
        sys.exit(f"{a.out} already holds a workspace")
    r = generate(a.out, mentions=a.mentions, seed=a.seed, days=a.days, entities=a.entities, now=a.now)
    print(json.dumps(r))


if __name__ == "__main__":
    main()
