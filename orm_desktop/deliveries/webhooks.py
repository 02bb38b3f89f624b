"""Chat webhooks: Slack, Microsoft Teams (Workflows, Adaptive Card) and Mattermost incoming-webhook
payloads, posted with requests.

None of these services de-duplicates a repeated post, so the outbox never re-posts a message
whose post was interrupted after it was handed over (see docs/deliveries.md).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from orm_desktop.deliveries.mail import DeliveryError


def payload(fmt: str, title: str, text: str, *, link: str = "", severity: str = "warning") -> dict:
    """The JSON body for one message in the service's incoming-webhook format."""
    if fmt == "slack":
        blocks = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
                  {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(text[:2900])}}]
        return {"text": _slack_escape(f"{title}\n{text}"), "blocks": blocks}
    if fmt == "mattermost":
        color = "#C0392B" if severity == "critical" else "#E67E22"
        # the title goes once, escaped, into the post's text (the attachment's title is not escaped
        # by Mattermost's Markdown but its Slack-link and <!channel> translation runs there too)
        return {"username": "ORM Desktop", "text": f"#### {_mattermost_escape(title)}",
                "attachments": [{"fallback": _no_mentions(title), "color": color,
                                 "text": _mattermost_escape(text), **({"title_link": link} if link else {})}]}
    if fmt == "teams":
        # a TextBlock renders Markdown links with no working escape: names from files and feeds go
        # in a RichTextBlock's TextRuns, which are plain text (Adaptive Cards 1.2+)
        head = {"type": "TextRun", "text": title, "weight": "Bolder", "size": "Medium",
                "color": "Attention" if severity == "critical" else "Warning"}
        body = [{"type": "RichTextBlock", "inlines": [head]},
                {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text}]}]
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.4", "body": body}
        if link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Open", "url": link}]
        return {"type": "message",
                "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}
    raise ValueError(f"unknown webhook format {fmt!r}")


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn reads <!channel>, <@USER> and <URL|label> as pings and links: names from
    files and feeds must show as written (Slack: escape &, < and >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")


def _mattermost_escape(text: str) -> str:
    """Mattermost renders Markdown in a post's text, turns Slack's <url|label> into a link and
    <!channel> into @channel, and notifies a whole channel for @channel, @all and @here: names from
    files and feeds must show as written, link nowhere they do not say and ping nobody."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _no_mentions(_MARKDOWN.sub(r"\\\1", text))


def _no_mentions(text: str) -> str:
    """An @ that starts a word becomes a full-width ＠: it reads the same and mentions nobody
    (an e-mail address's @ stays)."""
    return re.sub(r"(?<!\w)@(?=\w)", "\uff20", text)


def post(url: str, body: bytes, *, idempotency_key: str, timeout: float = 15,
         before_send: Callable[[], None] = lambda: None) -> None:
    """POST a prepared JSON body. DeliveryError: permanent for 4xx (bar 408/429), else retried;
    ``uncertain`` when the connection broke after the request was sent."""
    import requests

    if not url:
        raise DeliveryError("no URL for this webhook in the OS keyring: set it again in Deliveries settings",
                            permanent=True)
    headers = {"Content-Type": "application/json", "Idempotency-Key": idempotency_key,
               "User-Agent": "orm-desktop"}
    before_send()
    try:
        r = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.ConnectionError as exc:
        # refused or unresolvable: nothing was sent (certain); a reset after sending: uncertain
        why = _why(exc)
        raise DeliveryError(f"webhook unreachable ({why}): check its URL and the network",
                            uncertain=why == "connection broken") from None
    except requests.Timeout:
        raise DeliveryError(f"webhook did not answer within {timeout:.0f} s", uncertain=True) from None
    except requests.RequestException as exc:
        raise DeliveryError(f"webhook post failed ({type(exc).__name__}): check its URL", permanent=True) from None
    if 200 <= r.status_code < 300:
        return
    permanent = 400 <= r.status_code < 500 and r.status_code not in (408, 429)
    raise DeliveryError(f"webhook answered {r.status_code} {r.text[:120]!r}", permanent=permanent)


def _why(exc: Exception) -> str:
    """Why a connection failed, without the URL (a webhook URL is a credential: never logged)."""
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "nodename" in text or "resolve" in text or "getaddrinfo" in text:
        return "host name not found"
    return "connection broken"


def encode(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")
