"""Entity names, aliases and titles with control characters or bidi overrides, stored in a team
database before they were checked (or written there by a colleague's own SQL), repaired as the
SQLite migration m015 repairs them (``migrations/m015_entity_texts.repair``), with its notes in
``migration_log`` (the table comes from schema.upgrade). Runs once, as the owner's upgrade to
version 15."""

from __future__ import annotations


def apply(conn) -> None:
    from orm_desktop.store.migrations import m015_entity_texts

    m015_entity_texts.repair(conn)
