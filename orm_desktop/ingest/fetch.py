"""Fetching feeds with requests: concurrent, bounded, polite, conditional.

Every outcome is a FetchResult with a status and a one-line message; nothing raises for
network or HTTP trouble. Limits: connect and read timeouts plus an overall deadline (a server
trickling bytes cannot hold a worker), a cap on the DECOMPRESSED body (gzip bombs stop early),
a redirect cap, and per-host concurrency with a minimum interval between requests to one host.
Loopback hosts and file:// are exempt from the interval: politeness protects remote servers;
local test and benchmark servers need none.

Hostile servers and URLs (docs/security.md, "Hostile files and feeds"):
- a wall-clock deadline per request (``total_timeout``, redirects included): a watchdog shuts the
  socket down when it passes, however slowly the server trickles headers or body;
- private addresses (loopback, RFC 1918, link-local, multicast, reserved...) are checked on the
  address actually connected to, after name resolution, on every hop of a redirect chain:
  ``allow_private=False`` refuses them (evidence capture: the URL comes from a publisher) unless
  listed in ``allow_networks``; ``None`` (feeds) lets a chain reach them only when its first hop
  was private too (a feed a person pointed at the intranet or at 127.0.0.1), so a public feed
  cannot redirect into the local network;
- ``file://`` reads only a regular file (no FIFOs, devices, directories), no host part, size
  capped, with the same deadline; every failure gives the same message, so errors do not tell
  which local files exist.
"""

from __future__ import annotations

import heapq
import ipaddress
import os
import queue
import socket
import stat
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from orm_desktop import __version__
from orm_desktop.ingest.opml import port_problem
from orm_desktop.textsafe import one_line


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    total_timeout: float = 20.0  # wall clock per request, redirects and a trickling body included
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 2
    host_interval: float = 1.0
    user_agent: str = f"ORM-Desktop/{__version__} (+https://github.com/orm-desktop/orm-desktop)"
    allow_private: bool | None = None  # None: only when the first hop was private too (see above)
    allow_networks: tuple[str, ...] = ()  # addresses / CIDR networks allowed even when private


@dataclass(frozen=True, slots=True)
class FetchRequest:
    feed_id: int
    url: str
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class FetchResult:
    feed_id: int
    url: str
    status: str  # ok | not_modified | http_error | timeout | dns | tls | connection | too_large | too_many_redirects | invalid_url | file_error | refused | error (unexpected)
    http_status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""
    message: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "not_modified")


class _TooLarge(Exception):
    pass


class _Deadline(Exception):
    pass


def _mib(n: int) -> str:
    return f"{n / 1048576:.0f} MiB" if n >= 1048576 else f"{n // 1024} KiB"


def backoff_seconds(error_count: int, base: float = 300.0, cap: float = 6 * 3600.0) -> float:
    """Wait before retrying a failing feed: 5 min, 10, 20, 40, 80, 160, then 6 h at most."""
    if error_count <= 0:
        return 0.0
    return min(cap, base * 2 ** (error_count - 1))


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_FILE_ERROR = "cannot read this local feed file (missing, unreadable, not a regular file, or larger than {cap})"


def _read_file(req: FetchRequest, limits: FetchLimits, started: float) -> FetchResult:
    """A local feed a person added by hand: a regular file only, capped, within the deadline.
    Every failure gives the same message, so the error does not say which files exist."""
    parts = urlsplit(req.url)

    def failed() -> FetchResult:
        return FetchResult(req.feed_id, req.url, "file_error", message=_FILE_ERROR.format(cap=_mib(limits.max_bytes)),
                           elapsed=time.monotonic() - started)

    if parts.netloc not in ("", "localhost"):  # file://host/share/... would reach out to another machine
        return FetchResult(req.feed_id, req.url, "invalid_url", message="file URLs with a host name are not supported",
                           elapsed=time.monotonic() - started)
    path = unquote(parts.path)
    try:  # O_NONBLOCK: opening a FIFO must not wait for a writer
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError):
        return failed()
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limits.max_bytes:
            return failed()
        chunks, total = [], 0
        while True:
            if time.monotonic() - started > limits.total_timeout:
                return failed()
            chunk = os.read(fd, 1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > limits.max_bytes:  # the file grew while we read it
                return failed()
            chunks.append(chunk)
        body = b"".join(chunks)
    except OSError:
        return failed()
    finally:
        os.close(fd)
    mtime = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(st.st_mtime))
    if req.last_modified and req.last_modified == mtime:
        return FetchResult(req.feed_id, req.url, "not_modified", final_url=req.url,
                           last_modified=mtime, elapsed=time.monotonic() - started)
    return FetchResult(req.feed_id, req.url, "ok", body=body, final_url=req.url,
                       last_modified=mtime, elapsed=time.monotonic() - started)


