"""Screenshots for docs/deliveries.md: the Deliveries dialog and a morning digest's HTML part as
Qt renders it (QTextBrowser: no remote resources, like a careful mail client).

    QT_QPA_PLATFORM=offscreen python docs/make_deliveries_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    import keyring
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from orm_desktop.deliveries import content
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import Queue
    from orm_desktop.service import Service
    from orm_desktop.ui.deliveries import DeliveriesDialog
    from tests.memkeyring import TestKeyring
    from tests.smtpserver import SmtpServer, free_port

    keyring.set_keyring(TestKeyring())
    app = QApplication.instance() or QApplication(sys.argv)
    svc = Service.create(Path(tempfile.mkdtemp()) / "ws", demo=True)
    with SmtpServer() as smtp:
        cfg = svc.deliveries_config()
        cfg["smtp"].update(host="127.0.0.1", port=smtp.port, security="none", sender="comms@velora.example")
        cfg.update(recipients=[{"name": "sam", "email": "sam@velora.example", "reports": True},
                               {"name": "maya", "email": "maya@velora.example", "alerts": False},
                               {"name": "alex", "email": "alex@velora.example"}],
                   webhooks=[{"name": "comms-slack", "format": "slack"}, {"name": "exec-teams", "format": "teams"}],
                   digest_hour=0, enabled_since=1)
        svc.save_deliveries_config(cfg)
        svc.set_delivery_secret(webhook="comms-slack", url=f"http://127.0.0.1:{free_port()}/down")
        svc.set_delivery_secret(webhook="exec-teams", url=f"http://127.0.0.1:{free_port()}/down")
        svc.run_scheduled(refresh=False)
        digest = next(m for m in smtp.messages if "Digest" in str(m["Subject"]) and "sam@" in str(m["To"]))
    # the demo's crisis is three weeks old: show a 30-day window so the digest has mentions to list
    now = int(time.time())
    html = content.digest(svc, "sam", now=now, since=now - 30 * 86400).html
    # a server that went away: the next messages wait for their retry
    cfg["smtp"]["port"] = free_port()
    svc.save_deliveries_config(cfg)
    Queue(svc.conn, cfg, int(time.time())).mail("shot:retry", "alert", "sam@velora.example",
                                               Letter("Velora: negative coverage spike", "t", "<p>h</p>"))
    deliver_due(svc.conn, cfg)
    d = DeliveriesDialog(svc)
    d.resize(1000, 860)
    d.show_status("Test message sent to sam@velora.example.")
    d.show()
    app.processEvents()
    d.grab().save(str(OUT / "deliveries.png"))
    b = QTextBrowser()
    b.setOpenLinks(False)
    b.setHtml(html)
    b.resize(820, 900)
    b.show()
    app.processEvents()
    b.grab().save(str(OUT / "digest-mail.png"))
    print(f"wrote {OUT / 'deliveries.png'} and {OUT / 'digest-mail.png'}; subject: {digest['Subject']}")



if __name__ == "__main__":
    main()
