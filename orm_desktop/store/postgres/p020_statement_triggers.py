"""PostgreSQL only (no SQLite migration goes with it): the rollup and facet triggers on INSERT
INTO mentions fire once per statement over its new rows (a transition table) instead of once per
row, for a team database made before (``schema.insert_triggers_sql``; the update and delete
triggers stay per row). Idempotent. A step numbered above the SQLite schema version runs once
per database, recorded in ``schema_meta`` 'pg_step' (``schema.upgrade``); when a SQLite
migration takes this number, renumber this step above it (a database that ran it under this
number runs it once more, which changes nothing). It was p014 until SQLite migration m014 took
that number (m014 has no PostgreSQL step: PostgreSQL's insert triggers already fire once per
statement). Then p015 until SQLite migrations m015 and m016 took that number and the next; then p017
until SQLite migration m017 (not-scored mentions in the daily rollup) took it; then p018 until
SQLite migration m018 (the index of items by feed, ``feeds.watched_since``) took it; then p019
until SQLite migration m019 (``feeds.watched_until``, ``feed_gaps``) took it."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.postgres import schema

    conn.execute(schema.insert_triggers_sql())
