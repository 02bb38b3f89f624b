"""A real HTTP server on 127.0.0.1 for tests: fixture feeds and every kind of bad response.

Routes (all end by themselves, so shutdown is quick):
  /static/<name>      files from the directory given at construction
  /etag/<name>        the same, with ETag + Last-Modified and 304 on a matching conditional GET
  /gzip/<name>        the same, gzip-encoded
  /status/<code>      that HTTP status
  /redirect-loop      redirects to itself forever
  /redirect/<name>    one redirect to /static/<name>
  /slow/<seconds>     sleeps (at most 5 s) before answering with a tiny feed
  /trickle            sends a byte every 0.2 s for up to 5 s
  /drip               a byte every 0.1 s of the body, until the client hangs up (or 60 s)
  /drip-headers       the status line and headers a byte every 0.1 s, until the client hangs up
  /huge               a body of 3 MiB
  /gzip-bomb          a small gzip body that inflates to 64 MiB
  /html               an HTML page
Custom routes: ``server.routes["/path"] = (status, headers, body)``.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TINY_FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Tiny</title>'
             b"<item><title>Tiny item</title><link>https://tiny.example/1</link></item></channel></rss>")
_BOMB = gzip.compress(b"\0" * (64 * 1024 * 1024), compresslevel=9)


class FeedServer:
    def __init__(self, static_dir: Path | None = None, host: str = "127.0.0.1") -> None:
        self.static_dir = Path(static_dir) if static_dir else None
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.hits: dict[str, int] = {}
        self.request_headers: dict[str, dict[str, str]] = {}  # the last request's headers, by path
        self.lock = threading.Lock()
        self.active = 0
        self.max_active = 0
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                with server.lock:
                    server.hits[self.path] = server.hits.get(self.path, 0) + 1
                    server.request_headers[self.path] = dict(self.headers.items())
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    server._serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with server.lock:
                        server.active -= 1

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address) -> None:
                pass  # clients that hang up on purpose (timeouts, caps) are not server errors

        self.httpd = Server((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.host = host
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def _file(self, name: str) -> bytes | None:
        if self.static_dir is None:
            return None
        p = (self.static_dir / name).resolve()
        if self.static_dir.resolve() not in p.parents or not p.is_file():
            return None
        return p.read_bytes()

    def _send(self, h: BaseHTTPRequestHandler, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        h.send_response(status)
        headers = {"Content-Type": "application/rss+xml; charset=utf-8", **(headers or {})}
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and h.command != "HEAD":
            h.wfile.write(body)

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if path in self.routes:
            status, headers, body = self.routes[path]
            return self._send(h, status, body, headers)
        head, _, rest = path.lstrip("/").partition("/")
        if head in ("static", "etag", "gzip"):
            body = self._file(rest)
            if body is None:
                return self._send(h, 404, b"not found", {"Content-Type": "text/plain"})
            if head == "gzip":
                return self._send(h, 200, gzip.compress(body), {"Content-Encoding": "gzip"})
            if head == "etag":
                tag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                modified = "Mon, 02 Nov 2026 10:00:00 GMT"
                if h.headers.get("If-None-Match") == tag or h.headers.get("If-Modified-Since") == modified:
                    h.send_response(304)
                    h.send_header("ETag", tag)
                    h.send_header("Content-Length", "0")
                    h.end_headers()
                    return None
                return self._send(h, 200, body, {"ETag": tag, "Last-Modified": modified})
            return self._send(h, 200, body)
        if head == "status":
            code = int(rest or 500)
            return self._send(h, code, b"error page", {"Content-Type": "text/html"})
        if head == "redirect-loop":
            return self._send(h, 302, b"", {"Location": "/redirect-loop"})
        if head == "redirect":
            return self._send(h, 301, b"", {"Location": f"/static/{rest}"})
        if head == "slow":
            self.stopping.wait(min(5.0, float(rest or 2)))
            return self._send(h, 200, TINY_FEED)
        if head == "trickle":
            h.send_response(200)
            h.send_header("Content-Type", "application/rss+xml")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and not self.stopping.is_set():
                h.wfile.write(b" ")
                h.wfile.flush()
                self.stopping.wait(0.2)
            return None
        if head in ("drip", "drip-headers"):
            raw = (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100000\r\n\r\n"
                   if head == "drip-headers" else b"")
            if head == "drip":
                h.send_response(200)
                h.send_header("Content-Length", "100000")
                h.end_headers()
            deadline = time.monotonic() + 60
            i = 0
            while time.monotonic() < deadline and not self.stopping.is_set():
                h.wfile.write(raw[i:i + 1] if i < len(raw) else b" ")
                h.wfile.flush()
                i += 1
                self.stopping.wait(0.1)
            return None
        if head == "huge":
            return self._send(h, 200, b"<rss>" + b" " * (3 * 1024 * 1024) + b"</rss>")
        if head == "gzip-bomb":
            return self._send(h, 200, _BOMB, {"Content-Encoding": "gzip"})
        if head == "html":
            return self._send(h, 200, b"<!DOCTYPE html><html><head><title>Shop</title></head><body><p>Welcome"
                                     b"</p></body></html>", {"Content-Type": "text/html; charset=utf-8"})
        return self._send(h, 404, b"not found", {"Content-Type": "text/plain"})
