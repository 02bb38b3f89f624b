"""Small widget helpers shared by the views."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLayout,
    QLayoutItem,
    QProxyStyle,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)


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


def button_row(buttons: Iterable[tuple[str, Callable[[], object]]]) -> FlowLayout:
    """A row of push buttons (label, slot), left-aligned, wrapping onto more rows when the window is
    narrow (a page's buttons were off its right edge in a 960 px wide window)."""
    row = FlowLayout()
    for label, fn in buttons:
        b = QPushButton(label)
        b.clicked.connect(fn)
        row.addWidget(b)
    return row


def why_read_only(svc, to: str = "change anything") -> str:
    """What a refused edit says: the workspace's own reason (an offline snapshot, a folder that
    cannot be written), else executive mode (which a snapshot's user cannot leave: it said so)."""
    reason = svc.read_only_reason(user_action=False) if svc is not None else ""
    if reason:
        return f"Read-only: {reason}"
    return f"Executive mode is read-only: leave it (Ctrl+E) to {to}"


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
                message.emit(why_read_only(getattr(self, "svc", None)))
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

    from orm_desktop.textsafe import clip, display_text

    question = clip(display_text(question), 300)  # names typed by anyone (a colleague's rule): no bidi tricks, capped
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


def confirm_discard(parent: QWidget, title: str, question: str = "Discard changes?") -> bool:
    """Esc, Cancel or the close button of a dialog holding typed text not yet used: ask Yes / No
    (No the default: Enter keeps the text). True = close and drop it."""
    from PySide6.QtWidgets import QMessageBox

    buttons = QMessageBox.StandardButton
    return QMessageBox.question(parent, title, question, buttons.Yes | buttons.No, buttons.No) == buttons.Yes


def field_values(form: QWidget) -> tuple:
    """What the fields of ``form`` hold (line and text edits, combo and spin boxes, check boxes,
    table cells, checkable list items), in the order of its widgets: two snapshots differ when
    something was typed or picked."""
    from PySide6.QtWidgets import QLineEdit, QListWidget, QPlainTextEdit, QTableWidget, QTextEdit

    out: list[object] = []
    for w in form.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            out.append(w.text())
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out.append(w.currentText())
        elif isinstance(w, QAbstractSpinBox):
            out.append(w.text())
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            out.append(w.isChecked())
        elif isinstance(w, QTableWidget):
            out.append(tuple(w.item(r, c).text() if w.item(r, c) else ""
                             for r in range(w.rowCount()) for c in range(w.columnCount())))
        elif isinstance(w, QListWidget):
            out.append(tuple((w.item(i).text(), w.item(i).checkState().value) for i in range(w.count())))
    return tuple(out)


class DiscardGuard:
    """Mixed in before a QDialog class (``GuardedDialog``, the set-up wizard): Esc, Cancel or the
    window's close button on a form whose fields differ from how it opened ask
    ``discard_question`` (confirm_discard) before the typed text is dropped; an unchanged form
    closes at once. How it opened is taken at its first show, or by ``keep_as_opened`` (a form
    filled with recovered values after it is built counts those as changes)."""

    discard_question = "Discard changes? What you typed here will be lost."
    _opened: tuple | None = None

    def keep_as_opened(self) -> None:
        self._opened = field_values(self)

    def changed(self) -> bool:
        return self._opened is not None and field_values(self) != self._opened

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._opened is None:
            self.keep_as_opened()
        super().showEvent(event)

    def reject(self) -> None:
        if self.isVisible() and self.changed() and not confirm_discard(self, self.windowTitle(),
                                                                        self.discard_question):
            return
        super().reject()


class GuardedDialog(DiscardGuard, QDialog):
    """A short form (a few fields: Add feed, Mark as sent, Add a user, a one-line prompt) whose
    Esc asks before dropping what was typed (DiscardGuard)."""


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> tuple[str, bool]:
    """QInputDialog.getText as a GuardedDialog: (the text, OK pressed); Esc on an edited text asks."""
    from PySide6.QtWidgets import QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

    dlg = GuardedDialog(parent)
    dlg.setWindowTitle(title)
    lay = QVBoxLayout(dlg)
    prompt = QLabel(label, wordWrap=True)
    field = QLineEdit(text)
    prompt.setBuddy(field)
    lay.addWidget(prompt)
    lay.addWidget(field)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dlg.accept)
    buttons.rejected.connect(dlg.reject)
    lay.addWidget(buttons)
    dlg.resize(max(dlg.sizeHint().width(), 420), dlg.sizeHint().height())
    field.setFocus()
    try:
        ok = bool(dlg.exec())
        return field.text(), ok
    finally:
        dlg.deleteLater()


