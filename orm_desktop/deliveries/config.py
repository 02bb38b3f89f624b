"""Delivery settings (in the workspace's settings table) and secrets (in the OS keyring).

The SMTP password and webhook URLs (a Slack or Teams webhook URL is itself a credential) are
kept by `keyring` (Secret Service, macOS Keychain, Windows Credential Locker), never in the
workspace file, a bundle or a backup.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from orm_desktop.errors import KnownError, UsageError

SETTING = "deliveries"
KEYRING_SERVICE = "orm-desktop"
SECURITY = ("starttls", "tls", "none")
WEBHOOK_FORMATS = ("slack", "teams", "mattermost")

DEFAULTS: dict[str, Any] = {
    "smtp": {"host": "", "port": 587, "security": "starttls", "username": "", "sender": "",
             "timeout": 20},
    "recipients": [],      # {"name", "email", "digest": bool, "alerts": bool, "reports": bool}
    "webhooks": [],        # {"name", "format", "alerts": bool, "crisis": bool}
    "digest_hour": 7,      # local hour after which the morning digest is due
    "report_weekday": 0,   # Monday
    "report_hour": 7,
    "tray_mode": False,    # closing the window keeps the app in the tray
    "enabled_since": 0,    # alerts detected before deliveries were configured are not mailed
}


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    email: str
    digest: bool = True
    alerts: bool = True
    reports: bool = True


@dataclass(frozen=True, slots=True)
class Webhook:
    name: str
    format: str
    alerts: bool = True
    crisis: bool = True


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    username: str
    sender: str
    timeout: float = 20
    password: str = field(default="", repr=False)


def merged(value: dict | None) -> dict:
    out = copy.deepcopy(DEFAULTS)
    for k, v in (value or {}).items():
        if k == "smtp":
            out["smtp"].update(v or {})
        else:
            out[k] = v
    return out


def recipients(cfg: dict) -> list[Recipient]:
    return [Recipient(r["name"], r["email"], bool(r.get("digest", True)), bool(r.get("alerts", True)),
                      bool(r.get("reports", True))) for r in cfg["recipients"]]


def webhooks(cfg: dict) -> list[Webhook]:
    return [Webhook(w["name"], w["format"], bool(w.get("alerts", True)), bool(w.get("crisis", True)))
            for w in cfg["webhooks"]]


def header_safe(address: object) -> bool:
    """Spaces around it are tolerated; one inside, a line break or a control character is not (a
    line break would break the mail's headers)."""
    return isinstance(address, str) and not any(c.isspace() or not c.isprintable() for c in address.strip(" "))


def validate(cfg: dict) -> None:
    """UsageError naming the first setting that cannot work."""
    s = cfg["smtp"]
    if s["security"] not in SECURITY:
        raise UsageError(f"SMTP security must be one of {', '.join(SECURITY)}, not {s['security']!r}")
    if not isinstance(s["port"], int) or not 0 < s["port"] < 65536:
        raise UsageError(f"SMTP port must be 1-65535, not {s['port']!r}")
    if not header_safe(s["sender"]):
        raise UsageError(f"SMTP sender {s['sender']!r} is not an e-mail address")
    for r in cfg["recipients"]:
        if "@" not in str(r.get("email", "")) or not header_safe(r["email"]):
            raise UsageError(f"recipient {r.get('name')!r}: {r.get('email')!r} is not an e-mail address")
    for w in cfg["webhooks"]:
        if w.get("format") not in WEBHOOK_FORMATS:
            raise UsageError(f"webhook {w.get('name')!r}: format must be one of {', '.join(WEBHOOK_FORMATS)}")
    for k, hi in (("digest_hour", 23), ("report_hour", 23), ("report_weekday", 6)):
        if not isinstance(cfg[k], int) or not 0 <= cfg[k] <= hi:
            raise UsageError(f"{k} must be 0-{hi}")


# -- secrets ---------------------------------------------------------------------------------
def _keyring():
    import keyring

    return keyring


def smtp_account(s: dict) -> str:
    return f"smtp:{s['username']}@{s['host']}:{s['port']}"


def webhook_account(name: str) -> str:
    return f"webhook:{name}"


def set_secret(account: str, value: str) -> None:
    from keyring.errors import KeyringError

    try:
        if value:
            _keyring().set_password(KEYRING_SERVICE, account, value)
        else:
            try:
                _keyring().delete_password(KEYRING_SERVICE, account)
            except KeyringError:
                pass  # nothing stored
    except KeyringError as exc:
        raise KnownError(f"cannot store the secret in the OS keyring ({exc}); check that a keyring "
                         "(Secret Service, Keychain, Credential Locker) is available and unlocked") from exc


def get_secret(account: str) -> str:
    from keyring.errors import KeyringError

    try:
        return _keyring().get_password(KEYRING_SERVICE, account) or ""
    except KeyringError as exc:
        raise KnownError(f"cannot read the OS keyring ({exc}); check that it is available and unlocked") from exc


def smtp_settings(cfg: dict) -> SmtpSettings:
    s = cfg["smtp"]
    if not s["host"]:
        raise UsageError("no SMTP server configured: set one with `orm-desktop deliveries smtp --host HOST ...` "
                         "or in Deliveries settings")
    if not s["sender"]:
        raise UsageError("no sender address configured: set `deliveries smtp --sender you@example.org`")
    password = get_secret(smtp_account(s)) if s["username"] else ""
    return SmtpSettings(s["host"], int(s["port"]), s["security"], s["username"], s["sender"],
                        float(s.get("timeout", 20)), password)
