"""Sending what the outbox holds: written before sending, marked after, retried with backoff.

"Never twice" — what it honestly means: SMTP and chat webhooks have no idempotent submit. A
message is marked ``sending`` (committed) just before it is handed over (SMTP DATA, the
webhook POST) and ``sent`` when the server accepted it. If the process dies between the two,
nobody can know whether the server kept it; such a row becomes ``uncertain`` on the next run
and is not re-sent by itself (shown in the GUI; a person can resend it). Everything that
fails *before* the hand-over (unreachable server, refused login, 4xx) is retried with
exponential backoff, so nothing is lost silently. A re-sent mail carries the same Message-ID,
which mail clients and several providers use to collapse a duplicate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from orm_desktop.deliveries import config as cfgmod
from orm_desktop.deliveries.mail import DeliveryError, SmtpTransport
from orm_desktop.errors import KnownError
from orm_desktop.store import db
from orm_desktop.store import outbox as store

BACKOFF_FIRST = 60          # seconds before the first retry
BACKOFF_MAX = 3600          # at most an hour between attempts
KEEP_BODIES = 30 * 86400   # sent messages keep their bytes (PDFs...) this long; keys stay forever
MAX_ATTEMPTS = 12           # ~ 6 hours of retries, then 'failed' (visible; can be resent)


def backoff(attempts: int) -> int:
    """Seconds to wait after ``attempts`` failed attempts: 60, 120, 240 ... capped at an hour."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due(conn, cfg: dict, *, now: Callable[[], float] = time.time,
                webhook_url: Callable[[str], str] | None = None) -> SendReport:
    """Send every due outbox row. The caller holds the workspace's deliveries lock, so a row
    still 'sending' was left by a process that died."""
    from orm_desktop.deliveries import webhooks

    report = SendReport()
    with db.transaction(conn):
        report.uncertain += store.interrupted_to_uncertain(conn)
        store.drop_old_bodies(conn, int(now()) - KEEP_BODIES)
    rows = store.due(conn, int(now()))
    if not rows:
        return report
    webhook_url = webhook_url or (lambda name: cfgmod.get_secret(cfgmod.webhook_account(name)))
    # only to whom the settings name: on a team workspace every author may write the outbox, and
    # this run sends with the SMTP login and webhook URLs of whoever runs it
    emails = {r.email.strip().casefold() for r in cfgmod.recipients(cfg)}
    hooks = {w.name for w in cfgmod.webhooks(cfg)}
    transport: SmtpTransport | None = None
    smtp_broken: DeliveryError | None = None
    try:
        for row in rows:
            def mark_sending(row_id: int = row.id) -> None:
                with db.transaction(conn):
                    store.mark_sending(conn, row_id)

            try:
                if (row.target.strip().casefold() not in emails if row.channel == "email"
                        else row.target not in hooks):
                    raise DeliveryError(f"not sent: {row.target!r} is not a recipient or webhook of the "
                                        "deliveries settings", permanent=True)
                if row.channel == "email":
                    if smtp_broken is not None:
                        raise smtp_broken  # one unreachable server: do not wait a timeout per message
                    if transport is None:
                        transport = SmtpTransport(cfgmod.smtp_settings(cfg))
                    try:
                        transport.connect()
                    except DeliveryError as exc:
                        smtp_broken = exc
                        raise
                    transport.send(store.body(conn, row.id), transport.s.sender, [row.target],
                                   before_data=mark_sending)
                else:
                    webhooks.post(webhook_url(row.target), store.body(conn, row.id),
                                  idempotency_key=row.message_id, before_send=mark_sending)
            except DeliveryError as exc:
                _failed(conn, row, exc, int(now()), report)
                continue
            except KnownError as exc:  # settings removed, keyring locked: fixable, so retried
                _failed(conn, row, DeliveryError(str(exc)), int(now()), report)
                continue
            with db.transaction(conn):
                store.mark_sent(conn, row.id, int(now()))
            report.sent += 1
    finally:
        if transport is not None:
            transport.close()
    return report


def _failed(conn, row: store.OutboxRow, exc: DeliveryError, now: int, report: SendReport) -> None:
    msg = str(exc)
    report.errors.append(f"{row.kind} to {row.target}: {msg}")
    current = store.get(conn, row.id)
    handed_over = current is not None and current.state == "sending"  # attempt already counted
    attempts = (current.attempts if current else row.attempts) + (not handed_over)
    with db.transaction(conn):
        if exc.uncertain and handed_over:
            store.mark_uncertain(conn, row.id, msg)
            report.uncertain += 1
        elif exc.permanent or attempts >= MAX_ATTEMPTS:
            store.mark_failed(conn, row.id, msg)
            report.failed += 1
        else:
            store.mark_retry(conn, row.id, error=msg, next_attempt=now + backoff(attempts),
                             count_attempt=not handed_over)
            report.retrying += 1
