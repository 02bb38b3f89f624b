"""Foundation schema: settings, entities, feeds, items (+FTS5), mentions, alerts, fetch runs."""

from __future__ import annotations

import sqlite3

SQL = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL                       -- JSON
);

CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('brand', 'executive', 'competitor', 'product')),
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    query TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',       -- JSON list
    importance REAL NOT NULL DEFAULT 1.0,
    active INTEGER NOT NULL DEFAULT 1,
    title TEXT NOT NULL DEFAULT '',
    photo TEXT NOT NULL DEFAULT '',
    crisis INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);

CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'news'
        CHECK (kind IN ('news', 'blog', 'review', 'social', 'forum', 'press')),
    category TEXT NOT NULL DEFAULT '',
    weight REAL NOT NULL DEFAULT 1.0,
    enabled INTEGER NOT NULL DEFAULT 1,
    template_url TEXT NOT NULL DEFAULT '',    -- the {query} template this feed was expanded from
    entity_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
    etag TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_fetched INTEGER,
    last_status TEXT NOT NULL DEFAULT '',
    last_error TEXT NOT NULL DEFAULT '',
    error_count INTEGER NOT NULL DEFAULT 0,
    next_due INTEGER,
    items_total INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
    guid TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,                       -- plain text: matching, scoring, search
    html TEXT NOT NULL DEFAULT '',            -- sanitized HTML: display only
    author TEXT NOT NULL DEFAULT '',
    published INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    rating REAL,                              -- 0..5 stars
    cluster_id INTEGER,                       -- id of the first item of its syndication cluster
    title_norm TEXT NOT NULL DEFAULT '',
    title_key TEXT NOT NULL DEFAULT '',       -- first words of title_norm: syndication look-up
    lang TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX items_canonical_url ON items (canonical_url);
CREATE INDEX items_guid ON items (guid);
CREATE INDEX items_title_key ON items (title_key, published);
CREATE INDEX items_cluster ON items (cluster_id);

CREATE VIRTUAL TABLE items_fts USING fts5 (
    title, text, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_fts_ai AFTER INSERT ON items BEGIN
    INSERT INTO items_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER items_fts_ad AFTER DELETE ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER items_fts_au AFTER UPDATE OF title, text ON items BEGIN
    INSERT INTO items_fts (items_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO items_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
END;

CREATE TABLE mentions (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    published INTEGER NOT NULL,               -- copy of items.published for the covering index
    feed_kind TEXT NOT NULL DEFAULT 'news',   -- copy of feeds.kind for filters without a join
    snippet TEXT NOT NULL DEFAULT '',
    sentiment REAL NOT NULL DEFAULT 0,        -- effective score: the override when set, else machine
    machine_sentiment REAL NOT NULL DEFAULT 0,
    engine TEXT NOT NULL DEFAULT '',
    score_source TEXT NOT NULL DEFAULT '',    -- text | rating | rating+text | none
    evidence TEXT NOT NULL DEFAULT '[]',      -- JSON [[sentence, score], ...]
    override REAL,
    override_by TEXT,
    override_at INTEGER,
    topics TEXT NOT NULL DEFAULT '',          -- comma separated topic ids
    stage TEXT NOT NULL DEFAULT '',           -- customer-journey stage
    priority REAL NOT NULL DEFAULT 0,
    due_at INTEGER,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'read', 'flagged', 'needs_response', 'responded', 'archived')),
    status_at INTEGER,
    status_by TEXT NOT NULL DEFAULT '',
    assignee TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '',
    muted INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL,
    UNIQUE (item_id, entity_id)
);
CREATE INDEX mentions_entity_published ON mentions (entity_id, published, sentiment);
CREATE INDEX mentions_published ON mentions (published);
CREATE INDEX mentions_status_published ON mentions (status, published);
CREATE INDEX mentions_priority ON mentions (priority);
CREATE INDEX mentions_muted ON mentions (id) WHERE muted = 1;  -- tiny: "are any muted?"

-- per entity and UTC day: volume by label and summed sentiment, kept by triggers (trend charts
-- and alerts read 365 rows instead of scanning a large entity's mentions)
CREATE TABLE mention_daily (
    entity_id INTEGER NOT NULL,
    day INTEGER NOT NULL,                     -- published / 86400
    total INTEGER NOT NULL DEFAULT 0,
    positive INTEGER NOT NULL DEFAULT 0,
    neutral INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    sentiment_sum REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, day)
) WITHOUT ROWID;
CREATE TRIGGER mention_daily_ai AFTER INSERT ON mentions BEGIN
    INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum)
    VALUES (new.entity_id, new.published / 86400, 1, new.sentiment >= 0.05,
            new.sentiment > -0.05 AND new.sentiment < 0.05, new.sentiment <= -0.05, new.sentiment)
    ON CONFLICT (entity_id, day) DO UPDATE SET total = total + 1,
        positive = positive + (new.sentiment >= 0.05),
        neutral = neutral + (new.sentiment > -0.05 AND new.sentiment < 0.05),
        negative = negative + (new.sentiment <= -0.05), sentiment_sum = sentiment_sum + new.sentiment;
