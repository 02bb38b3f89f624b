"""Every dialog fits its screen with its buttons visible, at the main window's sizes of a half
1920 px screen (960 x 1000) and a small laptop (1280 x 720); long content scrolls or is cut, it
does not grow the dialog past the screen. The offscreen screen of the tests is 800 x 800."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QScrollArea


def _dialogs(win):
    from orm_desktop import identity
    from orm_desktop.ui.deliveries import DeliveriesDialog
    from orm_desktop.ui.executive_drafts import ExecutiveDraftDialog
    from orm_desktop.ui.identity import PassphraseDialog
    from orm_desktop.ui.manage import FeedDialog
    from orm_desktop.ui.onboarding import OnboardingWizard
    from orm_desktop.ui.responses_view import DraftDialog, SentDialog, TemplatesDialog
    from orm_desktop.ui.team_dialogs import PushDialog, SnapshotDialog
    from tests.conftest import act_as, passphrase_of

    svc = win.svc
    mention = svc.mentions(limit=1)[0]
    yield "add feed", FeedDialog(win)
    yield "edit feed", FeedDialog(win, svc.feeds()[0])
    yield "deliveries", DeliveriesDialog(svc, win, runner=win.runner)
    yield "passphrase", PassphraseDialog(svc, "maya", win)
    # a 200-character user name (the longest allowed) made it 1,400 px wide
    yield "passphrase, long name", PassphraseDialog(svc, "m" * 200, win)
    yield "draft from template", DraftDialog(svc.suggest_templates(mention.id, limit=8), win)
    yield "templates", TemplatesDialog(svc, "maya", win)
    yield "sent", SentDialog(win)
    yield "snapshot", SnapshotDialog(svc, win.runner, win)
    yield "push", PushDialog(svc, win.runner, win)
    yield "onboarding", OnboardingWizard(svc, win)
    yield "executive draft", ExecutiveDraftDialog(svc, next(r.id for r in svc.responses()), win)
    long_name = "m" * 200  # the longest user name allowed: said in full, 2,360 px wide
    if not any(u.name == long_name for u in svc.users()):
        svc.add_user(long_name, ("author",), key=identity.create_key(passphrase_of(long_name), kdf_n=2 ** 10))
    act_as(svc, long_name)
    draft = svc.create_draft(mention.id, author=long_name)
    yield "executive draft by a long name", ExecutiveDraftDialog(svc, draft.id, win)


def _problems(dlg) -> list[str]:
    room = dlg.screen().availableGeometry()
    frame = dlg.frameGeometry()
    out = []
    if frame.width() > room.width() or frame.height() > room.height():
        out.append(f"{frame.width()} x {frame.height()} on a {room.width()} x {room.height()} screen")
    for b in dlg.findChildren(QAbstractButton):
        if not b.isVisibleTo(dlg) or b.window() is not dlg:
            continue
        box = b.rect().translated(b.mapTo(dlg, b.rect().topLeft()))
        scroll = next((p for p in _ancestors(b, dlg) if isinstance(p, QScrollArea)), None)
        if scroll is None:
            if not dlg.rect().contains(box):
                out.append(f"button {b.text()!r} at {box.getRect()} outside {dlg.width()} x {dlg.height()}")
        else:  # reached by scrolling down; there is no sideways scrolling to reach it
            view = scroll.viewport().rect().translated(scroll.viewport().mapTo(dlg, scroll.viewport().rect().topLeft()))
            if box.left() < view.left() or box.right() > view.right():
                out.append(f"button {b.text()!r} cut at the side of its scroll area")
    return out


def _ancestors(w, stop):
    p = w.parentWidget()
    while p is not None and p is not stop:
        yield p
        p = p.parentWidget()


@pytest.mark.parametrize("size", [(960, 1000), (1280, 720)])
def test_every_dialog_fits_the_screen_with_its_buttons_visible(window, qtbot, size):
    window.resize(*size)
    problems = {}
    for name, dlg in _dialogs(window):
        dlg.show()
        qtbot.waitExposed(dlg)
        if found := _problems(dlg):
            problems[name] = found
        dlg.close()
        dlg.deleteLater()
    assert problems == {}
