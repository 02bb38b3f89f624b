"""What to say when a page or report has no mentions to show: what is missing and what to do,
in the words of the GUI or of the command line. No Qt (the GUI asks in its worker threads)."""

from __future__ import annotations

from collections.abc import Sequence

from orm_desktop.types import MentionFilter

# the names of the places to go, in the GUI (its sidebar pages, menus and shortcuts) and the CLI
_GUI = {
    "entities": "add your brand, executives and competitors on the Entities page (Ctrl+5)",
    "feeds": "add feeds on the Feeds page (Ctrl+4: Add… or Import OPML…)",
    "refresh": "press Refresh now on the Feeds page (Feeds › Refresh now, Ctrl+R)",
    "check": "if none come, check the feeds' health on the Feeds page and the queries on the Entities page",
}
_CLI = {
    "entities": "add your brand, executives and competitors (`orm-desktop entities add KIND NAME --query Q`)",
    "feeds": "add feeds (`orm-desktop feeds import FILE.opml` or `feeds add URL`)",
    "refresh": "fetch them (`orm-desktop fetch`)",
    "check": "if none come, check `orm-desktop feeds list` (their health) and `orm-desktop entities list`",
}


def why_no_mentions(svc, entity_ids: Sequence[int] | None, period: str, widen: str, *,
                    elsewhere: str = "in other periods", cli: bool = False) -> str:
    """Why the period (``period``: "in the last 7 days", "in this period", "here") of ``entity_ids``
    (None: every entity) has no mentions, and what to do: add entities, add feeds, refresh them,
    or, when the workspace has mentions of them (``elsewhere``), ``widen`` ("choose a longer period")."""
    say = _CLI if cli else _GUI
    # a window that may not change the workspace (executive mode, a snapshot) says so after what to add
    cannot = f" (Here {reason}.)" if (reason := svc.read_only_reason()) else ""
    if not svc.entities():
        return f"No mentions {period}: the workspace has no entities yet. To start, {say['entities']}.{cannot}"
    if not svc.feeds():
        return (f"No mentions {period}: the workspace has no feeds yet. To start, {say['feeds']}, then "
                f"{say['refresh']}.{cannot}")
    total = svc.count_mentions(MentionFilter(entity_ids=tuple(entity_ids or ())))
    if not total:
        return f"No mentions {period}: none stored yet. To collect some, {say['refresh']}; {say['check']}."
    return f"No mentions {period}. There are {total:,} {elsewhere}: {widen}"
