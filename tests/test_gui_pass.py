"""An exploratory pass over the desktop GUI as a new user and as an adversary: each test drives the
real widget and failed on the code before its fix."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


# -- a search with nothing searchable in it showed "0 mentions" and never said why ----------------
@pytest.mark.parametrize("typed", ['"', "-recall", "🚲", "()"])
def test_a_search_the_inbox_cannot_run_says_so_instead_of_zero_mentions(window, qtbot, typed):
    inbox = window.inbox
    window.show_page("Inbox")
    said: list[str] = []
    inbox.status_message.connect(said.append)
    inbox.filters.search.setText(typed)
    qtbot.waitUntil(lambda: inbox.model.filter.search == typed, timeout=3000)
    assert "0 mentions" not in inbox.count_label.text()
    assert "nothing to search for" in inbox.count_label.text()
    assert any("nothing to search for" in s for s in said)
    # a search it can run counts again
    inbox.filters.search.setText("recall")
    qtbot.waitUntil(lambda: inbox.model.filter.search == "recall", timeout=3000)
    qtbot.waitUntil(lambda: inbox.model.exact, timeout=5000)
    assert inbox.count_label.text() == f"{inbox.model.total:,} mentions" and inbox.model.total > 0


def test_a_long_search_the_inbox_cannot_run_keeps_the_window_on_a_laptop_screen(window, qtbot):
    inbox = window.inbox
    window.show_page("Inbox")
    inbox.filters.search.setText("(" * 5000)
    qtbot.waitUntil(lambda: inbox.model.filter.search == "(" * 5000, timeout=3000)
    assert inbox.count_label.text().startswith("nothing to search for")
    assert len(inbox.count_label.text()) <= 60 and inbox.count_label.toolTip().startswith("nothing to search for")
    assert window.minimumSizeHint().width() <= 1300
