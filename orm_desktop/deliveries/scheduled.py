"""`orm-desktop run-scheduled`: one background run, started by the OS job every few minutes.

1. refresh the feeds that are due (crisis mode makes its feeds due every 5 minutes instead of
   30), running rules and spike detection as every refresh does. If the GUI is refreshing
   right now (it holds the workspace's refresh lock) this run skips the refresh: the two never
   refresh at the same time, and the GUI's new alerts are delivered by this run anyway;
2. queue what is due in the outbox: alert mails and chat posts for spikes detected since the
   last runs, rule "notify" matches, crisis switches, the morning digest per person after the
   digest hour, the weekly report on its weekday;
3. send the outbox (one sender at a time: the deliveries lock), with retries and backoff.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import time
from dataclasses import asdict, dataclass, field

from orm_desktop.deliveries import config as cfgmod
from orm_desktop.deliveries import content, mail, webhooks
from orm_desktop.deliveries.outbox import SendReport, deliver_due
from orm_desktop.errors import KnownError, LockBusy
from orm_desktop.store import db
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import outbox as store

ALERT_LOOKBACK = 2 * 86400  # alerts older than this when deliveries start are not mailed


@dataclass
class RunResult:
    started: int
    refreshed: bool = False
    refresh_note: str = ""
    new_mentions: int = 0
    failed_feeds: int = 0
    queued: int = 0
    sent: int = 0
    retrying: int = 0
    uncertain: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.failed_feeds

    def summary(self) -> str:
        refresh = (f"refreshed ({self.new_mentions} new mentions, {self.failed_feeds} feeds failed)"
                   if self.refreshed else f"refresh skipped: {self.refresh_note}")
        return (f"{refresh}; {self.queued} queued, {self.sent} sent, {self.retrying} to retry, "
                f"{self.uncertain} uncertain, {self.failed} failed")


class Queue:
    """Puts letters and chat posts into the outbox under their idempotency keys."""

    def __init__(self, conn, cfg: dict, now: int) -> None:
        self.conn, self.cfg, self.now = conn, cfg, now
        self.sender = cfg["smtp"]["sender"] or "orm-desktop@localhost"
        self.added = 0

    def mail(self, key: str, kind: str, to: str, letter: content.Letter, detected_at: int | None = None) -> None:
        if self.queued(key):
            return
        msg = mail.compose(key=key, sender=self.sender, to=to, subject=letter.subject, text=letter.text,
                           html=letter.html, attachments=letter.attachments, now=self.now)
        self._add(key, "email", kind, to, letter.subject, msg["Message-ID"],
                  msg.as_bytes(policy=email.policy.SMTP), detected_at)

    def chat(self, key: str, kind: str, hook: cfgmod.Webhook, title: str, text: str,
             detected_at: int | None = None, severity: str = "warning") -> None:
        if self.queued(key):
            return
        body = webhooks.encode(webhooks.payload(hook.format, title, text, severity=severity))
        self._add(key, "webhook", kind, hook.name, title, mail.message_id(key, "webhook"), body, detected_at)

    def _add(self, key, channel, kind, target, subject, message_id, body, detected_at) -> None:
        with db.transaction(self.conn):
            self.added += store.add(self.conn, key=key, channel=channel, kind=kind, target=target,
                                    subject=subject, message_id=message_id, body=body, now=self.now,
                                    detected_at=detected_at) is not None

    def queued(self, key: str) -> bool:
        return store.exists(self.conn, key)


def queue_due(svc, cfg: dict, *, now: int, notified: tuple[tuple[str, int], ...] = ()) -> int:
    """Queue everything that is due now; returns how many messages were added."""
    conn = svc.conn
    q = Queue(conn, cfg, now)
    people = cfgmod.recipients(cfg) if cfg["smtp"]["host"] else []
    hooks = cfgmod.webhooks(cfg)
    brand = svc.setting("brand_name") or "ORM Desktop"
    floor = max(int(cfg.get("enabled_since") or 0), now - ALERT_LOOKBACK)
    for alert_id, created, detail in store.alerts_created_since(conn, floor):
        headline = detail.split(" — ")[0]
        for p in (p for p in people if p.alerts):
            q.mail(f"alert:{alert_id}:{p.email}", "alert", p.email, content.alert(brand, headline, detail), created)
        for h in (h for h in hooks if h.alerts):
            q.chat(f"alert:{alert_id}:wh:{h.name}", "alert", h, f"{brand} alert: {headline}", detail, created)
    for rule, n in notified:
        detail = f"Rule “{rule}” matched {n} new mention(s) in the scheduled refresh."
        for p in (p for p in people if p.alerts):
            q.mail(f"rule:{rule}:{now}:{p.email}", "rule", p.email,
                   content.alert(brand, f"rule {rule}", detail, kind="Rule"), now)
        for h in (h for h in hooks if h.alerts):
            q.chat(f"rule:{rule}:{now}:wh:{h.name}", "rule", h, f"{brand}: rule {rule}", detail, now)
    for audit_id, at, action, actor, entity in store.crisis_events_since(conn, floor):
        on = action == "crisis.on"
        title = f"{brand}: crisis mode {'ON' if on else 'off'} for {entity}"
        detail = (f"{actor} switched crisis mode {'on' if on else 'off'} for {entity} at "
                  f"{dt.datetime.fromtimestamp(at):%d %b %H:%M}."
                  + (" Its feeds are now refreshed every 5 minutes." if on else " The crisis report was written."))
        for h in (h for h in hooks if h.crisis):
            q.chat(f"crisis:{audit_id}:wh:{h.name}", "crisis", h, title, detail, at,
                   severity="critical" if on else "warning")
    for p in people:  # drafts submitted for review: mail whoever may approve them
        for r in content.awaiting_approval(conn, p.name):
            if (r.submitted_at or 0) >= floor:
                key = f"approval:{r.id}:{r.version}:{p.email}"
                if not q.queued(key):
                    q.mail(key, "approval", p.email, content.approval_request(svc, r, p.name), r.submitted_at)
    local = dt.datetime.fromtimestamp(now)
    if local.hour >= int(cfg["digest_hour"]):
        for p in (p for p in people if p.digest):
            key = f"digest:{p.name}:{local:%Y-%m-%d}"
            if not q.queued(key):
                q.mail(key, "digest", p.email, content.digest(svc, p.name, now=now, since=now - 86400))
    if local.weekday() == int(cfg["report_weekday"]) and local.hour >= int(cfg["report_hour"]):
        year, week, _ = local.isocalendar()
        todo = [p for p in people if p.reports and not q.queued(f"report:weekly:{year}-W{week:02d}:{p.email}")]
        if todo:
            letter = content.weekly_report(svc, now=now)
            for p in todo:
                q.mail(f"report:weekly:{year}-W{week:02d}:{p.email}", "report", p.email, letter)
    return q.added


def run(svc, *, now: int | None = None, refresh: bool = True, jobs: int = 4) -> RunResult:
    """One scheduled run (see the module docstring). Never raises for a busy lock."""
    t0 = time.perf_counter()
    res = RunResult(started=int(now or time.time()))
    notified: tuple[tuple[str, int], ...] = ()
    if refresh and not feeds_store.due(svc.conn, res.started):
        refresh, res.refresh_note = False, "no feed is due"
    elif not refresh:
        res.refresh_note = "not asked for"
    if refresh:
        try:
            summary = svc.fetch(jobs=jobs, due_only=True)  # a timer: what is due (plain fetch asks every feed)
        except LockBusy:
            res.refresh_note = "another refresh (the app, or a manual fetch) is running; it was left to finish"
        else:
            res.refreshed, res.new_mentions, res.failed_feeds = True, summary.new_mentions, summary.failed
            notified = tuple(summary.notified)
    cfg = svc.deliveries_config()
    try:
        with svc.deliveries_lock():
            res.queued = queue_due(svc, cfg, now=int(now or time.time()), notified=notified)
            clock = (lambda: now) if now is not None else time.time
            sent: SendReport = deliver_due(svc.conn, cfg, now=clock)
    except KnownError as exc:
        res.errors.append(str(exc))
    else:
        res.sent, res.retrying, res.uncertain, res.failed = sent.sent, sent.retrying, sent.uncertain, sent.failed
        res.errors += sent.errors
    res.seconds = round(time.perf_counter() - t0, 3)
    with db.transaction(svc.conn):
        from orm_desktop.store import settings as settings_store

        settings_store.set_(svc.conn, "scheduled_last_run", asdict(res))
    return res