# -- per-request guard: wall-clock deadline and address policy ------------------------------
_local = threading.local()


class _Refused(OSError):
    pass


def address_allowed(ip: str, limits: FetchLimits, first_hop_private: bool | None) -> bool:
    """May a request connect to ``ip``? ``first_hop_private`` is None for the first connection."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if addr.is_global and not addr.is_multicast:
        return True
    if limits.allow_private is True or any(addr in net for net in _networks(limits.allow_networks)):
        return True
    if limits.allow_private is None:
        return first_hop_private is None or first_hop_private
    return False


class _Watchdog:
    """One daemon thread for every request in the process: expires guards at their deadline."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.heap: list[tuple[float, int, _Guard]] = []
        self.seq = 0
        self.thread: threading.Thread | None = None

    def add(self, guard: _Guard) -> None:
        with self.cond:
            self.seq += 1
            heapq.heappush(self.heap, (guard.deadline, self.seq, guard))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="fetch-watchdog", daemon=True)
                self.thread.start()
            self.cond.notify()

    def _run(self) -> None:
        with self.cond:
            while True:
                while self.heap and (self.heap[0][2].done or self.heap[0][0] <= time.monotonic()):
                    _, _, g = heapq.heappop(self.heap)
                    if not g.done:
                        g.expire()
                self.cond.wait(self.heap[0][0] - time.monotonic() if self.heap else None)


_watchdog = _Watchdog()


def _networks(names: tuple[str, ...]) -> list:
    out = []
    for n in names:
        try:
            out.append(ipaddress.ip_network(str(n).strip(), strict=False))
        except ValueError:
            continue  # a malformed entry allows nothing
    return out