END;
CREATE TRIGGER mention_daily_ad AFTER DELETE ON mentions BEGIN
    UPDATE mention_daily SET total = total - 1, positive = positive - (old.sentiment >= 0.05),
        neutral = neutral - (old.sentiment > -0.05 AND old.sentiment < 0.05),
        negative = negative - (old.sentiment <= -0.05), sentiment_sum = sentiment_sum - old.sentiment
    WHERE entity_id = old.entity_id AND day = old.published / 86400;
END;
CREATE TRIGGER mention_daily_au AFTER UPDATE OF sentiment, published, entity_id ON mentions BEGIN
    UPDATE mention_daily SET total = total - 1, positive = positive - (old.sentiment >= 0.05),
        neutral = neutral - (old.sentiment > -0.05 AND old.sentiment < 0.05),
        negative = negative - (old.sentiment <= -0.05), sentiment_sum = sentiment_sum - old.sentiment
    WHERE entity_id = old.entity_id AND day = old.published / 86400;
    INSERT INTO mention_daily (entity_id, day, total, positive, neutral, negative, sentiment_sum)
    VALUES (new.entity_id, new.published / 86400, 1, new.sentiment >= 0.05,
            new.sentiment > -0.05 AND new.sentiment < 0.05, new.sentiment <= -0.05, new.sentiment)
    ON CONFLICT (entity_id, day) DO UPDATE SET total = total + 1,
        positive = positive + (new.sentiment >= 0.05),
        neutral = neutral + (new.sentiment > -0.05 AND new.sentiment < 0.05),
        negative = negative + (new.sentiment <= -0.05), sentiment_sum = sentiment_sum + new.sentiment;
END;

-- counts per entity and status, kept by triggers: the inbox's row count without a scan
CREATE TABLE mention_counts (
    entity_id INTEGER NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (entity_id, status)
) WITHOUT ROWID;
CREATE TRIGGER mention_counts_ai AFTER INSERT ON mentions BEGIN
    INSERT INTO mention_counts (entity_id, status, n) VALUES (new.entity_id, new.status, 1)
    ON CONFLICT (entity_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER mention_counts_ad AFTER DELETE ON mentions BEGIN
    UPDATE mention_counts SET n = n - 1 WHERE entity_id = old.entity_id AND status = old.status;
END;
CREATE TRIGGER mention_counts_au AFTER UPDATE OF status, entity_id ON mentions BEGIN
    UPDATE mention_counts SET n = n - 1 WHERE entity_id = old.entity_id AND status = old.status;
    INSERT INTO mention_counts (entity_id, status, n) VALUES (new.entity_id, new.status, 1)
    ON CONFLICT (entity_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,                       -- volume_spike | negativity_spike
    window_start INTEGER NOT NULL,
    window_end INTEGER NOT NULL,
    observed REAL NOT NULL,
    baseline REAL NOT NULL,
    score REAL NOT NULL,                      -- test statistic (see docs)
    detail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'open',      -- open | acknowledged
    created INTEGER NOT NULL,
    UNIQUE (entity_id, kind, window_start)
);

CREATE TABLE fetch_runs (
    id INTEGER PRIMARY KEY,
    started INTEGER NOT NULL,
    finished INTEGER,
    feeds INTEGER NOT NULL DEFAULT 0,
    ok INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    entries INTEGER NOT NULL DEFAULT 0,
    new_items INTEGER NOT NULL DEFAULT 0,
    new_mentions INTEGER NOT NULL DEFAULT 0
);
"""


def apply(conn: sqlite3.Connection) -> None:
    for statement in _split(SQL):
        conn.execute(statement)


def _split(sql: str) -> list[str]:
    """Split on ';' at statement ends, keeping trigger bodies (BEGIN ... END;) whole."""
    out, buf = [], []
    for line in sql.splitlines():
        stripped = line.split("--", 1)[0].strip()
        buf.append(line)
        if stripped.endswith(";"):
            text = "\n".join(buf).strip()
            if text.upper().startswith("CREATE TRIGGER") and not stripped.upper().endswith("END;"):
                continue
            out.append(text)
            buf = []
    if "".join(buf).strip():
        out.append("\n".join(buf))
    return out
