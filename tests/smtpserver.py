"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), and what arrived at it.

``hold``: the DATA of messages whose subject contains this text is received and recorded, then
the reply is held back until ``release`` is set (to kill a client between hand-over and reply).
``reply``: answer every DATA with this status instead of 250 (e.g. "451 try later").
"""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.hold = ""
        self.holding = threading.Event()
        self.release = threading.Event()
        self.reply = ""
        self.arrived_at: list[float] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        import asyncio

        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if self.reply:
            return self.reply
        self.messages.append(msg)
        self.arrived_at.append(time.time())
        if self.hold and self.hold in str(msg["Subject"]):
            self.holding.set()
            deadline = time.monotonic() + 120  # a test that never releases fails, the server never hangs
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


class SmtpServer:
    def __init__(self, *, auth: tuple[str, str] | None = None, tls_context=None, require_starttls=False,
                 port: int = 0, implicit_tls=None) -> None:
        self.recorder = Recorder()
        kwargs: dict = {}
        if auth:
            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == auth
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_require_tls=bool(tls_context))
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=require_starttls)
        if implicit_tls is not None:  # SMTPS (port 465 style): TLS from the first byte
            kwargs.update(ssl_context=implicit_tls, auth_require_tls=False)
        self.port = port or free_port()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.recorder.release.set()
        self.controller.stop()

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages


def free_port() -> int:
    """A port on 127.0.0.1 with nothing listening (for 'unreachable server' tests)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