class _Guard:
    """One request: shut its socket down at the deadline (the watchdog calls ``expire``), and
    check every address it connects to."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.total_timeout
        self.lock = threading.Lock()
        self.sock: socket.socket | None = None
        self.expired = False
        self.done = False
        self.refused = ""
        self.first_private: bool | None = None

    def __enter__(self) -> _Guard:
        _local.guard = self
        _watchdog.add(self)
        return self

    def __exit__(self, *exc) -> None:
        with self.lock:
            self.done = True
            self.sock = None
        _local.guard = None

    def expire(self) -> None:
        with self.lock:
            if self.done:
                return
            self.expired = True
            if self.sock is not None:
                _shutdown(self.sock)

    def attach(self, sock) -> None:
        with self.lock:
            self.sock = sock
            if self.expired and sock is not None:
                _shutdown(sock)

    def check(self, sock: socket.socket, host: str) -> None:
        ip = sock.getpeername()[0]
        if not address_allowed(ip, self.limits, self.first_private):
            self.refused = f"refused to connect to {host} ({ip}): a local or private network address"
            raise _Refused(self.refused)
        if self.first_private is None:
            addr = ipaddress.ip_address(ip.split("%", 1)[0])
            self.first_private = not addr.is_global or addr.is_multicast


def _shutdown(sock) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _guard() -> _Guard | None:
    return getattr(_local, "guard", None)


class _GuardedMixin:
    def _new_conn(self):  # every new connection, first hop and redirects alike
        sock = super()._new_conn()
        g = _guard()
        if g is not None:
            g.attach(sock)
            try:
                g.check(sock, self.host)
            except _Refused:
                sock.close()
                raise
        return sock

    def getresponse(self, *args, **kwargs):  # a reused keep-alive connection is watched too
        g = _guard()
        if g is not None:
            g.attach(self.sock)
        return super().getresponse(*args, **kwargs)


class _GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def _make_session(limits: FetchLimits) -> requests.Session:
    s = requests.Session()
    s.max_redirects = limits.max_redirects
    s.trust_env = False  # no proxy from the environment: the address check must see the real peer
    s.mount("http://", _GuardedAdapter())
    s.mount("https://", _GuardedAdapter())
    s.headers.update({"User-Agent": limits.user_agent,
                      "Accept": "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
                                "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
                      "Accept-Encoding": "gzip, deflate"})
    return s


def fetch_one(req: FetchRequest, limits: FetchLimits = FetchLimits(),
              session: requests.Session | None = None) -> FetchResult:
    """Fetch one feed URL; never raises for network, HTTP or file problems."""
    started = time.monotonic()

    def result(status: str, message: str, **kw) -> FetchResult:
        return FetchResult(req.feed_id, req.url, status, message=message,
                           elapsed=time.monotonic() - started, **kw)

    try:
        parts = urlsplit(req.url)
    except ValueError as exc:  # an unclosed [ of an IPv6 address
        return result("invalid_url", f"invalid URL ({exc}): {req.url[:200]}")
    if problem := port_problem(parts):  # the Feeds page's check: out of range, not a number, 0
        return result("invalid_url", f"invalid URL ({problem}): {req.url[:200]}")
    if parts.scheme == "file":
        return _read_file(req, limits, started)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return result("invalid_url", f"not an http(s) or file URL: {req.url[:200]}")
    session = session or _make_session(limits)
    headers = {}
    if req.etag:
        headers["If-None-Match"] = req.etag
    if req.last_modified:
        headers["If-Modified-Since"] = req.last_modified
    with _Guard(limits) as guard:
        res = _fetch_http(req, limits, session, headers, guard, result)
    if guard.refused and not res.ok:
        return result("refused", guard.refused)
    if guard.expired:  # a shut-down socket can look like a normal end of the body
        return result("timeout", f"timed out after {limits.total_timeout:g} s (the deadline for one request)")
    return res


def _invalid(answered: list[int]) -> str:
    return "the server redirected to an invalid URL" if answered else "invalid URL"


def _fetch_http(req: FetchRequest, limits: FetchLimits, session: requests.Session, headers: dict, guard: _Guard,
                result) -> FetchResult:
    parts = urlsplit(req.url)
    answered: list[int] = []  # a response came before a failure: the failure is at a redirect's target
    try:
        resp = session.get(req.url, headers=headers, stream=True,
                           timeout=(limits.connect_timeout, limits.read_timeout),
                           hooks={"response": lambda r, *_a, **_k: answered.append(r.status_code)})
    except requests.exceptions.TooManyRedirects:
        return result("too_many_redirects", f"more than {limits.max_redirects} redirects")
    except requests.exceptions.SSLError as exc:
        return result("tls", f"TLS error: {_short(exc)}")
    except requests.exceptions.ConnectTimeout:
        return result("timeout", f"timed out after {limits.connect_timeout:g} s connecting")
    except requests.exceptions.ReadTimeout:
        return result("timeout", f"timed out after {limits.read_timeout:g} s waiting for a response")
    except requests.exceptions.InvalidURL as exc:
        return result("invalid_url", f"{_invalid(answered)}: {_short(exc)}")
    except requests.exceptions.ConnectionError as exc:
        failed = getattr(exc.request, "url", None)  # after a redirect: its target, not the first URL
        host = (urlsplit(failed).hostname if failed else None) or parts.hostname
        if _is_dns_error(exc):
            return result("dns", f"name not resolved: {host}")
        return result("connection", f"cannot connect to {host}: {_short(exc)}")
    except requests.exceptions.RequestException as exc:
        return result("connection", _short(exc))
    except ValueError as exc:  # requests' urlsplit of a Location with an unclosed [ (not wrapped by requests)
        if not answered:
            raise  # not at a redirect: the Fetcher reports it as an unexpected error of this feed
        return result("invalid_url", f"{_invalid(answered)}: {' '.join(_short(exc).split())}")
    try:
        hdrs = {k.lower(): v for k, v in resp.headers.items()}
        common = {"http_status": resp.status_code, "headers": hdrs, "final_url": resp.url,
                  "etag": hdrs.get("etag", ""), "last_modified": hdrs.get("last-modified", "")}
        if resp.status_code == 304:
            return result("not_modified", "", **common)
        if resp.status_code >= 400:
            return result("http_error", f"HTTP {resp.status_code} {resp.reason or ''}".strip(), **common)
        declared = hdrs.get("content-length", "")
        if declared.isdigit() and int(declared) > limits.max_bytes and "content-encoding" not in hdrs:
            return result("too_large", f"response larger than {_mib(limits.max_bytes)}", **common)
        try:
            body = _read_body(resp, limits, guard)
        except _TooLarge:
            return result("too_large", f"response larger than {_mib(limits.max_bytes)}", **common)
        except _Deadline:
            return result("timeout", f"timed out after {limits.total_timeout:g} s reading", **common)
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
                zlib.error) as exc:
            return result("connection", f"broken response body: {_short(exc)}", **common)
        except (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
            return result("timeout", f"timed out after {limits.read_timeout:g} s reading", **common)
        except (requests.exceptions.ConnectionError, urllib3.exceptions.HTTPError, OSError) as exc:
            return result("connection", f"connection broken while reading: {_short(exc)}", **common)
        return result("ok", "", body=body, **common)
    finally:
        resp.close()


def _read_body(resp: requests.Response, limits: FetchLimits, guard: _Guard) -> bytes:
    """Read the body, decompressing gzip/deflate ourselves so the cap counts inflated bytes."""
    encoding = resp.headers.get("content-encoding", "").lower().strip()
    decomp = None
    if encoding in ("gzip", "x-gzip"):
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decomp = zlib.decompressobj()
    chunks, total = [], 0
    while chunk := resp.raw.read1(64 * 1024, decode_content=False):  # whatever arrived, not a full 64 KiB
        if guard.expired:
            raise _Deadline
        if decomp is not None:
            # never inflate more than the room left under the cap
            chunk = decomp.decompress(chunk, limits.max_bytes - total + 1)
            if decomp.unconsumed_tail:
                raise _TooLarge
        total += len(chunk)
        if total > limits.max_bytes:
            raise _TooLarge
        chunks.append(chunk)
    if decomp is not None:
        rest = decomp.flush()
        total += len(rest)
        if total > limits.max_bytes:
            raise _TooLarge
        chunks.append(rest)
    return b"".join(chunks)


def _is_dns_error(exc: BaseException) -> bool:
    seen = 0
    e: BaseException | None = exc
    while e is not None and seen < 10:
        if isinstance(e, socket.gaierror) or "NameResolution" in type(e).__name__ or (
                "Name or service not known" in str(e) or "nodename nor servname" in str(e)
                or "Temporary failure in name resolution" in str(e) or "No address associated" in str(e)):
            return True
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)
        seen += 1
    return False


def _short(exc: BaseException) -> str:
    text = str(exc)
    if "(Caused by " in text:
        text = text.split("(Caused by ", 1)[1].rstrip(")")
    return text[:200]


class _HostGate:
    """Per-host concurrency slots and a minimum interval between request starts."""

    def __init__(self, limits: FetchLimits) -> None:
        self.limits = limits
        self.lock = threading.Lock()
        self.active: dict[str, int] = {}
        self.last_start: dict[str, float] = {}

    def try_acquire(self, host: str) -> float:
        """0 when acquired, else seconds to wait before trying again."""
        with self.lock:
            if self.active.get(host, 0) >= self.limits.per_host:
                return 0.05
            if not _is_loopback(host):
                wait = self.last_start.get(host, 0.0) + self.limits.host_interval - time.monotonic()
                if wait > 0:
                    return wait
            self.active[host] = self.active.get(host, 0) + 1
            self.last_start[host] = time.monotonic()
            return 0.0

    def release(self, host: str) -> None:
        with self.lock:
            self.active[host] -= 1


class Fetcher:
    """Concurrent fetching; results are yielded in the caller's thread as they complete."""

    def __init__(self, limits: FetchLimits = FetchLimits(), jobs: int = 4) -> None:
        self.limits = limits
        self.jobs = max(1, jobs)
        self._local = threading.local()

    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = _make_session(self.limits)
        return s

    def run(self, requests_: Iterable[FetchRequest], cancel: threading.Event | None = None) -> Iterator[FetchResult]:
        pending = list(requests_)
        if not pending:
            return
        cancel = cancel or threading.Event()
        stop = threading.Event()  # set when the consumer stops early; the caller's event is theirs
        gate = _HostGate(self.limits)
        results: queue.Queue = queue.Queue()
        todo: queue.Queue = queue.Queue()
        for r in pending:
            todo.put(r)

        def worker() -> None:
            while not (cancel.is_set() or stop.is_set()):
                try:
                    req = todo.get_nowait()
                except queue.Empty:
                    return
                try:
                    host = (urlsplit(req.url).hostname or "").lower()
                except ValueError:  # fetch_one answers invalid_url for it
                    host = ""
                try:
                    wait = gate.try_acquire(host)
                    if wait > 0:
                        todo.put(req)  # another host may be ready; come back to this one
                        stop.wait(min(wait, 0.25))
                        continue
                    try:
                        res = fetch_one(req, self.limits, self._session())
                    finally:
                        gate.release(host)
                except BaseException as exc:  # noqa: BLE001 - a feed without a result hangs the run:
                    # whatever a library raises (a ValueError on an odd response, a Rust panic, which
                    # is not an Exception) fails this feed alone; the thread goes on with the next
                    res = FetchResult(req.feed_id, req.url, "error",
                                      message=f"unexpected error while downloading: {one_line(exc)}")
                results.put(res)

        received = 0
        try:
            # daemon threads, not a pool: a request in flight when the run ends (Ctrl+C, cancel)
            # must not hold up the process's exit until its deadline (an executor's are joined)
            for i in range(min(self.jobs, len(pending))):
                threading.Thread(target=worker, daemon=True, name=f"fetch-{i}").start()
            while received < len(pending):
                if cancel.is_set():
                    return
                try:
                    res = results.get(timeout=0.1)
                except queue.Empty:
                    continue
                received += 1
                yield res
        finally:
            stop.set()
