"""Deliveries (issue 16): mails through a real SMTP server on 127.0.0.1 (aiosmtpd), chat posts
to a real HTTP server on 127.0.0.1, the outbox under failures and a killed process."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orm_desktop.analysis import alerts as alerts_mod
from orm_desktop.numbers import signed
from tests.conftest import act_as
from tests.smtpserver import SmtpServer, free_port

pytestmark = pytest.mark.both_backends

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def _local_midday():
    """The tests take hour 23 for "not due yet" (digests are due from their local hour on, and 23 is
    the latest): run each at local midday whatever the clock says, by a POSIX TZ offset (no tz
    database needed). From 23:00 local they failed: the hour-23 digest was due. Child processes
    (the CLI) inherit the same TZ."""
    offset = 12 - time.gmtime().tm_hour  # local = UTC + offset, -11..12
    old = os.environ.get("TZ")
    os.environ["TZ"] = f"ORM{-offset:+d}"  # POSIX: "ORM-5" is five hours east of UTC
    time.tzset()
    assert time.localtime().tm_hour in (12, 13)
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


class HookServer:
    """Records POSTed JSON bodies per path; ``status`` answers with another code."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, dict]] = []
        self.status = 200
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append((self.path, dict(self.headers), json.loads(body)))
                self.send_response(outer.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def hooks():
    s = HookServer()
    yield s
    s.close()


def configure(svc, port: int, *, people=(("sam", "sam@example.org"),), hooks=(), alerts: bool = True,
              **extra) -> dict:
    cfg = svc.deliveries_config()
    cfg["smtp"].update(host="127.0.0.1", port=port, security="none", sender="orm@velora.example", timeout=5)
    cfg["recipients"] = [{"name": n, "email": e, "alerts": alerts} for n, e in people]
    cfg["webhooks"] = [{"name": n, "format": f} for n, f, _url in hooks]
    # the weekly report (default: Mondays from 07:00) is not due unless a test asks for it: on a
    # Monday the tests that count mails got one more (they run at local midday, _local_midday)
    extra.setdefault("report_hour", 23)
    cfg.update(extra)
    cfg = svc.save_deliveries_config(cfg)
    for n, _f, url in hooks:
        svc.set_delivery_secret(webhook=n, url=url)
    return cfg


def at_hour(hour: int, weekday: int | None = None) -> int:
    d = dt.datetime.now().replace(hour=hour, minute=5, second=0, microsecond=0)
    while weekday is not None and d.weekday() != weekday:
        d += dt.timedelta(days=1)
    return int(d.timestamp())


def parts(msg) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in msg.walk()
            if p.get_content_type() in ("text/plain", "text/html") and not p.get_filename()}


def test_morning_digest_per_person_with_html_text_and_the_approval_file(demo_service, smtp, keyring_file):
    svc = demo_service
    configure(svc, smtp.port, people=(("sam", "sam@example.org"), ("alex", "alex@example.org")), digest_hour=7,
              report_hour=23, alerts=False, enabled_since=int(time.time()) + 1)
    now = at_hour(8)
    assert svc.run_scheduled(refresh=False, now=now).sent == 2
    by_to = {str(m["To"]): m for m in smtp.messages}
    sam, alex = by_to["sam@example.org"], by_to["alex@example.org"]
    body = parts(sam)
    assert set(body) == {"text/plain", "text/html"}
    assert "Drafts awaiting your approval" in body["text/plain"] and "<table" in body["text/html"]
    assert "Open alerts" in body["text/html"] and "Responses overdue against the SLA" in body["text/plain"]
    files = [p.get_filename() for p in sam.iter_attachments()]
    assert files and files[0].startswith("approval-request-")  # sam approves; the CEO statement waits
    request = json.loads(next(sam.iter_attachments()).get_content())
    assert request["response"]["text"] and request["decision"] is None
    assert not list(alex.iter_attachments())  # alex is an author only: nothing to approve
    assert "0 to approve" in str(alex["Subject"])
    # the digest is once a day per person: another run the same morning sends nothing
    assert svc.run_scheduled(refresh=False, now=now + 600).sent == 0
    assert len(smtp.messages) == 2
    # and not before the digest hour of the next day
    assert svc.run_scheduled(refresh=False, now=at_hour(5) + 86400).sent == 0
    assert svc.run_scheduled(refresh=False, now=at_hour(7) + 86400).sent == 2


