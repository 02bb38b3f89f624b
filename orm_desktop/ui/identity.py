"""Unlocking a user's signing key in the GUI: "Working as" someone needs their passphrase.

Nothing is asked when the app opens; the first action in a user's name asks once, and the
unlock is remembered for the session (this process), like `--as` with a passphrase in the CLI.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from orm_desktop.errors import KnownError


class PassphraseDialog(QDialog):
    """Asks for ``name``'s passphrase and unlocks the key; stays open on a wrong one."""

    def __init__(self, svc, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc, self.name = svc, name
        self.setWindowTitle(f"Working as {name}")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(f"Actions in {name}'s name are signed with {name}'s key.\n"
                             f"Enter {name}'s passphrase to unlock it for this session."))
        self.passphrase = QLineEdit()
        self.passphrase.setAccessibleName(f"{name}'s passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        lay.addWidget(self.passphrase)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C0392B")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.try_unlock)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def try_unlock(self) -> None:
        try:
            self.svc.unlock(self.name, self.passphrase.text())
        except KnownError as exc:
            self.error.setText(str(exc))
            self.passphrase.selectAll()
            return
        self.accept()


def ensure_unlocked(parent: QWidget | None, svc, name: str) -> bool:
    """True when ``name`` may act now (no key needed, already unlocked, or unlocked here)."""
    if not name or not svc.needs_unlock(name):
        return True
    return PassphraseDialog(svc, name, parent).exec() == QDialog.DialogCode.Accepted


def ask_password(prompt: str) -> str:
    """A team login's password, asked in a dialog on the GUI thread; the caller keeps it in the OS
    keyring once the server has accepted it. Cancel: one-line LoginError."""
    from PySide6.QtWidgets import QApplication, QInputDialog

    from orm_desktop.service import LoginError

    QApplication.instance() or QApplication([])
    text, ok = QInputDialog.getText(None, "Team workspace login", prompt.rstrip(": ").capitalize() + ":",
                                    QLineEdit.EchoMode.Password)
    if not ok:
        raise LoginError("no password given: the team workspace was not opened")
    return text


class PasswordAsker(QObject):
    """``credentials.ASK`` in the GUI: callable from any thread (a team workspace is opened by a
    worker, off the event loop); the dialog itself always runs on the GUI thread, the worker waits
    for the answer. Create it on the GUI thread."""

    _asked = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._answer: tuple[str, object] = ("", None)
        self._asked.connect(self._ask_here, Qt.ConnectionType.BlockingQueuedConnection)

    def _ask_here(self, prompt: str) -> None:
        try:
            self._answer = ("ok", ask_password(prompt))
        except KnownError as exc:
            self._answer = ("error", exc)

    def __call__(self, prompt: str) -> str:
        if QThread.currentThread() is self.thread():
            return ask_password(prompt)
        with self._lock:  # one question at a time
            self._asked.emit(prompt)  # returns once the GUI thread has answered
            kind, value = self._answer
        if kind == "error":
            raise value  # type: ignore[misc]
        return str(value)
