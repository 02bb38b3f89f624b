"""Unlocking a user's signing key in the GUI: "Working as" someone needs their passphrase.

Nothing is asked when the app opens; the first action in a user's name asks once, and the
unlock is remembered for the session (this process), like `--as` with a passphrase in the CLI.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from orm_desktop.errors import KnownError
from orm_desktop.ui.widgets import GuardedDialog, shown_name


class PassphraseDialog(QDialog):
    """Asks for ``name``'s passphrase and unlocks the key; stays open on a wrong one."""

    def __init__(self, svc, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc, self.name = svc, name
        self.setWindowTitle(f"Working as {name}")
        lay = QVBoxLayout(self)
        # a name is up to 200 characters: said in full it made the dialog 4,947 px wide
        who = shown_name(name)
        text = QLabel(f"Actions in {who}'s name are signed with {who}'s key.\n"
                      f"Enter {who}'s passphrase to unlock it for this session.")
        text.setWordWrap(True)
        lay.addWidget(text)
        self.passphrase = QLineEdit()
        self.passphrase.setAccessibleName(f"{name}'s passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        lay.addWidget(self.passphrase)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C0392B")
        self.error.setWordWrap(True)
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


class AddUserDialog(GuardedDialog):
    """A local user with a signing key under a new passphrase (as `users add NAME --role …`): a new
    workspace has no users, and drafting, approving and sending are done in a user's name. The
    key is made off the GUI thread (scrypt); the new user's key is unlocked for this session."""

    def __init__(self, svc, runner, parent: QWidget | None = None, *, why: str = "") -> None:
        import getpass

        from PySide6.QtWidgets import QCheckBox, QFormLayout

        super().__init__(parent)
        self.svc, self.runner = svc, runner
        self.added = ""  # the new user's name, once added
        self.setWindowTitle("Add a user")
        lay = QVBoxLayout(self)
        intro = QLabel((why + "\n\n" if why else "")
                       + "Drafts, approvals and sent replies are signed in a user's name with the user's key, "
                         "kept under a passphrase (at least 8 characters) that nobody can recover.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        try:
            login = getpass.getuser()
        except (KeyError, OSError):
            login = ""
        self.name = QLineEdit(login if svc.users() == [] else "")
        self.display = QLineEdit()
        self.display.setPlaceholderText("as shown in lists and reports (optional)")
        self.author = QCheckBox("writes drafts (author)", checked=True)
        self.approver = QCheckBox("approves drafts (approver)", checked=True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.again = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        for label, w in (("Name", self.name), ("Display name", self.display), ("Roles", self.author),
                         ("", self.approver), ("Passphrase", self.passphrase), ("Passphrase again", self.again)):
            form.addRow(label, w)
        lay.addLayout(form)
        note = QLabel("The four-eyes rule: nobody approves their own draft unless \"Allow self-approval\" is on "
                      "in Settings; a second user can approve instead.")
        note.setWordWrap(True)
        lay.addWidget(note)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C0392B")
        lay.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.create)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.resize(480, 0)
        self.initial = self.values()  # as it opened: nothing to keep
        self.keep_as_opened()  # Esc asks once a field differs (a recovered copy filled in: at once)

    def values(self) -> dict:
        """What crash recovery keeps of it: the name, display name and roles typed, never the
        passphrases."""
        return {"name": self.name.text(), "display_name": self.display.text(),
                "author": self.author.isChecked(), "approver": self.approver.isChecked()}

    def fill(self, values: dict) -> None:
        self.name.setText(str(values.get("name", "")))
        self.display.setText(str(values.get("display_name", "")))
        self.author.setChecked(values.get("author") is not False)
        self.approver.setChecked(values.get("approver") is not False)

    def problem(self) -> str:
        from orm_desktop.service import new_passphrase_problem

        if not self.name.text().strip():
            return "A user needs a name"
        if not (self.author.isChecked() or self.approver.isChecked()):
            return "Choose at least one role"
        if problem := new_passphrase_problem(self.passphrase.text()):
            return problem
        if self.passphrase.text() != self.again.text():
            return "The two passphrases differ"
        return ""

    def create(self) -> None:
        from orm_desktop.service import new_signing_key

        if problem := self.problem():
            self.error.setText(problem)
            return
        self.error.setText("Creating the signing key…")
        self.buttons.setEnabled(False)
        passphrase = self.passphrase.text()
        self.runner.start(lambda progress, cancel: _warm_lookalikes(new_signing_key(passphrase)),
                          on_success=self._keyed, on_failure=self._failed)

    def _keyed(self, key) -> None:
        from orm_desktop.service import keep_unlocked

        self.buttons.setEnabled(True)
        if not self.isVisible():
            return  # closed meanwhile: nothing is added
        roles = tuple(r for r, box in (("author", self.author), ("approver", self.approver)) if box.isChecked())
        name = self.name.text().strip()
        try:
            self.svc.add_user(name, roles, display_name=self.display.text().strip(), key=key)
        except KnownError as exc:
            self.error.setText(str(exc))
            return
        keep_unlocked(key)  # just typed: not asked again this session
        self.added = name
        self.accept()

    def _failed(self, message: str, known: bool) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(message if known else message.strip().splitlines()[-1])


class UserDrafts:
    """An open Add a user dialog's name, display name and roles, for crash recovery
    (ui/recovery.py DraftKeeper); its passphrases are never kept: the restored dialog asks for
    them again."""

    def __init__(self, window) -> None:
        self.window = window

    def _open(self) -> AddUserDialog | None:
        return next((d for d in self.window.findChildren(AddUserDialog) if d.isVisible() and not d.added), None)

    def recovery_state(self) -> tuple[str, str, dict, dict] | None:
        d = self._open()
        if d is None or d.values() == d.initial:
            return None
        return "user", "new", d.values(), {}

    def keep_edits(self) -> bool:
        return self._open() is not None  # a restore never replaces a dialog being typed into

    def recovered_outcome(self, rec) -> tuple[str, str]:
        name = str(rec.value["name"]).strip()
        if name and any(u.name == name for u in self.window.svc.users()):
            return "same", ""  # added just before the kill
        if not self.window.responses.add_user_btn.isVisibleTo(self.window.responses):
            return "changed", (f"{rec.describe()[:1].upper()}{rec.describe()[1:]} (kept at {rec.when()}) was not put "
                               "back: users of a team workspace are its logins, added on the server.")
        return "ok", ""

    def restore_recovered(self, rec) -> tuple[str, str]:
        self.window.responses.add_user_later(rec.value)
        return "restored", (f"Restored {rec.describe()} (from {rec.when()}); it is not added yet: type the "
                            "passphrase again (it is never kept)")


def _warm_lookalikes(result):
    """In the worker: load Unicode's confusables table (0.3 s the first time) that add_user's
    look-alike check reads on the GUI thread next, so the click does not stall the window."""
    from orm_desktop.textsafe import skeleton

    skeleton("")
    return result
