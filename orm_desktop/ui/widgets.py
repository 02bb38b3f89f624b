"""Small widget helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget


def narrow(box: QComboBox, chars: int) -> QComboBox:
    """``box`` as wide as ``chars`` characters, not as its longest entry, so one long entry never
    widens the window past a laptop screen (the open list still shows entries in full)."""
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(chars)
    return box


def named[W: QWidget](widget: W, name: str, *, tab_leaves: bool = False) -> W:
    """``widget`` with the name a screen reader says for it (a control without a visible label or
    a label buddy is otherwise announced as nothing). ``tab_leaves``: Tab goes to the next control
    (a read-only table moves cell to cell on Tab, 1,400 stops in the inbox; a reply editor typed a
    tab character, and no key left it: not even Ctrl+Tab) instead of staying in it."""
    widget.setAccessibleName(name)
    if tab_leaves:
        if hasattr(widget, "setTabChangesFocus"):
            widget.setTabChangesFocus(True)
        else:
            widget.setTabKeyNavigation(False)
    return widget


def save_key(view: QWidget, button: QPushButton) -> None:
    """Ctrl+S anywhere in ``view`` presses its Save ``button`` when it is enabled (a form's Enter does
    nothing outside a dialog, and Tab to the button was the only way by keyboard)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence, QShortcut

    sc = QShortcut(QKeySequence("Ctrl+S"), view)
    sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    sc.activated.connect(lambda: button.isEnabled() and button.isVisible() and button.click())
    if not button.toolTip():
        button.setToolTip("Ctrl+S")


def names_combo(chars: int = 18) -> QComboBox:
    """A combo box of names people type (entities, display names, up to 200 characters), narrow."""
    return narrow(QComboBox(), chars)


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


def refuses_when_read_only(fn: Callable) -> Callable:
    """For a view's editing slot: does nothing in executive (read-only) mode, with a message.

    Qt passes a slot only as many arguments as its signature takes, so the wrapper forwards no
    more positional arguments than ``fn`` accepts (``clicked(bool)`` into ``save(self)``)."""
    import functools

    code = fn.__code__
    takes = None if code.co_flags & 0x04 else code.co_argcount - 1  # 0x04: *args

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        if getattr(self, "read_only", False):
            message = getattr(self, "status_message", None)
            if message is not None:
                message.emit("Executive mode is read-only: leave it (Ctrl+E) to change anything")
            return None
        return fn(self, *(args if takes is None else args[:takes]), **kwargs)

    return wrapper


def mark_safe_in_executive_mode(widget: QWidget) -> QWidget:
    """Mark a control (and everything inside it) as reading, not editing: filters, periods,
    report output. The GUI crawl test checks that every other control is off in executive mode."""
    widget.setProperty("exec_safe", True)
    return widget


def keep_mine_after_conflict(parent: QWidget, exc) -> bool:
    """Someone else saved the row since this window read it (errors.Conflict): ask
    "changed by <who> meanwhile: reload / keep mine". True = apply mine on their version."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, "Changed meanwhile",
                      f"{exc.what.capitalize()} {exc.row_id} was changed by {exc.who} meanwhile.", parent=parent)
    box.setObjectName("conflict_dialog")
    box.setInformativeText("Reload shows their change; Keep mine applies yours on top of it.")
    reload_btn = box.addButton("Reload", QMessageBox.ButtonRole.RejectRole)
    keep = box.addButton("Keep mine", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(reload_btn)
    box.setEscapeButton(reload_btn)
    box.exec()
    return box.clickedButton() is keep


def confirm_removal(parent: QWidget, title: str, question: str) -> bool:
    """Ask before a removal that cannot be undone: Yes / No, with No the default, so that Enter (or
    Esc) keeps the thing (with no default, Qt made Yes the default: one Enter removed it)."""
    from PySide6.QtWidgets import QMessageBox

    from orm_desktop.textsafe import display_text

    question = display_text(question)  # names typed by anyone (a colleague's rule): no bidi tricks, capped
    question = question if len(question) <= 300 else question[:299] + "…"
    buttons = QMessageBox.StandardButton
    return QMessageBox.question(parent, title, question, buttons.Yes | buttons.No, buttons.No) == buttons.Yes


def stay_for_unsaved(parent: QWidget, title: str, question: str, save: Callable[[], object],
                     still_unsaved: Callable[[], bool]) -> bool:
    """Before an editor shows something else: ask Save / Discard / Cancel about its unsaved
    edit. True = stay (Cancel, or a save that was refused and left the edit unsaved)."""
    from PySide6.QtWidgets import QMessageBox

    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(parent, title, question, buttons.Save | buttons.Discard | buttons.Cancel,
                                  buttons.Save)
    if answer == buttons.Save:
        save()
        return still_unsaved()
    return answer != buttons.Discard


def hold_row(lst, shown: int | None) -> None:
    """Put a list's selection back on the row its form shows (``None``: no row), with no signal:
    the user chose to stay with the form's unsaved edits."""
    lst.blockSignals(True)
    if shown is None:
        lst.clearSelection()
    else:
        lst.setCurrentRow(shown)
    lst.blockSignals(False)


def buttons_of(row) -> dict[str, QPushButton]:
    """{label: button} of a ``button_row``."""
    out = {}
    for i in range(row.count()):
        w = row.itemAt(i).widget()
        if isinstance(w, QPushButton):
            out[w.text()] = w
    return out


def team_gate(svc, what: str, *widgets: QWidget) -> str:
    """Turn off the controls this team login's role may not use for ``what`` (Service.TEAM_MAY:
    "configure", "key_messages", "users"...), each with a tooltip saying which role may, instead
    of offering a button the database refuses. Text fields turn read-only (still readable and
    copyable). Returns the refusal ('' when allowed: always on a solo workspace)."""
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

    refusal = svc.team_refusal(what)
    if not refusal:
        return ""
    tip = refusal[:1].upper() + refusal[1:]
    for w in widgets:
        if isinstance(w, (QLineEdit, QPlainTextEdit, QTextEdit)):
            w.setReadOnly(True)
        else:
            w.setEnabled(False)
        w.setToolTip(tip)
        w.setProperty("team_refusal", tip)
    return refusal
