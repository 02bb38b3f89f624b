"""Deliveries settings dialog and tray mode (real widgets, offscreen; real SMTP on 127.0.0.1)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from tests.smtpserver import SmtpServer, free_port
from tests.test_deliveries import _workspace_dump, configure

pytestmark = pytest.mark.both_backends


@pytest.fixture
def dialog(qtbot, empty_service, keyring_file):
    from orm_desktop.ui.deliveries import DeliveriesDialog

    def make():
        d = DeliveriesDialog(empty_service)
        qtbot.addWidget(d)
        return d

    return make


def test_send_test_message_button_reaches_the_server(dialog, empty_service, qtbot):
    with SmtpServer() as server:
        configure(empty_service, server.port)
        d = dialog()
        assert d.host.text() == "127.0.0.1" and d.people.rowCount() == 1
        d.send_test()
        qtbot.waitUntil(lambda: "Test message sent to sam@example.org" in d.status.text(), timeout=10_000)
        assert [str(m["To"]) for m in server.messages] == ["sam@example.org"]


def test_bad_server_shows_one_line_with_what_to_check(dialog, empty_service, qtbot):
    configure(empty_service, free_port())
    d = dialog()
    d.send_test()
    qtbot.waitUntil(lambda: "refused the connection" in d.status.text(), timeout=10_000)
    assert "check the host and port" in d.status.text() and "\n" not in d.status.text()


def test_outbox_shows_retry_state_and_resend(dialog, empty_service, qtbot):
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.scheduled import Queue

    cfg = configure(empty_service, free_port())
    Queue(empty_service.conn, cfg, int(time.time())).mail("k", "alert", "sam@example.org",
                                                          Letter("Spike", "t", "<p>h</p>"))
    d = dialog()
    assert d.outbox.item(0, 3).text() == "pending" and d.outbox.item(0, 4).text() == "0"
    d.send_now()
    qtbot.waitUntil(lambda: "1 to retry" in d.status.text(), timeout=10_000)
    assert d.outbox.item(0, 4).text() == "1" and d.outbox.item(0, 5).text()  # next attempt shown
    assert "refused the connection" in d.outbox.item(0, 7).text()
    assert "retrying: 1" in d.counts.text()


def test_save_keeps_the_password_in_the_keyring(dialog, empty_service, keyring_file):
    d = dialog()
    d.host.setText("smtp.example.org")
    d.username.setText("alex")
    d.password.setText("s3cret-pw")
    d.sender.setText("alex@example.org")
    d._add_person({"name": "sam", "email": "sam@example.org"})
    assert d.save(), d.status.text()
    cfg = empty_service.deliveries_config()
    assert cfg["smtp"]["host"] == "smtp.example.org" and cfg["recipients"][0]["email"] == "sam@example.org"
    assert "s3cret-pw" in keyring_file.read_text()
    assert "s3cret-pw" not in _workspace_dump(empty_service.ws.location)
    d._add_person({"name": "x", "email": "not-an-address"})
    assert not d.save() and "is not an e-mail address" in d.status.text()


def test_tray_mode_keeps_the_app_running_when_the_window_closes(qtbot, demo_service):
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    if win.tray is None:  # offscreen has no system tray: give the window an icon as a desktop would
        win.tray = QSystemTrayIcon(win.windowIcon(), win)
    assert win.deliveries_action.text().startswith("&Deliveries")
    win.show()
    qtbot.waitExposed(win)
    win.close()  # the setting is off: a normal close
    assert not win.isVisible() and not win.tray_mode.hinted
    demo_service.save_deliveries_config({**demo_service.deliveries_config(), "tray_mode": True})
    win.show()
    qtbot.waitExposed(win)
    assert win.close() is False  # the close was refused: hidden to the tray
    assert not win.isVisible() and win.tray_mode.hinted
    win.tray_mode.quitting = True
    assert win.close() is True


def test_status_bar_shows_messages_waiting_to_retry(qtbot, demo_service, keyring_file):
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.scheduled import Queue
    from orm_desktop.ui.main_window import MainWindow

    win = MainWindow(demo_service)
    qtbot.addWidget(win)
    assert win.deliveries_status.isHidden()  # nothing queued: no note
    cfg = configure(demo_service, free_port(), alerts=False)
    Queue(demo_service.conn, cfg, int(time.time())).mail("k", "alert", "sam@example.org", Letter("A", "t", "<p/>"))
    demo_service.send_outbox()
    win.deliveries_status.update_state()
    assert not win.deliveries_status.isHidden()
    assert "Deliveries: 1 waiting to retry" in win.deliveries_status.text()
