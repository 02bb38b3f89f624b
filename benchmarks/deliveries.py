"""Delivery latency from detection, retries and throughput (issue 16), against a real SMTP server
(aiosmtpd) and a real webhook server on 127.0.0.1.

    python benchmarks/deliveries.py [--runs 20]

- latency: a spike alert is stored (detection), then one scheduled run (no refresh) queues and
  sends it: time from the alert's detection to the SMTP server holding the mail and the webhook
  server holding the post. With the OS timer firing every 5 minutes, the worst case from
  detection to delivery is one interval plus this.
- idle tick: wall time of `orm-desktop run-scheduled` as a process when nothing is due.
- retries: the backoff schedule for an unreachable server; how long a run takes to give up on
  a refused port with 50 messages queued (one connection attempt per run, not per message).
- throughput: 200 queued mails sent in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from _common import ROOT, table, write_json


def _hook_server():
    arrived: list[float] = []

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            arrived.append(time.time())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, arrived


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=20)
    a = p.parse_args()
    import keyring

    from orm_desktop.analysis import alerts as alerts_mod
    from orm_desktop.deliveries.content import Letter
    from orm_desktop.deliveries.outbox import backoff, deliver_due
    from orm_desktop.deliveries.scheduled import Queue
    from orm_desktop.service import Service
    from tests.memkeyring import TestKeyring
    from tests.smtpserver import SmtpServer, free_port

    keyring.set_keyring(TestKeyring())
    tmp = Path(tempfile.mkdtemp(prefix="orm-deliveries-bench-"))
    svc = Service.create(tmp / "ws", demo=True)
    e = svc.entity("Velora")
    results: dict = {}
    httpd, posts = _hook_server()
    with SmtpServer() as smtp:
        cfg = svc.deliveries_config()
        cfg["smtp"].update(host="127.0.0.1", port=smtp.port, security="none", sender="orm@velora.example")
        cfg.update(recipients=[{"name": "sam", "email": "sam@example.org", "digest": False, "reports": False}],
                   webhooks=[{"name": "slack", "format": "slack", "crisis": False}], enabled_since=1)
        svc.save_deliveries_config(cfg)
        svc.set_delivery_secret(webhook="slack", url=f"http://127.0.0.1:{httpd.server_address[1]}/hook")
        svc.run_scheduled(refresh=False)  # the demo's own alerts go out first
        mail_ms, hook_ms, run_ms = [], [], []
        for i in range(a.runs):
            day = 86400 * (20000 + i)  # a window of its own per run: a new alert each time
            n_mail, n_hook = len(smtp.recorder.arrived_at), len(posts)
            detected = time.time()
            alerts_mod.store(svc.conn, [alerts_mod.Alert(e.id, e.name, "negativity_spike", day, day + 86400,
                                                         12, 2.0, 8.0)], int(detected))
            t0 = time.perf_counter()
            res = svc.run_scheduled(refresh=False)
            run_ms.append((time.perf_counter() - t0) * 1000)
            assert res.sent == 2 and len(smtp.recorder.arrived_at) == n_mail + 1 and len(posts) == n_hook + 1, res
            mail_ms.append((smtp.recorder.arrived_at[-1] - detected) * 1000)
            hook_ms.append((posts[-1] - detected) * 1000)

        def stats(xs):
            xs = sorted(xs)
            return {"p50_ms": round(statistics.median(xs), 1), "max_ms": round(xs[-1], 1)}

        results["latency_from_detection"] = {"runs": a.runs, "mail": stats(mail_ms), "webhook": stats(hook_ms),
                                             "scheduled_run": stats(run_ms)}

        # throughput: 200 mails in one run
        q = Queue(svc.conn, svc.deliveries_config(), int(time.time()))
        for i in range(200):
            q.mail(f"bench:{i}", "alert", "sam@example.org", Letter(f"bench {i}", "text " * 50, "<p>html</p>" * 20))
        t0 = time.perf_counter()
        sent = deliver_due(svc.conn, svc.deliveries_config()).sent
        dt_s = time.perf_counter() - t0
        results["throughput"] = {"mails": sent, "seconds": round(dt_s, 2), "per_second": round(sent / dt_s, 1)}

    # retries against a refused port: 50 queued, one connection attempt per run
    cfg = svc.deliveries_config()
    cfg["smtp"]["port"] = free_port()
    svc.save_deliveries_config(cfg)
    q = Queue(svc.conn, cfg, int(time.time()))
    for i in range(50):
        q.mail(f"down:{i}", "alert", "sam@example.org", Letter(f"down {i}", "t", "<p>h</p>"))
    t0 = time.perf_counter()
    rep = deliver_due(svc.conn, cfg)
    results["unreachable_server"] = {"queued": 50, "retrying": rep.retrying,
                                     "run_ms": round((time.perf_counter() - t0) * 1000, 1),
                                     "backoff_s": [backoff(n) for n in range(1, 13)],
                                     "hours_until_failed": round(sum(backoff(n) for n in range(1, 12)) / 3600, 2)}

    # the idle tick: a run-scheduled process when nothing is due
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
           "QT_QPA_PLATFORM": "offscreen"}
    cfg["recipients"], cfg["webhooks"] = [], []
    svc.save_deliveries_config(cfg)
    svc.close()
    ticks = []
    for _ in range(3):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "orm_desktop", "--workspace", str(tmp / "ws"), "run-scheduled",
                            "--json"], env=env, capture_output=True, text=True)
        ticks.append((time.perf_counter() - t0) * 1000)
    results["idle_tick"] = {"process_ms_median": round(statistics.median(ticks), 0),
                            "last": json.loads(r.stdout) if r.stdout else r.stderr[-300:]}
    httpd.shutdown()

    lat = results["latency_from_detection"]
    print(table([{"what": "detection → mail at the SMTP server (one run)", **lat["mail"]},
                 {"what": "detection → post at the webhook server (one run)", **lat["webhook"]},
                 {"what": "scheduled run (queue + send, no refresh)", **lat["scheduled_run"]}],
                ["what", "p50_ms", "max_ms"]))
    print(f"throughput: {results['throughput']['per_second']} mails/s ({results['throughput']['mails']} in "
          f"{results['throughput']['seconds']} s)")
    u = results["unreachable_server"]
    print(f"unreachable server: 50 queued, {u['retrying']} set to retry in {u['run_ms']} ms; backoff "
          f"{u['backoff_s']} s; failed after {u['hours_until_failed']} h")
    print(f"idle tick (run-scheduled process, nothing due): {results['idle_tick']['process_ms_median']:.0f} ms")
    print(f"wrote {write_json('deliveries', results)}")


if __name__ == "__main__":
    main()
