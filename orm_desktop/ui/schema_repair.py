"""The question the app asks when a workspace's schema is not the one it makes (store/schema_guard.py):
at start (cli/gui.py) and from File > Open workspace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

TITLE = "ORM Desktop — workspace changed by hand"


def offer_schema_repair(parent: QWidget | None, root: Path | str, exc):  # -> Service
    """A dialog says what someone planted; on Yes, planted or rewritten triggers, views and indexes
    are removed (`check --repair`: a copy of the file is kept first, the repair is audited) and the
    workspace opens. Tables not as the app made them (a lying version stamp, a missing table) cannot
    be repaired: the newest backup is offered instead. On No, ``exc`` is raised again (the caller
    shows its one line)."""
    from orm_desktop.service import Service

    found = getattr(exc, "findings", None)
    if found is None or found.tables_wrong:
        def ask(message: str) -> bool:
            return QMessageBox.question(parent, TITLE, message) == QMessageBox.StandardButton.Yes

        if Service.offer_restore(Path(root), exc, ask):
            return Service.open(Path(root))
        raise exc
    text = (f"The workspace database in {root} was changed by hand: {found.reason()}.\n\n"
            "Remove them and open the workspace? A copy of the database as it is now is kept in the "
            "workspace's backups folder first, and the removal is written to the audit log.")
    if QMessageBox.question(parent, TITLE, text) != QMessageBox.StandardButton.Yes:
        raise exc
    Service.repair_schema(Path(root))
    return Service.open(Path(root))
