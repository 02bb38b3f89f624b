"""Checks a draft must pass before review: banned phrases, channel length, unfilled
placeholders, and which approved key messages it reuses."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

from orm_desktop.paths import resource_path
from orm_desktop.responses.templates import missing_placeholders

CHANNEL_LIMITS = {"social": 280, "review": 1000, "email": 5000, "web": 5000, "internal": 10000}


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str        # banned_phrase | too_long | missing_placeholder | no_key_message
    message: str
    start: int = -1  # character span in the draft, where it applies
    end: int = -1
    blocking: bool = True


def shipped_key_messages() -> tuple[list[dict], list[str]]:
    doc = tomllib.loads(resource_path("key_messages.toml").read_text(encoding="utf-8"))
    return list(doc.get("message", [])), list(doc.get("banned", {}).get("phrases", []))


def check_draft(text: str, *, channel: str, max_length: int = 0, banned: list[str],
                key_messages: list[str]) -> list[Flag]:
    flags: list[Flag] = []
    low = text.casefold()
    for phrase in banned:
        for m in re.finditer(r"(?<!\w)" + re.escape(phrase.casefold()) + r"(?!\w)", low):
            flags.append(Flag("banned_phrase", f"banned phrase: “{phrase}”", m.start(), m.end()))
    limit = min(x for x in (max_length, CHANNEL_LIMITS.get(channel, 0)) if x) if (
        max_length or CHANNEL_LIMITS.get(channel)) else 0
    if limit and len(text) > limit:
        flags.append(Flag("too_long", f"{len(text)} characters; {channel or 'this channel'} allows {limit}",
                          limit, len(text)))
    for name in missing_placeholders(text):
        i = text.find("⟦" + name + "⟧")
        if i < 0:
            i = text.find("{" + name + "}")
        flags.append(Flag("missing_placeholder", f"fill in {name}", i, i + len(name) + 2))
    if key_messages and not any(k.casefold() in low for k in key_messages):
        flags.append(Flag("no_key_message", "reuses none of the approved key messages for this topic",
                          blocking=False))
    return flags