def test_the_digest_marks_unsure_scores_in_its_text_and_html(demo_service):
    """A machine score with a low confidence that no person confirmed is not sold as a sure
    negative in the morning mail either; a person's score is never marked."""
    from orm_desktop.deliveries import content
    from orm_desktop.types import UNSURE, MentionFilter

    svc = demo_service
    now = int(time.time())
    f = MentionFilter(sentiment="negative", since=now - 7 * 86400, order="priority")
    listed = svc.mentions(f, limit=content.DIGEST_MENTIONS)
    assert any(m.unsure for m in listed) and not all(m.unsure for m in listed)
    first_unsure = next(m for m in listed if m.unsure)
    act_as(svc, "sam")
    svc.override_sentiment([first_unsure.id], first_unsure.sentiment, by="sam")
    listed = svc.mentions(f, limit=content.DIGEST_MENTIONS)
    letter = content.digest(svc, "sam", now=now, since=now - 7 * 86400)
    lines = [x for x in letter.text.splitlines() if x.startswith("[P")]
    assert len(lines) == len(listed)
    for line, m in zip(lines, listed, strict=True):
        assert m.url in line and (f"{signed(m.sentiment)}, {UNSURE})" in line) == m.unsure, line
        assert m.unsure or f"{signed(m.sentiment)})" in line
    assert any(m.id == first_unsure.id and m.overridden for m in listed)
    assert letter.html.count(f"({UNSURE})") == sum(m.unsure for m in listed)


