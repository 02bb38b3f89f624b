"""Rough edges a person meets: the Feeds page's folded columns, the wizard's aliases, Assign… by mouse."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from orm_desktop.service import Service  # noqa: E402


def test_a_disabled_feed_reads_disabled_and_next_due_is_in_the_last_fetched_tooltip(tmp_path, qtbot):
    """The Feeds page had "Enabled" and "Next due" columns of their own (11 columns: the URL got
    31 px at a 960 px window). Status now says "disabled"; the next fetch is in a tooltip."""
    from orm_desktop.ui.manage import FeedsView

    svc = Service.create(tmp_path / "ws")
    try:
        on = svc.add_feed("https://on.example/feed.xml", title="On")[0]
        off = svc.add_feed("https://off.example/feed.xml", title="Off")[0]
        svc.update_feed(off.id, enabled=0)
        view = FeedsView(svc)
        qtbot.addWidget(view)
        cols = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
        assert "Enabled" not in cols and "Next due" not in cols
        rows = {view.table.item(r, 0).text(): r for r in range(view.table.rowCount())}
        status, last = cols.index("Status"), cols.index("Last fetched")
        assert view.table.item(rows["On"], status).text() == "never fetched"
        assert view.table.item(rows["Off"], status).text() == "disabled"
        assert view.table.item(rows["On"], last).toolTip().startswith("next due: ")
        assert view.table.item(rows["Off"], last).toolTip() == "disabled: not fetched"
        assert on.id != off.id
    finally:
        svc.close()


def test_the_set_up_wizard_takes_aliases_checked_as_the_entities_page_does(tmp_path, qtbot, monkeypatch):
    """The wizard had no alias field: "Also known as" names for an executive or a competitor had
    to be added afterwards on the Entities page. A bad alias is refused with the service's own
    message (control character, length), live on the row and again before anything is written."""
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.ui.onboarding import OnboardingWizard

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: warned.append(text))
    svc = Service.create(tmp_path / "ws")
    try:
        wizard = OnboardingWizard(svc)
        qtbot.addWidget(wizard)
        wizard.brand.name.setText("Acme")
        assert "Also known as" in wizard.executives.columns and "Also known as" in wizard.competitors.columns
        wizard.executives.set_row(0, "Jane Doe", "CEO", aliases="J. Doe, Janie\x1b[2J")
        assert "control character" in wizard.executives.errors.text()
        assert not wizard.executives.isComplete()
        wizard.accept()
        assert warned and "alias cannot contain a control character" in warned[-1], warned
        assert svc.entities() == []  # nothing half written
        wizard.executives.set_row(0, "Jane Doe", "CEO", aliases="J. Doe, Janie")
        wizard.competitors.set_row(0, "Globex", aliases="Globex Corp")
        assert wizard.executives.isComplete() and wizard.competitors.isComplete()
        wizard.accept()
        got = {e.name: e.aliases for e in svc.entities()}
        assert got == {"Acme": (), "Jane Doe": ("J. Doe", "Janie"), "Globex": ("Globex Corp",)}, got
    finally:
        svc.close()