@contextlib.contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    """Change controls without their signals (a filter set in code: one reload afterwards, not one
    per control); the signals flow again afterwards, also after an exception."""
    for o in objects:
        o.blockSignals(True)
    try:
        yield
    finally:
        for o in objects:
            o.blockSignals(False)


def hold_row(lst, shown: int | None) -> None:
    """Put a list's selection back on the row its form shows (``None``: no row), with no signal:
    the user chose to stay with the form's unsaved edits."""
    with signals_blocked(lst):
        if shown is None:
            lst.clearSelection()
        else:
            lst.setCurrentRow(shown)


class StretchShare(QObject):
    """Keeps a table's stretching column (the inbox's title) at ``share`` of its width or more: on
    a narrow window the other columns give up width, never below their header's text, instead of
    the title shrinking to a few letters; they get their ``widths`` back as the window widens. A
    width the user dragged stays until the window is too narrow for it."""

    def __init__(self, table: QAbstractItemView, widths: dict[int, int], share: float = 0.4) -> None:
        super().__init__(table)
        self.table, self.widths, self.share, self.factor = table, widths, share, 1.0
        self.floors: dict[int, int] = {}
        for col, width in widths.items():
            table.setColumnWidth(col, width)
        table.viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.fit(self.table.viewport().width())
        return False

    def set_widths(self, widths: dict[int, int], floors: dict[int, int] | None = None) -> None:
        """New preferred widths (a table refilled and measured again), fitted to the width now;
        ``floors``: columns that give way no further than that (short values, dates), not to
        their header's width."""
        self.widths, self.floors, self.factor = dict(widths), dict(floors or {}), 0.0
        self.fit(self.table.viewport().width())

    def fit(self, width: int) -> None:
        header = self.table.horizontalHeader()
        least = {col: max(header.sectionSizeHint(col), self.floors.get(col, 0)) for col in self.widths}
        budget = width * (1 - self.share)
        factor, floored = 1.0, set()
        for _ in range(len(self.widths) + 1):  # the columns held at their header's width leave less to share
            free = sum(w for col, w in self.widths.items() if col not in floored) or 1
            factor = min(1.0, max(0.0, budget - sum(least[col] for col in floored)) / free)
            now = {col for col, w in self.widths.items() if w * factor < least[col]}
            if now == floored:
                break
            floored = now
        if factor == 1.0 == self.factor:
            return  # wide enough: leave the user's widths alone
        self.factor = factor
        for col, w in self.widths.items():
            self.table.setColumnWidth(col, max(round(w * factor), least[col]))


class SplitShares(QObject):
    """Keeps a splitter's panes at ``shares`` of its width (a list, a form, a side panel) as the
    window is resized, each at least its ``minimums`` width, instead of fixed pixel sizes that left a
    pane a few letters wide on a narrow window; once the user drags a handle, their sizes stay."""

    def __init__(self, splitter: QSplitter, shares: Iterable[float], minimums: Iterable[int]) -> None:
        super().__init__(splitter)
        self.splitter, self.shares, self.dragged = splitter, list(shares), False
        splitter.setChildrenCollapsible(False)
        for i, least in enumerate(minimums):
            splitter.widget(i).setMinimumWidth(least)
            splitter.setStretchFactor(i, max(1, round(self.shares[i] * 10)))
        splitter.splitterMoved.connect(self._moved)
        splitter.installEventFilter(self)

    def _moved(self, _pos: int, _index: int) -> None:
        self.dragged = True

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize and not self.dragged:
            self.fit()
        return False

    def fit(self) -> None:
        s = self.splitter
        room = s.width() - s.handleWidth() * (s.count() - 1)
        total = sum(self.shares) or 1
        sizes = [max(s.widget(i).minimumWidth(), round(room * share / total)) for i, share in enumerate(self.shares)]
        s.blockSignals(True)  # setSizes is not the user's drag
        s.setSizes(sizes)
        s.blockSignals(False)


class ElideMiddle(QStyledItemDelegate):
    """A column whose long values (URLs, paths) elide in the middle: both the site and the file stay."""

    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt API
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


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


