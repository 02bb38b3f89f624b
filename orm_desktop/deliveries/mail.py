"""E-mail: compose (plain text + HTML, attachments, a Message-ID derived from the outbox key)
and send through SMTP with smtplib (STARTTLS, implicit TLS, or plain on a trusted relay).

Errors become one-line KnownErrors that say what to check (host, port, security, password).
"""

from __future__ import annotations

import hashlib
import smtplib
import socket
import ssl
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import formatdate

from orm_desktop.deliveries.config import SmtpSettings
from orm_desktop.errors import KnownError
from orm_desktop.textsafe import display_text


class DeliveryError(KnownError):
    """Sending failed. ``permanent``: retrying the same message cannot help (e.g. 5xx reply).
    ``uncertain``: the failure came after the message was handed over, so it may have arrived."""

    def __init__(self, message: str, *, permanent: bool = False, uncertain: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.uncertain = uncertain


def message_id(key: str, sender: str) -> str:
    """A Message-ID that is the same every time the message with this outbox key is built."""
    domain = sender.rpartition("@")[2] or "orm-desktop.invalid"
    return f"<orm-{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def compose(*, key: str, sender: str, to: str, subject: str, text: str, html: str,
            attachments: Sequence[tuple[str, str, bytes]] = (), now: float | None = None) -> EmailMessage:
    """A multipart/alternative mail (attachments: (filename, mime type, bytes))."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    # a subject carries names from files and feeds (brand, rule, entity): one line, so a line break
    # in them cannot add a header (nor make composing fail, which stopped every delivery)
    msg["Subject"] = " ".join(display_text(subject).split())
    msg["Date"] = formatdate(now, localtime=False)
    msg["Message-ID"] = message_id(key, sender)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    msg["X-ORM-Desktop-Key"] = " ".join(display_text(key).split())
    # quoted-printable: SMTP refuses lines over 998 octets, and HTML tables make long lines
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, mime, data in attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def _describe(s: SmtpSettings) -> str:
    return f"{s.host}:{s.port} ({s.security})"


class SmtpTransport:
    """One SMTP session, opened on first use and reused for a run's messages."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.s = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def connect(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        s = self.s
        # loading the CA store costs ~0.2 s: only for TLS
        ctx = ssl.create_default_context() if s.security in ("tls", "starttls") else None
        where = _describe(s)
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=ctx)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        raise DeliveryError(f"{where} does not offer STARTTLS: check the port (587 for STARTTLS, "
                                            "465 for TLS) or choose security 'tls'", permanent=True)
                    smtp.starttls(context=ctx)
                    smtp.ehlo()
                if s.username:
                    if not s.password:
                        raise DeliveryError(f"no password for {s.username} in the OS keyring: set it in "
                                            "Deliveries settings or `deliveries smtp --password-stdin`",
                                            permanent=True)
                    smtp.login(s.username, s.password)
            except BaseException:
                smtp.close()
                raise
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"{where} refused the login for {s.username!r} ({exc.smtp_code}): check the "
                                "user name and the password stored in the keyring", permanent=True) from None
        except smtplib.SMTPNotSupportedError:
            raise DeliveryError(f"{where} does not support login (AUTH): check security (STARTTLS/TLS) "
                                "or clear the user name for an open relay", permanent=True) from None
        except ssl.SSLError as exc:
            raise DeliveryError(f"TLS with {where} failed ({exc.reason or exc}): check the security setting "
                                "matches the port (465 = tls, 587 = starttls)", permanent=True) from None
        except socket.gaierror:
            raise DeliveryError(f"cannot resolve the SMTP host {s.host!r}: check the host name") from None
        except TimeoutError:
            raise DeliveryError(f"{where} did not answer within {s.timeout:.0f} s: check the host, port and "
                                "firewall") from None
        except ConnectionRefusedError:
            raise DeliveryError(f"{where} refused the connection: check the host and port, and that the "
                                "server is running") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"cannot talk to {where}: {exc}; check host, port and security") from None
        self._smtp = smtp
        return smtp

    def send(self, raw: bytes, sender: str, to: Sequence[str],
             before_data: Callable[[], None] = lambda: None) -> None:
        """Send one message. ``before_data`` runs after the envelope was accepted and before the
        message is handed over (the outbox marks the row 'sending' there)."""
        smtp = self.connect()
        where = _describe(self.s)
        try:
            code, resp = smtp.mail(sender)
            if code != 250:
                raise DeliveryError(f"{where} refused the sender {sender} ({code} {resp.decode(errors='replace')})",
                                    permanent=500 <= code < 600)
            for rcpt in to:
                code, resp = smtp.rcpt(rcpt)
                if code not in (250, 251):
                    smtp.rset()
                    raise DeliveryError(f"{where} refused the recipient {rcpt} ({code} "
                                        f"{resp.decode(errors='replace')})", permanent=500 <= code < 600)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._smtp = None
            raise DeliveryError(f"{where} dropped the connection: {exc}") from None
        before_data()
        try:
            code, resp = smtp.data(raw)  # raises for a refused DATA command, returns the final reply
        except smtplib.SMTPDataError as exc:
            code, resp = exc.smtp_code, exc.smtp_error
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self._smtp = None
            raise DeliveryError(f"{where} dropped the connection while receiving the message: {exc}",
                                uncertain=True) from None
        if code != 250:
            raise DeliveryError(f"{where} refused the message ({code} {resp.decode(errors='replace')})",
                                permanent=500 <= code < 600)
