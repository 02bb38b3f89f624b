"""Frozen dataclasses that cross layer boundaries (store <-> service <-> CLI/GUI/reports).

Times are ``int`` Unix seconds (UTC) everywhere in the core; formatting is the UI's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from orm_desktop.numbers import signed

ENTITY_KINDS = ("brand", "executive", "competitor", "product")
FEED_KINDS = ("news", "blog", "review", "social", "forum", "press")
STATUSES = ("new", "read", "flagged", "needs_response", "responded", "archived")
LABELS = ("negative", "neutral", "positive")
# what a sentiment filter selects (the inbox, `mentions --sentiment`, a rule's condition): a label,
# or "unsupported", the mentions in a language no engine scores that no person has scored ("not scored")
SENTIMENT_FILTERS = (*LABELS, "unsupported")

# reach multiplier per feed kind, applied on top of the feed's own weight
KIND_REACH = {"news": 1.0, "press": 0.9, "review": 0.8, "blog": 0.6, "forum": 0.5, "social": 0.7}


# The longest texts a workspace bundle carries (bundle.validate_bundle). Every editor refuses
# longer ones where they are typed, so that a workspace's own export always imports again.
NAME_MAX = 200  # a name, title or alias of an entity, a rule's name, the brand name and contact, a key message's topic
QUERY_MAX = 5000  # an entity's query
ALIASES_MAX = 100  # aliases of one entity
KEY_MESSAGE_MAX = 20_000  # a key message's text
MAX_WEIGHT = 100.0  # a feed's reach weight (above 0), from the CLI, the GUI or an OPML file

NEEDS_REVIEW_BELOW = 0.5  # sentiment confidence under which a mention needs a human look
UNSURE = "unsure: needs a human look"  # the marker of such a score wherever scores are listed


def last_days(days: int, now: int) -> tuple[int, int]:
    """(since, until) of "the last ``days`` days" wherever a period is counted (pages, the inbox,
    reports, alerts): today and the ``days`` - 1 days before, whole UTC days, until the end of today."""
    until = (now // 86400 + 1) * 86400
    return until - days * 86400, until


def label_for(score: float | None, threshold: float = 0.05) -> str:
    """negative / neutral / positive with the product-wide ±0.05 thresholds."""
    if score is None or -threshold < score < threshold:
        return "neutral"
    return "positive" if score >= threshold else "negative"


@dataclass(frozen=True, slots=True)
class Entity:
    id: int
    kind: str
    name: str
    query: str
    aliases: tuple[str, ...] = ()
    importance: float = 1.0
    active: bool = True
    title: str = ""
    photo: str = ""
    version: int = 1  # row version (m013): pass it back as expected_version to save
    changed_by: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    url: str
    title: str
    kind: str = "news"
    category: str = ""
    weight: float = 1.0
    enabled: bool = True
    template_url: str = ""
    entity_id: int | None = None
    etag: str = ""
    last_modified: str = ""
    last_fetched: int | None = None
    last_status: str = ""
    last_error: str = ""
    error_count: int = 0
    next_due: int | None = None
    items_total: int = 0
    version: int = 1  # row version (m013): pass it back as expected_version to save
    changed_by: str = ""


def pickled_by_fields(cls: type) -> type:
    """Class decorator (above ``@dataclass``): instances pickle by their constructor's arguments,
    every field in order. A refresh's worker processes send every new entry to the main process,
    and a slots dataclass otherwise pickles through dataclasses' Python-level
    __getstate__/__setstate__ (field list and one object.__setattr__ each): for the peers load's
    5,000 entries, ParsedItem 0.037 -> 0.019 CPU-s to pickle and 0.024 -> 0.016 to unpickle
    (branch mainrest), pipeline.PreparedItem with its feeds 0.046 -> 0.035 and 0.039 -> 0.033."""
    fields = attrgetter(*cls.__dataclass_fields__)

    def __reduce__(self) -> tuple:
        return cls, fields(self)

    cls.__reduce__ = __reduce__
    return cls


@pickled_by_fields
@dataclass(frozen=True, slots=True)
class ParsedItem:
    """One feed entry after parsing and sanitizing, before it is stored."""

    guid: str
    url: str
    title: str
    text: str  # plain text (for matching, scoring, FTS)
    html: str = ""  # sanitized HTML (for display)
    author: str = ""
    published: int | None = None
    rating: float | None = None  # normalised to a 0..5 star scale
    lang: str = ""



@dataclass(frozen=True, slots=True)
class Mention:
    """A row of the inbox: one item x one entity."""

    id: int
    item_id: int
    entity_id: int
    entity: str
    title: str
    url: str
    source: str
    feed_kind: str
    published: int
    snippet: str
    sentiment: float
    label: str
    status: str
    priority: float = 0.0
    overridden: bool = False
    rating: float | None = None
    topics: tuple[str, ...] = ()
    cluster_id: int | None = None
    lang: str = ""
    score_source: str = ""
    version: int = 1  # row version: triage writes pass it back (no lost update)
    assignee: str = ""
    tags: tuple[str, ...] = ()
    # how sure the machine score is, 0..1 (None: scored before confidences were stored, m008)
    confidence: float | None = 1.0

    @property
    def unsure(self) -> bool:
        """A machine score no person has confirmed, with a confidence under NEEDS_REVIEW_BELOW:
        it needs a human look (what the inbox's "needs a human look" filter selects). A score
        a person set (overridden) is never unsure."""
        return (not self.overridden and self.confidence is not None and self.confidence < NEEDS_REVIEW_BELOW
                and self.label != "unsupported")  # not scored: no machine score to doubt

    def score_text(self) -> str:
        """The score as listed, marked when it is unsure: "-0.23 (unsure: needs a human look)"."""
        return signed(self.sentiment) + (f" ({UNSURE})" if self.unsure else "")

    def unsure_why(self) -> str:
        """One sentence saying why the score is marked unsure ('' when it is not)."""
        if not self.unsure:
            return ""
        return (f"Unsure: the machine's score {signed(self.sentiment)} has a low confidence "
                f"({self.confidence:.2f}, under {NEEDS_REVIEW_BELOW}) and no person has confirmed it: "
                "it needs a human look. Open it to confirm or correct the score.")


@dataclass(frozen=True, slots=True)
class FetchSummary:
    feeds: int = 0
    ok: int = 0
    not_modified: int = 0
    failed: int = 0
    skipped: int = 0
    entries: int = 0
    new_items: int = 0
    new_mentions: int = 0
    seconds: float = 0.0
    failures: tuple[tuple[str, str, str], ...] = field(default=())  # (url, status, message)
    notified: tuple[tuple[str, int], ...] = field(default=())  # (rule name, mentions) of "notify" rules
    scope: str = ""  # which feeds were asked for: all (enabled) | due | selected
    not_due: int = 0  # with scope "due": enabled feeds left alone because they were not due yet

    def describe(self) -> str:
        """One line saying which feeds were fetched and what came of it (CLI and status bar)."""
        if self.scope == "due" and not self.feeds:
            return f"no feed was due ({self.not_due} enabled feeds not due yet): nothing fetched"
        s = "s" if self.feeds != 1 else ""
        which = {"all": f"all {self.feeds} enabled feed{s}", "selected": f"{self.feeds} selected feed{s}",
                 "due": f"the {self.feeds} due feed{s} ({self.not_due} more not due yet)"
                 }.get(self.scope, f"{self.feeds} feed{s}")
        results = (f"{self.ok} ok, {self.not_modified} not modified, {self.failed} failed; "
                   f"{self.entries} entries, {self.new_items} new items, {self.new_mentions} new mentions")
        if self.skipped:  # cancelled: what the fetched feeds brought is stored, the rest was not asked for
            left = "feed was" if self.skipped == 1 else "feeds were"
            return (f"cancelled after {self.feeds - self.skipped} of {which} in {self.seconds:.1f} s: {results} "
                    f"kept; {self.skipped} {left} not fetched")
        return f"fetched {which}: {results} in {self.seconds:.1f} s"


@dataclass(frozen=True, slots=True)
class MigrationNote:
    """One change a schema migration made to the user's data (``migration_log``)."""

    id: int
    version: int
    at: int  # Unix time the migration ran
    note: str


@dataclass(frozen=True, slots=True)
class MentionFilter:
    """What the inbox, `orm-desktop mentions` and reports select. Empty fields filter nothing."""

    entity_ids: tuple[int, ...] = ()
    sentiment: str | None = None  # negative | neutral | positive | unsupported (not scored)
    statuses: tuple[str, ...] = ()
    feed_kinds: tuple[str, ...] = ()
    topic: str | None = None
    since: int | None = None
    until: int | None = None
    search: str = ""  # user search text (words, "phrases", OR, -exclusions or NOT)
    feed_id: int | None = None
    include_muted: bool = False
    order: str = "published"  # published | priority
    lang: str | None = None  # ISO 639-1 code of the item's detected language
    needs_review: bool = False  # machine score with confidence < NEEDS_REVIEW_BELOW, not overridden
    # only these mentions (a saved search's selection: its rule's matching ids); None: no such limit
    mention_ids: tuple[int, ...] | None = None


@dataclass(frozen=True, slots=True)
class MentionDetail:
    mention: Mention
    html: str
    text: str
    author: str
    evidence: tuple[tuple[str, float], ...]
    machine_sentiment: float
    engine: str
    score_source: str
    override_by: str | None
    override_at: int | None
    stage: str
    due_at: int | None
    cluster: tuple[tuple[int, str, str, str], ...]  # (item id, title, source, url) of syndicated copies
    # the feed gave the entry no usable date (none, or more than a day ahead): its date is when a
    # refresh first saw it, not when it was published
    undated: bool = False