class FlowLayout(QLayout):
    """Widgets left to right, wrapping onto another row when the width runs out (the inbox's
    filters: one row on a wide window, two at 1024 px). A widget with a horizontally expanding
    size policy takes its row's spare width. At its narrowest, the widest widget."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """All on one row."""
        shown = [i for i in self._items if not i.isEmpty()]
        m = self.contentsMargins()
        width = sum(self._width(i) for i in shown) + self.spacing() * max(0, len(shown) - 1)
        height = max((i.sizeHint().height() for i in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """One widget a row: as wide as the widest."""
        size = QSize()
        for i in self._items:
            if not i.isEmpty():
                size = size.expandedTo(i.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    @staticmethod
    def _grows(item: QLayoutItem) -> bool:
        w = item.widget()
        return w is not None and bool(w.sizePolicy().horizontalPolicy().value & QSizePolicy.PolicyFlag.ExpandFlag.value)

    def _width(self, item: QLayoutItem) -> int:
        """The width an item asks for on its row: an expanding one its minimum (it takes the spare)."""
        return item.minimumSize().width() if self._grows(item) else item.sizeHint().width()

    def _lay_out(self, rect: QRect, *, move: bool) -> int:
        """Place the items in rows within ``rect`` (or only measure); the height they take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        gap = self.spacing()
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in (i for i in self._items if not i.isEmpty()):
            w = min(item.minimumSize().width(), area.width())  # a row wraps when even its minimums do not fit
            if rows[-1] and used + gap + w > area.width():
                rows.append([])
                used = 0
            used += (gap if rows[-1] else 0) + w
            rows[-1].append(item)
        y = area.y()
        for row in rows:
            if not row:
                continue
            widths = [min(i.minimumSize().width(), area.width()) for i in row]
            spare = area.width() - sum(widths) - gap * (len(row) - 1)
            for k, item in enumerate(row):  # the spare width first brings each one to its preferred width
                more = min(spare, max(0, min(self._width(item), area.width()) - widths[k]))
                widths[k] += more
                spare -= more
            growing = [k for k, i in enumerate(row) if self._grows(i)]
            for k in growing:
                widths[k] += spare // len(growing)
            height = max(i.sizeHint().height() for i in row)
            x = area.x()
            for item, w in zip(row, widths, strict=True):
                if move:
                    item.setGeometry(QRect(QPoint(x, y), QSize(w, height)))
                x += w + gap
            y += height + gap
        return y - gap - area.y() + m.top() + m.bottom() if y > area.y() else m.top() + m.bottom()


def fit_to_screen(dialog: QWidget, width: int, height: int) -> None:
    """Resize ``dialog`` to ``width`` x ``height``, or to its screen's available area where that is
    smaller (a window frame's room kept): the deliveries and templates dialogs were sized for a
    large screen (920 x 760, 980 x 620) and opened past the edges of a 1280 x 720 or 800 px one."""
    parent = dialog.parentWidget()
    screen = (parent.window() if parent is not None else dialog).screen()
    if screen is None:
        dialog.resize(width, height)
        return
    room = screen.availableGeometry()
    dialog.resize(min(width, room.width() - 16), min(height, room.height() - 48))


def shown_name(name: str, most: int = 40) -> str:
    """A user's or entity's name (up to 200 characters) as a dialog's sentence says it: at most
    ``most`` characters, cut with '…'. Word wrap does not break a 200-letter name, which made a
    dialog 2,000 to 5,000 px wide."""
    from orm_desktop.textsafe import clip

    return clip(name, most)


def split_aliases(text: str) -> list[str]:
    """The aliases typed as "other names, comma separated" (the Entities page, the set-up wizard)."""
    return [a.strip() for a in text.split(",") if a.strip()]


class DataDirectionStyle(QProxyStyle):
    """Lays out an item view's cell text by its own first strong character, not by the window's
    direction: under a right-to-left layout (``-reverse``, an Arabic desktop) the English cells,
    numbers and dates of this English interface were right-to-left paragraphs, so -0.26 read
    "0.26-" and "30 Nov 06:52" read "Nov 06:52 30". A cell starting in a right-to-left script (an
    Arabic title) stays right to left; a cell with an icon or a check box is left as it was. The
    cell keeps its place: aligned to the column's start as before. Installed by ``app.run``."""

    def drawControl(self, element, option, painter, widget=None) -> None:  # noqa: N802 - Qt API
        if (element == QStyle.ControlElement.CE_ItemViewItem
                and option.direction == Qt.LayoutDirection.RightToLeft and option.text
                and not option.features & (QStyleOptionViewItem.ViewItemFeature.HasDecoration
                                           | QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator)
                and not starts_right_to_left(option.text)):
            option = QStyleOptionViewItem(option)
            option.displayAlignment = QStyle.visualAlignment(Qt.LayoutDirection.RightToLeft,
                                                             option.displayAlignment)
            option.direction = Qt.LayoutDirection.LeftToRight
        super().drawControl(element, option, painter, widget)


def starts_right_to_left(text: str) -> bool:
    """Whether the first character with a strong direction in ``text`` is right to left (Hebrew,
    Arabic…); a text with none (a number) is not."""
    import unicodedata

    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False
