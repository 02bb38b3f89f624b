"""Evidence capture for mentions that may matter legally (defamation, misinformation).

On demand, the mention's page is fetched with the same safety limits as feeds (timeouts, size
cap, redirect cap; never rendered), and stored as received with the extracted text, the fetch
time, the HTTP headers and a SHA-256 of each; the feed entry as stored is captured too. Files
live in the workspace's ``evidence/`` folder; an export is one zip with a manifest listing every
file and hash. Captures are audited.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from orm_desktop.atomic import atomic_write
from orm_desktop.errors import UsageError
from orm_desktop.store import audit, db
from orm_desktop.store import evidence as evidence_store
from orm_desktop.store import items as items_store
from orm_desktop.store import mentions as mentions_store

# the fetcher (requests, urllib3: 0.4-0.9 s to import) is imported when a page is captured, not
# when the inbox's detail pane lists a mention's evidence (list_for) on the GUI thread
if TYPE_CHECKING:
    from orm_desktop.ingest.fetch import FetchLimits


@dataclass(frozen=True, slots=True)
class Capture:
    id: int
    mention_id: int | None
    url: str
    kind: str
    fetched_at: int
    http_status: int | None
    headers: dict
    body_path: str
    body_sha256: str
    text: str
    text_sha256: str
    headers_sha256: str
    captured_by: str


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(conn, folder: Path, *, mention_id: int, item_id: int, url: str, kind: str, body: bytes, text: str,
           headers: dict, status: int | None, by: str, now: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{mention_id}-{kind}-{now}-{_sha(body)[:12]}.bin"
    atomic_write(folder / name, body, mode=0o600)
    headers_json = json.dumps(headers, sort_keys=True)
    with _unlink_on_error(folder / name), db.transaction(conn):
        cid = evidence_store.insert(
            conn, mention_id=mention_id, item_id=item_id, url=url, kind=kind, fetched_at=now, http_status=status,
            headers_json=headers_json, body_path=name, body_sha256=_sha(body), text=text,
            text_sha256=_sha(text.encode("utf-8")), headers_sha256=_sha(headers_json.encode("utf-8")), captured_by=by)
        audit.append(conn, actor=by, action="evidence.capture", subject_type="mention", subject_id=mention_id,
                     data={"evidence": cid, "kind": kind, "url": url, "sha256": _sha(body)}, now=now)
    return int(cid)


@contextlib.contextmanager
def _unlink_on_error(path: Path):
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def capture(conn, folder: Path, mention_id: int, *, by: str, limits: FetchLimits | None = None) -> list[Capture]:
    """Capture the feed entry as stored and the page as fetched now (when it has a web URL)."""
    m = mentions_store.get(conn, mention_id)
    if m is None:
        raise UsageError(f"no mention with id {mention_id}")
    now = int(time.time())
    row = items_store.content(conn, m.item_id)
    entry = json.dumps({"title": row[2], "html": row[0], "text": row[1], "url": m.url}, ensure_ascii=False)
    ids = [_store(conn, folder, mention_id=mention_id, item_id=m.item_id, url=m.url, kind="feed_entry",
                  body=entry.encode("utf-8"), text=row[1], headers={}, status=None, by=by, now=now)]
    if m.url.startswith(("http://", "https://")):
        from orm_desktop.ingest.fetch import FetchLimits, FetchRequest, fetch_one
        from orm_desktop.ingest.sanitize import html_to_text

        r = fetch_one(FetchRequest(0, m.url), private_policy(conn, limits or FetchLimits()))
        if r.status == "ok" and r.body is not None:
            text = html_to_text(r.body.decode("utf-8", errors="replace"))[:200_000]
            ids.append(_store(conn, folder, mention_id=mention_id, item_id=m.item_id, url=r.final_url or m.url,
                              kind="page", body=r.body, text=text, headers=r.headers, status=r.http_status,
                              by=by, now=now))
        else:
            raise UsageError(f"the feed entry was captured, but the page could not be fetched: {r.message}")
    return [c for c in list_for(conn, mention_id) if c.id in ids]


def private_policy(conn, limits: FetchLimits) -> FetchLimits:
    """The page URL comes from the publisher: private addresses only as the workspace allows."""
    from orm_desktop.store import settings as settings_store

    allowed = settings_store.get(conn, "allow_private_addresses", False)
    networks = tuple(str(n) for n in allowed) if isinstance(allowed, list) else ()
    return replace(limits, allow_private=allowed is True, allow_networks=networks)


def list_for(conn, mention_id: int) -> list[Capture]:
    return [Capture(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8], r[9], r[10], r[11], r[12])
            for r in evidence_store.list_for(conn, mention_id)]


def export(conn, folder: Path, mention_id: int, out: Path, *, by: str) -> Path:
    """One zip: every captured file, its text and headers, and manifest.json with the hashes."""
    caps = list_for(conn, mention_id)
    if not caps:
        raise UsageError(f"mention {mention_id} has no captured evidence")
    manifest = {"mention_id": mention_id, "exported_at": int(time.time()), "captures": []}
    files: list[tuple[str, bytes]] = []
    for c in caps:  # every file of the manifest is checked against its recorded hash before anything is written
        try:
            body = (folder / c.body_path).read_bytes()
        except OSError:
            raise UsageError(f"evidence file {c.body_path} is missing or unreadable") from None
        text = c.text.encode("utf-8")
        headers_json = json.dumps(c.headers, sort_keys=True)
        for what, data, recorded in ((f"evidence file {c.body_path}", body, c.body_sha256),
                                     (f"the text of capture {c.id}", text, c.text_sha256),
                                     (f"the headers of capture {c.id}", headers_json.encode("utf-8"), c.headers_sha256)):
            if _sha(data) != recorded:
                raise UsageError(f"{what} no longer matches its recorded SHA-256")
        base = f"capture-{c.id}-{c.kind}"
        files += [(f"{base}/body.bin", body), (f"{base}/text.txt", text), (f"{base}/headers.json", headers_json.encode())]
        manifest["captures"].append({"id": c.id, "kind": c.kind, "url": c.url, "fetched_at": c.fetched_at,
                                     "http_status": c.http_status, "body_sha256": c.body_sha256,
                                     "text_sha256": c.text_sha256, "headers_sha256": c.headers_sha256,
                                     "captured_by": c.captured_by, "files": [f"{base}/body.bin",
                                                                              f"{base}/text.txt",
                                                                              f"{base}/headers.json"]})

    def write(fh) -> None:
        with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in files:
                z.writestr(name, data)
            z.writestr("manifest.json", json.dumps(manifest, indent=2))

    atomic_write(out, write)
    with db.transaction(conn):
        audit.append(conn, actor=by, action="evidence.export", subject_type="mention", subject_id=mention_id,
                     data={"file": str(out), "captures": len(caps)}, now=int(time.time()))
    return out


MAX_MEMBER = 64 * 1024 * 1024  # larger than any capture (fetch cap 10 MiB): refuse zip bombs unread


def verify_export(path: Path) -> tuple[int, list[str]]:
    """Check an evidence export (possibly from someone else): every file the manifest lists is in
    the zip with the SHA-256 recorded for it. Returns (files checked, problems). ``UsageError``
    when the file is not an evidence export at all."""
    from orm_desktop.userfiles import open_regular_file

    bad = UsageError(f"{path} is not an ORM Desktop evidence export")
    with open_regular_file(path, bad) as fh:  # a FIFO must not hang us
        return _verify_zip(fh, bad)


def _verify_zip(fh, bad: UsageError) -> tuple[int, list[str]]:
    try:
        z = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise bad from None
    problems: list[str] = []
    checked = 0
    with z:
        try:
            info = z.getinfo("manifest.json")
            if info.file_size > 1024 * 1024:
                raise bad
            manifest = json.loads(z.read(info).decode("utf-8"))
            captures = manifest["captures"]
            if not isinstance(captures, list):
                raise bad
            for c in captures:
                files, hashes = c["files"], [c["body_sha256"], c["text_sha256"], c["headers_sha256"]]
                if not isinstance(files, list) or len(files) != 3 or not all(isinstance(f, str) for f in files):
                    raise bad
                for name, recorded in zip(files, hashes, strict=True):
                    try:
                        member = z.getinfo(name)
                    except KeyError:
                        problems.append(f"{name[:200]}: listed in the manifest but missing")
                        continue
                    if member.file_size > MAX_MEMBER:
                        problems.append(f"{name[:200]}: larger than any capture; not read")
                        continue
                    checked += 1
                    if _sha(z.read(member)) != recorded:
                        problems.append(f"{name[:200]}: does not match its SHA-256 in the manifest")
        except (KeyError, TypeError, ValueError, AttributeError, zipfile.BadZipFile, EOFError, OSError,
                NotImplementedError, RuntimeError, zlib.error):
            raise bad from None
    return checked, problems
