"""Cost of identity and integrity (issue 13): key unlock, signed audit appends, verification.

    python benchmarks/identity_bench.py [--entries 10000]

Appends are timed one per transaction (as the app does: each one also rewrites the signed
checkpoint file beside the workspace) and many in one transaction; verification re-checks every
hash and Ed25519 signature of the chain.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from _common import table, write_json


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=10_000)
    a = p.parse_args()
    from orm_desktop import identity
    from orm_desktop.responses import workflow as wf
    from orm_desktop.service import Service
    from orm_desktop.store import audit, db

    rows = []
    t = [time.perf_counter()]
    key = identity.create_key("bench-passphrase")
    rows.append({"what": "create a key (scrypt n=2^15 + AES-GCM)", "ms": (time.perf_counter() - t[0]) * 1000})
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        identity.decrypt_private_key(key.blob, "bench-passphrase")
        samples.append((time.perf_counter() - t0) * 1000)
    rows.append({"what": "unlock a key (median of 5)", "ms": statistics.median(samples)})
    with tempfile.TemporaryDirectory() as d:
        svc = Service.create(Path(d) / "ws")
        wf.add_user(svc.conn, "bench", ("author",), key=key)
        identity.SESSION.add(key.private)
        conn = svc.conn
        for actor, label in (("bench", "user key"), ("cli", "workspace key")):
            n = 300
            t0 = time.perf_counter()
            for i in range(n):
                with db.transaction(conn):
                    audit.append(conn, actor=actor, action="bench", subject_type="bench", subject_id=i, now=1)
            rows.append({"what": f"append, own transaction + checkpoint file ({label}), per entry",
                         "ms": (time.perf_counter() - t0) * 1000 / n})
        t0 = time.perf_counter()
        with db.transaction(conn):
            for i in range(a.entries):
                audit.append(conn, actor="bench", action="bench", subject_type="bench", subject_id=i, now=1,
                             data={"i": i})
        rows.append({"what": f"append {a.entries:,} in one transaction, per entry",
                     "ms": (time.perf_counter() - t0) * 1000 / a.entries})
        total = conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        t0 = time.perf_counter()
        rep, problems = audit.verify_full(conn)
        assert rep.ok and not problems, (rep.why, problems)
        rows.append({"what": f"audit verify, {total:,} signed entries + checkpoint", "ms": (time.perf_counter() - t0) * 1000})
        svc.close()
    print(table(rows, ["what", "ms"]))
    print(f"wrote {write_json('identity', {'rows': rows, 'entries': a.entries})}")


if __name__ == "__main__":
    main()
