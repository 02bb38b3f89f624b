"""A partial index of the mentions that can be overdue (a due time and a status needing a
response), in due order, for the inbox's "N overdue" (Responses page, Dashboard, digest:
``store/responses.overdue_count`` and ``overdue``). Without it SQLite read every mention needing a
response through (status, published) and sorted the overdue ones in a temporary B-tree: at
300,000 mentions (29,755 needing a response, 15,946 overdue) the count took 29-53 ms and the list
45-93 ms, on each visit of those pages; with it 1.9 ms and 1.1 ms (docs/performance.md). Small:
only those mentions (built in 46 ms at 300k). SQLite's queries name it (INDEXED BY): without
statistics its planner kept to (status, published)."""

from __future__ import annotations

import sqlite3


def apply(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE INDEX IF NOT EXISTS mentions_overdue ON mentions (due_at) "
                 "WHERE due_at IS NOT NULL AND status IN ('needs_response', 'flagged')")
