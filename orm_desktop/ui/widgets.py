"""Small widget helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QHBoxLayout, QPushButton


def button_row(buttons: Iterable[tuple[str, Callable[[], object]]], *, stretch: bool = True) -> QHBoxLayout:
    """A row of push buttons (label, slot), left-aligned."""
    row = QHBoxLayout()
    for label, fn in buttons:
        b = QPushButton(label)
        b.clicked.connect(fn)
        row.addWidget(b)
    if stretch:
        row.addStretch(1)
    return row
