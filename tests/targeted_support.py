"""Helpers shared by the entity-targeted scoring tests."""

from __future__ import annotations

from collections.abc import Callable

from orm_desktop.analysis import sentiment as S
from orm_desktop.ingest.query import EntityQuery


def spans(name: str) -> Callable[[str], list[tuple[int, int]]]:
    """The entity's mentions as scoring finds them (``score --entity NAME``: the name as a phrase)."""
    return EntityQuery.parse(f'"{name}"').spans


def rules_label(text: str, entity: str = "Quenby") -> str:
    """The label the targeted rules alone (no learned layer) give the text toward the entity."""
    return S.rules_toward("", text, spans(entity))[0].label
