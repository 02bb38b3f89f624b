"""An executive's drafts awaiting approval, opened from their personal-brand page: the draft,
the mention it answers, and the one change executive mode allows, Approve or Send back (with a
note), through Service.approve_as_executive."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from orm_desktop.errors import KnownError
from orm_desktop.ui.widgets import confirm_discard, named, shown_name


class ExecutiveDraftDialog(QDialog):
    """One draft in review in an executive's name. ``decided(message)`` after a step succeeded
    (the dialog then closes); a refusal stays in the dialog as one red line."""

    decided = Signal(str)

    def __init__(self, svc, response_id: int, parent: QWidget | None = None) -> None:
        from orm_desktop.ui.detail import SafeBrowser
        from orm_desktop.ui.responses_view import reply_context_html

        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("executive_draft_dialog")
        self.svc = svc
        self.r = svc.response(response_id)
        exe = svc.entity(self.r.in_name_of) if self.r.in_name_of is not None else None
        self.who = svc.executive_user(self.r.in_name_of) if self.r.in_name_of is not None else None
        self.setWindowTitle(f"Draft #{self.r.id} in the name of {exe.name if exe else 'an executive'}")
        self.resize(640, 560)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"<b>Draft #{self.r.id}</b> by {html.escape(shown_name(self.r.author))} · "
                             f"{self.r.state.replace('_', ' ')} · version {self.r.version}"))
        lay.addWidget(QLabel("<b>In reply to</b>"))
        self.original = named(SafeBrowser(), "In reply to")  # feed text: escaped, and the browser loads nothing
        self.original.setHtml(reply_context_html(svc, self.r))
        self.original.setMaximumHeight(170)
        lay.addWidget(self.original)
        lay.addWidget(QLabel("<b>The statement in your name</b>"))
        self.text = named(QPlainTextEdit(self.r.text), "The statement in your name", tab_leaves=True)
        self.text.setReadOnly(True)  # the executive decides on these words; the author edits them
        lay.addWidget(self.text, 1)
        lay.addWidget(QLabel("Note for the author (required to send back)"))
        self.note = named(QPlainTextEdit(), "Note for the author", tab_leaves=True)
        self.note.setPlaceholderText("What should change?")
        self.note.setMaximumHeight(70)
        lay.addWidget(self.note)
        self.error = QLabel()
        self.error.setObjectName("executive_draft_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C0392B")
        lay.addWidget(self.error)
        row = QHBoxLayout()
        login = svc.team_login()
        linked = ", ".join(shown_name(u.name) for u in svc.users() if u.entity_id == self.r.in_name_of) or "none yet"
        exe_name = shown_name(exe.name) if exe else "this executive"
        if self.who:
            self.acting = QLabel(f"Deciding as <b>{html.escape(shown_name(self.who))}</b>")
            why = f"this draft is {self.r.state.replace('_', ' ')}, not waiting for approval"
        elif login is not None:  # a team login that is not the executive's: the database would refuse it
            why = (f"only {exe_name}'s own login ({linked}) can approve or send back this draft, "
                   f"not {shown_name(login)}")
            self.acting = QLabel(html.escape(why[:1].upper() + why[1:]))
        else:
            why = f"no user is linked to {exe_name}"
            self.acting = QLabel("No user is linked to this executive: "
                                 "<code>orm-desktop users add NAME --role executive --executive NAME</code>")
        self.acting.setWordWrap(True)
        row.addWidget(self.acting, 1)
        self.approve = QPushButton("&Approve")
        self.send_back = QPushButton("Send &back")
        close = QPushButton("Close")
        # Enter closes (Qt made the first button, Approve, the default: one Enter approved a statement in
        # the executive's name); approving is a choice: the button, or Alt+A
        for b in (self.approve, self.send_back):
            b.setAutoDefault(False)
        close.setDefault(True)
        self.approve.clicked.connect(lambda: self.decide(True))
        self.send_back.clicked.connect(lambda: self.decide(False))
        close.clicked.connect(self.reject)
        for b in (self.approve, self.send_back, close):
            row.addWidget(b)
        lay.addLayout(row)
        can = self.r.state == "in_review" and self.who is not None
        self.approve.setEnabled(can)
        self.send_back.setEnabled(can)
        self.note.setEnabled(can)
        if not can:  # say who may, instead of a dead button
            for b in (self.approve, self.send_back):
                b.setToolTip(why[:1].upper() + why[1:])

    def reject(self) -> None:
        """Close, Esc or the window's close button: a note typed and not sent is not dropped unasked."""
        if self.note.isEnabled() and self.note.toPlainText().strip() and not confirm_discard(
                self, "Close the draft", "Close without sending the draft back? Your note will be lost."):
            return
        super().reject()

    def decide(self, approve: bool) -> None:
        from orm_desktop.ui.identity import ensure_unlocked

        note = self.note.toPlainText().strip()
        if not approve and not note:
            self.error.setText("Say what should change: a note is required to send a draft back.")
            return
        if self.who is None or not ensure_unlocked(self, self.svc, self.who):
            return
        try:
            r = self.svc.approve_as_executive(self.r.id, approve=approve, note=note, by=self.who,
                                              expected_version=self.r.version)
        except KnownError as exc:
            self.error.setText(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        self.decided.emit(f"response #{r.id} {'approved' if approve else 'sent back to its author'}")
        self.accept()