def test_alert_mail_and_chat_posts_within_one_run_of_a_spike(empty_service, smtp, hooks, keyring_file):
    svc = empty_service
    e = svc.add_entity("brand", "Acme")
    configure(svc, smtp.port, hooks=[("slack", "slack", hooks.url + "/slack"),
                                     ("teams", "teams", hooks.url + "/teams"),
                                     ("mm", "mattermost", hooks.url + "/mm")], digest_hour=23)
    now = int(time.time())
    day = now - now % 86400
    detected = time.time()
    alerts_mod.store(svc.conn, [alerts_mod.Alert(e.id, "Acme", "negativity_spike", day, day + 86400, 12, 2.5, 7.2)],
                     now)
    res = svc.run_scheduled(refresh=False)
    assert res.sent == 4 and not res.errors
    latency = smtp.recorder.arrived_at[0] - detected
    assert latency < 5
    [m] = smtp.messages
    assert "Alert" in str(m["Subject"]) and "negative coverage spike" in parts(m)["text/plain"]
    by_path = {p: body for p, _h, body in hooks.posts}
    assert "negative coverage spike" in by_path["/slack"]["text"] and by_path["/slack"]["blocks"]
    card = by_path["/teams"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard"
    assert by_path["/mm"]["username"] == "ORM Desktop" and "Acme" in by_path["/mm"]["text"]
    assert all(h.get("Idempotency-Key") for _p, h, _b in hooks.posts)
    # the same alert is never delivered twice
    assert svc.run_scheduled(refresh=False).sent == 0 and len(hooks.posts) == 3


def test_crisis_switch_and_rule_notify_reach_chat_and_mail(demo_service, smtp, hooks, keyring_file):
    from orm_desktop.analysis.crisis import switch_on
    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import queue_due

    svc = demo_service
    cfg = configure(svc, smtp.port, hooks=[("slack", "slack", hooks.url + "/slack")], digest_hour=23)
    act_as(svc, "sam")  # acting as sam needs sam's key (issue 13)
    switch_on(svc, "Velora", by="sam")
    queue_due(svc, cfg, now=int(time.time()), notified=(("Battery safety", 3),))
    deliver_due(svc.conn, cfg)
    texts = [b["text"] for _p, _h, b in hooks.posts]
    assert any("crisis mode ON for Velora" in t for t in texts)
    assert any("Battery safety" in t and "3 new mention" in t for t in texts)
    assert any("rule Battery safety" in s for s in smtp.recorder.subjects())


def test_weekly_report_pdf_attached_on_its_weekday(demo_service, smtp, keyring_file):
    svc = demo_service
    configure(svc, smtp.port, digest_hour=23, report_weekday=0, report_hour=7, alerts=False)
    monday = at_hour(9, weekday=0)
    assert svc.run_scheduled(refresh=False, now=monday).sent == 1
    [m] = smtp.messages
    [pdf] = list(m.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content()[:5] == b"%PDF-"
    assert svc.run_scheduled(refresh=False, now=monday + 3600).sent == 0  # once a week
    assert svc.run_scheduled(refresh=False, now=monday + 86400).sent == 0  # not on Tuesday


def test_unreachable_server_is_retried_with_backoff_then_sent_once(empty_service, keyring_file):
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.outbox import backoff, deliver_due
    from orm_desktop.deliveries.scheduled import Queue

    svc = empty_service
    port = free_port()
    cfg = configure(svc, port)
    q = Queue(svc.conn, cfg, int(time.time()))
    q.mail("alert:1:sam@example.org", "alert", "sam@example.org", Letter("Spike", "text", "<p>html</p>"))
    clock = [time.time()]
    r = deliver_due(svc.conn, cfg, now=lambda: clock[0])
    assert (r.sent, r.retrying) == (0, 1) and "refused the connection" in r.errors[0]
    [row] = svc.outbox()
    assert row.state == "pending" and row.attempts == 1 and row.next_attempt == int(clock[0]) + backoff(1)
    assert deliver_due(svc.conn, cfg, now=lambda: clock[0] + 10).retrying == 0  # not due yet
    clock[0] += backoff(1)
    deliver_due(svc.conn, cfg, now=lambda: clock[0])
    row = svc.outbox()[0]
    assert row.attempts == 2 and row.next_attempt == int(clock[0]) + backoff(2) == int(clock[0]) + 120
    with SmtpServer(port=port) as server:
        clock[0] += backoff(2)
        assert deliver_due(svc.conn, cfg, now=lambda: clock[0]).sent == 1
        assert deliver_due(svc.conn, cfg, now=lambda: clock[0] + 9999).sent == 0
        assert len(server.messages) == 1
    assert svc.outbox()[0].state == "sent"
    # a month later the message's bytes are freed; its key still stops a second send
    from orm_desktop.store import outbox as ostore

    deliver_due(svc.conn, cfg, now=lambda: clock[0] + 31 * 86400)
    assert ostore.body(svc.conn, row.id) == b"" and ostore.exists(svc.conn, "alert:1:sam@example.org")
    # SMTP settings removed while a message waits: it is retried later, the run does not stop
    q.mail("alert:2:sam@example.org", "alert", "sam@example.org", Letter("Spike 2", "text", "<p>html</p>"))
    cfg["smtp"]["host"] = ""
    r = deliver_due(svc.conn, cfg, now=lambda: clock[0] + 31 * 86400)
    assert r.retrying == 1 and "no SMTP server configured" in r.errors[0]


def test_server_refusal_4xx_retries_5xx_fails(empty_service, smtp, keyring_file):
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import Queue

    svc = empty_service
    cfg = configure(svc, smtp.port)
    q = Queue(svc.conn, cfg, int(time.time()))
    q.mail("a", "alert", "sam@example.org", Letter("A", "t", "<p>h</p>"))
    smtp.recorder.reply = "451 4.3.0 try again later"
    assert deliver_due(svc.conn, cfg).retrying == 1
    assert svc.outbox()[0].state == "pending"
    q.mail("b", "alert", "sam@example.org", Letter("B", "t", "<p>h</p>"))
    smtp.recorder.reply = "554 5.7.1 rejected"
    assert deliver_due(svc.conn, cfg).failed == 1
    assert {r.key: r.state for r in svc.outbox()} == {"a": "pending", "b": "failed"}


def test_bad_smtp_settings_give_one_line_errors(empty_service, run_cli, keyring_file):
    root = empty_service.ws.location  # the folder, or the team database's URL
    empty_service.close()
    r = run_cli("deliveries", "test", workspace=root)
    assert r.returncode == 2 and "no SMTP server configured" in r.stderr and len(r.stderr.splitlines()) == 1
    port = free_port()
    assert run_cli("deliveries", "smtp", "--host", "127.0.0.1", "--port", str(port), "--security", "none",
                   "--sender", "orm@example.org", workspace=root).returncode == 0
    r = run_cli("deliveries", "test", "--to", "x@example.org", workspace=root)
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert "refused the connection: check the host and port" in r.stderr and "Traceback" not in r.stderr
    with SmtpServer(auth=("alex", "right")) as server:
        run_cli("deliveries", "smtp", "--port", str(server.port), "--user", "alex", "--password-stdin",
                workspace=root, input="wrong\n")
        r = run_cli("deliveries", "test", "--to", "x@example.org", workspace=root)
        assert r.returncode == 1 and "refused the login for 'alex'" in r.stderr and "password" in r.stderr
        run_cli("deliveries", "smtp", "--password-stdin", workspace=root, input="right\n")
        r = run_cli("deliveries", "test", "--to", "x@example.org", workspace=root)
        assert r.returncode == 0, r.stderr
        assert [str(m["To"]) for m in server.messages] == ["x@example.org"]
    # the password is in the keyring, not in the workspace
    assert "right" not in _workspace_dump(root)
    assert "right" in keyring_file.read_text()


def _workspace_dump(where: Path | str) -> str:
    """Every byte the workspace's database holds, as text: the SQLite file, or a pg_dump."""
    if isinstance(where, Path):
        return (where / "orm.db").read_bytes().decode("latin-1")
    return subprocess.run(["pg_dump", "--data-only", where], capture_output=True, text=True, timeout=60,
                          check=True).stdout


def _self_signed(tmp_path):
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_pem, key_pem = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert_pem, key_pem


def test_starttls_and_tls_with_login(empty_service, keyring_file, tmp_path, monkeypatch):
    import ssl

    cert, key = _self_signed(tmp_path)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts our test CA, verification stays on
    svc = empty_service
    with SmtpServer(auth=("alex", "pw"), tls_context=ctx, require_starttls=True) as server:
        cfg = configure(svc, server.port)
        cfg["smtp"].update(security="starttls", username="alex")
        svc.save_deliveries_config(cfg)
        svc.set_delivery_secret(smtp_password="pw")
        assert svc.send_test_message("sam@example.org") == "sam@example.org"
        assert len(server.messages) == 1
        cfg["smtp"]["security"] = "tls"  # wrong for a STARTTLS port: a clear message
        svc.save_deliveries_config(cfg)
        from orm_desktop.errors import KnownError

        with pytest.raises(KnownError, match="check the security setting|cannot talk"):
            svc.send_test_message("sam@example.org")
    with SmtpServer(auth=("alex", "pw"), implicit_tls=ctx) as server:  # implicit TLS ("tls", port 465 style)
        cfg["smtp"]["port"] = server.port
        svc.save_deliveries_config(cfg)
        svc.set_delivery_secret(smtp_password="pw")
        assert svc.send_test_message("sam@example.org") == "sam@example.org"
        assert len(server.messages) == 1


def test_sigkill_between_hand_over_and_mark_never_sends_twice(empty_service, run_cli, keyring_file):
    """A real process is killed while the server holds its reply to message 2 of 3: message 1
    stays sent, message 2 becomes 'uncertain' (not re-sent by itself), message 3 goes out with
    the next run; the server has each exactly once."""
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.scheduled import Queue

    svc = empty_service
    with SmtpServer() as server:
        cfg = configure(svc, server.port)
        q = Queue(svc.conn, cfg, int(time.time()))
        for i in (1, 2, 3):
            q.mail(f"k{i}", "alert", "sam@example.org", Letter(f"message {i}", "t", "<p>h</p>"))
        root = svc.ws.location
        svc.close()
        server.recorder.hold = "message 2"
        env = {**os.environ, "PYTHONPATH": ROOT}
        proc = subprocess.Popen([sys.executable, "-m", "orm_desktop", "--workspace", str(root), "deliveries", "send"],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert server.recorder.holding.wait(60)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        server.recorder.release.set()
        r = run_cli("deliveries", "send", workspace=root)
        assert r.returncode == 0, r.stderr
        assert "1 sent" in r.stdout and "1 uncertain" in r.stdout
        assert server.recorder.subjects() == ["message 1", "message 2", "message 3"]
        r = run_cli("deliveries", "outbox", "--format", "json", workspace=root)
        states = {row["subject"]: row["state"] for row in json.loads(r.stdout)}
        assert states == {"message 1": "sent", "message 2": "uncertain", "message 3": "sent"}
        # a person decides to resend the uncertain one: it goes out with the same Message-ID
        uncertain = next(row for row in json.loads(r.stdout) if row["state"] == "uncertain")
        assert run_cli("deliveries", "resend", str(uncertain["id"]), workspace=root).returncode == 0
        assert run_cli("deliveries", "send", workspace=root).returncode == 0
        twice = [m for m in server.messages if str(m["Subject"]) == "message 2"]
        assert len(twice) == 2 and twice[0]["Message-ID"] == twice[1]["Message-ID"]


def test_kill_before_hand_over_loses_nothing(empty_service, run_cli, keyring_file):
    """Killed while the server is still greeting: the row stays pending and the next run sends it."""
    import socket

    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.scheduled import Queue

    svc = empty_service
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never greets
    silent.settimeout(60)  # a child that never connects (it failed first) fails the test, never hangs it
    port = silent.getsockname()[1]
    cfg = configure(svc, port)
    Queue(svc.conn, cfg, int(time.time())).mail("k", "alert", "sam@example.org", Letter("only", "t", "<p>h</p>"))
    root = svc.ws.location
    svc.close()
    proc = subprocess.Popen([sys.executable, "-m", "orm_desktop", "--workspace", str(root), "deliveries", "send"],
                            env={**os.environ, "PYTHONPATH": ROOT}, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        conn, _ = silent.accept()
    except TimeoutError:
        proc.kill()
        pytest.fail(f"the sender never reached the SMTP server: {proc.communicate(timeout=30)[1].decode()[-500:]}")
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    conn.close()
    silent.close()
    with SmtpServer() as server:
        run_cli("deliveries", "smtp", "--port", str(server.port), workspace=root)
        r = run_cli("deliveries", "send", workspace=root)
        assert "1 sent" in r.stdout, r.stderr
        assert server.recorder.subjects() == ["only"]


def test_scheduled_run_skips_the_refresh_while_the_gui_refreshes(empty_service, run_cli, smtp, keyring_file):
    svc = empty_service
    e = svc.add_entity("brand", "Acme")
    feed = sorted((Path(ROOT) / "tests" / "data" / "feeds").glob("*.xml"))[0]
    svc.add_feed(feed.as_uri())
    configure(svc, smtp.port, digest_hour=23)
    now = int(time.time())
    alerts_mod.store(svc.conn, [alerts_mod.Alert(e.id, "Acme", "volume_spike", now - now % 86400,
                                                 now - now % 86400 + 86400, 30, 3, 9)], now)
    with svc.ws.refresh_lock():  # what the GUI holds while it refreshes
        r = run_cli("run-scheduled", workspace=svc.ws.location)
    assert r.returncode == 0, r.stderr
    assert "refresh skipped: another refresh" in r.stdout and "1 sent" in r.stdout
    assert len(smtp.messages) == 1
    r = run_cli("run-scheduled", "--json", workspace=svc.ws.location)
    assert json.loads(r.stdout)["refreshed"] is True  # the feed was due: refreshed now
    r = run_cli("run-scheduled", "--json", workspace=svc.ws.location)
    assert json.loads(r.stdout)["refresh_note"] == "no feed is due"


def test_rule_notify_from_a_real_scheduled_refresh_is_mailed_in_the_same_run(empty_service, smtp, hooks,
                                                                               keyring_file):
    from orm_desktop.analysis import rules

    svc = empty_service
    svc.add_entity("brand", "Acme")
    rules.save(svc.conn, rules.Rule(None, "Recycling", {"entity": "Acme", "terms": "recycling"}, {"notify": True}),
               by="test")
    svc.add_feed((Path(ROOT) / "tests" / "data" / "feeds" / "atom.xml").as_uri())
    configure(svc, smtp.port, hooks=[("slack", "slack", hooks.url + "/slack")], digest_hour=23, report_hour=23)
    res = svc.run_scheduled()
    assert res.refreshed and res.new_mentions == 1 and res.sent == 2, res
    [subject] = smtp.recorder.subjects()
    assert subject.endswith("Rule: rule Recycling")
    assert "Recycling" in hooks.posts[0][2]["text"] and "1 new mention" in hooks.posts[0][2]["text"]


def test_scheduled_run_honours_crisis_cadence(empty_service, keyring_file):
    from orm_desktop.analysis.crisis import CRISIS_INTERVAL, switch_on
    from orm_desktop.ingest.pipeline import OK_INTERVAL

    svc = empty_service
    svc.add_entity("brand", "Acme")
    feeds = Path(ROOT) / "tests" / "data" / "feeds"
    svc.add_feed((feeds / "atom.xml").as_uri(), kind="news")
    svc.add_feed((feeds / "rss20.xml").as_uri(), kind="blog")
    switch_on(svc, "Acme", by="test")
    assert svc.run_scheduled().refreshed
    due = {f.kind: f.next_due - f.last_fetched for f in svc.feeds()}
    assert due == {"news": CRISIS_INTERVAL, "blog": OK_INTERVAL}


def test_webhook_errors_retry_or_fail(empty_service, hooks, keyring_file):
    from orm_desktop.deliveries import config as c
    from orm_desktop.deliveries.outbox import deliver_due
    from orm_desktop.deliveries.scheduled import Queue

    svc = empty_service
    cfg = configure(svc, free_port(), people=(), hooks=[("slack", "slack", hooks.url + "/slack")])
    hook = c.webhooks(cfg)[0]
    q = Queue(svc.conn, cfg, int(time.time()))
    q.chat("a", "alert", hook, "A", "text")
    hooks.status = 503
    assert deliver_due(svc.conn, cfg).retrying == 1
    q.chat("b", "alert", hook, "B", "text")
    hooks.status = 400
    assert deliver_due(svc.conn, cfg).failed == 1
    assert {r.key: r.state for r in svc.outbox()} == {"a": "pending", "b": "failed"}
    assert "webhook answered 400" in svc.outbox()[0].last_error
    # an unreachable webhook: retried, and its URL (a credential) is not written into the error
    svc.set_delivery_secret(webhook="slack", url=f"http://127.0.0.1:{free_port()}/services/T0/B0/SECRET")
    q.chat("c", "alert", hook, "C", "text")
    assert deliver_due(svc.conn, cfg).retrying == 1
    row = next(r for r in svc.outbox() if r.key == "c")
    assert "connection refused" in row.last_error and "SECRET" not in row.last_error


def test_a_draft_submitted_for_review_mails_its_approvers_with_the_request_file(demo_service, smtp, keyring_file):
    from orm_desktop.responses import workflow as wf

    svc = demo_service
    configure(svc, smtp.port, people=(("sam", "sam@example.org"), ("alex", "alex@example.org")),
              digest_hour=23, report_hour=23, alerts=False, enabled_since=int(time.time()) + 1)
    assert svc.run_scheduled(refresh=False).sent == 0  # the demo's older review is not news
    [draft] = svc.responses(states=("draft",))
    act_as(svc, "alex")  # acting as alex needs alex's key (issue 13)
    wf.edit(svc.conn, draft.id, "Thanks for telling us, we are looking into it.", by="alex",
            expected_version=draft.version)
    wf.transition(svc.conn, draft.id, "submit", by="alex")
    # timestamps are whole seconds: place the submission clearly after deliveries were enabled
    svc.conn.execute("UPDATE responses SET submitted_at = submitted_at + 5 WHERE id = ?", (draft.id,))
    res = svc.run_scheduled(refresh=False)
    assert res.sent == 1, res  # sam approves; alex wrote it
    [m] = smtp.messages
    assert str(m["To"]) == "sam@example.org" and f"draft #{draft.id} by alex" in str(m["Subject"])
    [att] = list(m.iter_attachments())
    assert att.get_filename() == f"approval-request-{draft.id}.json"
    assert json.loads(att.get_content())["response"]["text"].startswith("Thanks for telling us")
    assert svc.run_scheduled(refresh=False).sent == 0


def test_resend_of_a_message_not_in_the_outbox_says_so(empty_service, run_cli):
    """`deliveries resend ID` (docs/deliveries.md) with an ID the outbox does not have (a typo)
    printed "0 message(s) queued again" and exited 0, as if done; now one line naming it, exit 2."""
    root = empty_service.ws.location  # the folder, or the team database's URL
    empty_service.close()
    r = run_cli("deliveries", "resend", "99", workspace=root)
    assert r.returncode == 2, r.stdout
    assert r.stderr.strip() == ("orm-desktop: error: no message 99 in the outbox (`orm-desktop deliveries "
                                "outbox` lists them); nothing was queued")
