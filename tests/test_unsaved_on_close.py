"""Closing the window (or quitting) with a reply, an entity or a rule typed and not saved asked
nothing: the edits were gone. And the Rules form dropped its edits when another rule was clicked.
Each test drives the real window and failed on the code before the fix."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


def _question(window):
    from PySide6.QtWidgets import QMessageBox

    box = window.findChild(QMessageBox, "unsaved_on_close")
    return box if box is not None and box.isVisible() else None


def _answer(box, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    button.click()


def _type_a_reply(window):
    from tests.gui_support import open_demo_draft

    view, draft = open_demo_draft(window)
    view.editor.setPlainText(draft.text + " We will call you today.")
    return draft


def test_closing_with_an_unsaved_reply_asks_and_cancel_keeps_the_window_and_the_text(window, qtbot):
    draft = _type_a_reply(window)
    typed = window.responses.editor.toPlainText()
    assert window.close() is False  # refused while it asks
    qtbot.waitUntil(lambda: _question(window) is not None, timeout=3000)
    box = _question(window)
    assert f"response #{draft.id}" in box.text()
    assert window.isVisible()
    _answer(box, "Cancel")
    qtbot.waitUntil(lambda: _question(window) is None, timeout=3000)
    assert window.isVisible() and window.responses.editor.toPlainText() == typed
    assert window.svc.response(draft.id).text == draft.text  # nothing written behind the user's back


def test_close_without_saving_closes_and_a_second_close_does_not_ask_twice(window, qtbot):
    _type_a_reply(window)
    window.close()
    window.close()  # asked again while the question is up: the same question, not a second one
    from PySide6.QtWidgets import QMessageBox

    assert len([b for b in window.findChildren(QMessageBox, "unsaved_on_close") if b.isVisible()]) == 1
    _answer(_question(window), "Close without saving")
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def test_closing_with_nothing_unsaved_closes_at_once(window, qtbot):
    window.show_page("Responses")
    assert window.unsaved_edits() == []
    assert window.close() is True
    assert _question(window) is None


def test_an_unsaved_entity_and_rule_are_named_when_closing(window, qtbot):
    window.show_page("Entities")
    window.entities.new()
    window.entities.name.setText("Halden Bikes")
    window.show_page("Rules")
    window.rules.name.setText(window.rules.name.text() + " (edited)")
    unsaved = window.unsaved_edits()
    assert unsaved[0] == "Halden Bikes" and unsaved[1].startswith("rule ") and unsaved[1].endswith("(edited)")
    window.close()
    qtbot.waitUntil(lambda: _question(window) is not None, timeout=3000)
    assert "Halden Bikes" in _question(window).text()
    _answer(_question(window), "Cancel")


def test_the_rules_form_asks_before_another_rule_replaces_its_edits(warned, window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window.show_page("Rules")
    view = window.rules
    if view.list.count() < 2:  # the demo has one saved rule: a second one to click
        view.new()
        view.name.setText("Second rule")
        view.terms.setText("warranty")
        view.tag.setText("warranty")
        view.save()
        assert not warned and view.list.count() >= 2
    view.list.setCurrentRow(0)
    first = view.rules[0]
    view.name.setText("Renamed, not saved")
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, text, *a, **k: (asked.append(text), answer[0])[1])
    view.list.setCurrentRow(1)  # Cancel: the form keeps the edit, on the first rule
    assert asked == ["Save your changes to rule Renamed, not saved first?"]
    assert view.current_id == first.id and view.name.text() == "Renamed, not saved"
    assert view.list.currentRow() == 0
    answer[0] = QMessageBox.StandardButton.Discard  # Discard: the other rule shows, nothing written
    view.list.setCurrentRow(1)
    assert view.current_id == view.rules[1].id and view.name.text() == view.rules[1].name
    assert next(r for r in window.svc.rules() if r.id == first.id).name == first.name
    view.list.setCurrentRow(0)  # nothing edited: no question
    assert len(asked) == 2 and view.current_id == first.id
    view.new()  # a new form after looking at a rule: no question either
    assert len(asked) == 2 and view.current_id is None


def test_a_new_entity_once_saved_is_not_unsaved_any_more(window, qtbot):
    """Saving a new entity left the form on "new" with its values: closing then asked about
    unsaved changes to an entity that was saved (and a second Save added it twice)."""
    window.show_page("Entities")
    view = window.entities
    view.new()
    view.name.setText("Halden Bikes")
    with qtbot.waitSignal(view.finished, timeout=20_000):
        view.save()
    saved = next(e for e in window.svc.entities() if e.name == "Halden Bikes")
    assert view.current_id == saved.id and window.unsaved_edits() == []
    with qtbot.waitSignal(view.finished, timeout=20_000):
        view.save()  # again: the same entity, not a second one
    assert [e.name for e in window.svc.entities()].count("Halden Bikes") == 1


def test_an_entity_changed_elsewhere_does_not_make_the_untouched_form_unsaved(window, qtbot):
    """The form compared itself with the database: someone else's save made a form nobody
    touched "unsaved" (closing asked about it)."""
    window.show_page("Entities")
    view = window.entities
    e = window.svc.entity(view.current_id)
    window.svc.update_entity(e.id, expected_version=e.version, by="sam", importance=0.3)  # another window
    assert window.unsaved_edits() == []
    view.aliases.setText("Typed alias")  # a real edit still counts
    assert window.unsaved_edits() == [e.name]
