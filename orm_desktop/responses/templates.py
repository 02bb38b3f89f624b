"""Response templates: one readable TOML file per template in resources/templates/ (shipped,
read-only defaults) plus workspace templates stored in the database (added or edited in the
GUI; a workspace template with a shipped id overrides it)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field

from orm_desktop.errors import UsageError
from orm_desktop.paths import resource_path, resources_dir

RESOURCES = resources_dir()  # kept for callers that join their own file names to it
TEMPLATE_DIR = resource_path("templates")
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# {link} is the mention being answered; {status_page} is our own status / updates page
KNOWN_PLACEHOLDERS = ("author", "brand", "executive", "product", "topic", "link", "contact",
                      "entity", "source", "title", "date", "status_page")
MISSING_OPEN, MISSING_CLOSE = "⟦", "⟧"  # how an unfilled placeholder is shown: ⟦author⟧


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    title: str
    text: str
    tone: str = ""
    channel: str = ""
    max_length: int = 0
    sentiment: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    source_kinds: tuple[str, ...] = ()
    entity_kinds: tuple[str, ...] = ()
    rating: tuple[float, float] | None = None
    crisis: bool = False
    in_name_of_executive: bool = False
    shipped: bool = True
    placeholders: tuple[str, ...] = field(default=())


def parse_template(text: str, *, shipped: bool, origin: str = "") -> Template:
    """Parse one TOML template document; UsageError naming the problem when it is invalid."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"template {origin or ''} is not valid TOML: {exc}".replace("  ", " ")) from None
    try:
        tid = str(doc["id"]).strip()
        body = doc["body"]["text"]
    except (KeyError, TypeError):
        raise UsageError(f"template {origin} needs an id and a [body] text") from None
    if not isinstance(body, str):
        raise UsageError(f"template {origin} needs a [body] text")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", tid):
        raise UsageError(f"template id {tid!r} must be lowercase letters, digits and dashes")
    unknown = sorted(set(PLACEHOLDER.findall(body)) - set(KNOWN_PLACEHOLDERS))
    if unknown:
        raise UsageError(f"template {tid} uses unknown placeholders: {', '.join(unknown)} "
                         f"(known: {', '.join(KNOWN_PLACEHOLDERS)})")
    try:
        return _template(doc, tid, body, shipped)
    except (TypeError, ValueError, AttributeError, IndexError):
        raise UsageError(f"template {tid}: a field has the wrong type (see `orm-desktop templates show`)") from None


def _template(doc: dict, tid: str, body: str, shipped: bool) -> Template:
    s = doc.get("suggest", {})
    if not isinstance(body, str) or not isinstance(s, dict):
        raise TypeError
    for key in ("sentiment", "topics", "source_kinds", "entity_kinds"):
        if not all(isinstance(v, str) for v in s.get(key, ())) or isinstance(s.get(key, ()), str):
            raise TypeError
    rating = s.get("rating")
    return Template(
        id=tid, title=str(doc.get("title", tid)), text=body.strip(), tone=str(doc.get("tone", "")),
        channel=str(doc.get("channel", "")), max_length=int(doc.get("max_length", 0) or 0),
        sentiment=tuple(s.get("sentiment", ())), topics=tuple(s.get("topics", ())),
        source_kinds=tuple(s.get("source_kinds", ())), entity_kinds=tuple(s.get("entity_kinds", ())),
        rating=(float(rating[0]), float(rating[1])) if rating else None,
        crisis=bool(s.get("crisis", False)),
        in_name_of_executive=bool(doc.get("in_name_of_executive", False)), shipped=shipped,
        placeholders=tuple(dict.fromkeys(PLACEHOLDER.findall(body))),
    )


def shipped_templates() -> dict[str, Template]:
    out = {}
    for path in sorted(TEMPLATE_DIR.glob("*.toml")):
        t = parse_template(path.read_text(encoding="utf-8"), shipped=True, origin=path.name)
        out[t.id] = t
    return out


def to_toml(t: Template) -> str:
    """A workspace template as a TOML document (the format of the shipped files)."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def arr(xs) -> str:
        return "[" + ", ".join(q(x) for x in xs) + "]"

    lines = [f"id = {q(t.id)}", f"title = {q(t.title)}", f"tone = {q(t.tone)}",
             f"channel = {q(t.channel)}", f"max_length = {t.max_length}"]
    if t.in_name_of_executive:
        lines.append("in_name_of_executive = true")
    lines.append("[suggest]")
    for key in ("sentiment", "topics", "source_kinds", "entity_kinds"):
        lines.append(f"{key} = {arr(getattr(t, key))}")
    if t.rating:
        lines.append(f"rating = [{t.rating[0]}, {t.rating[1]}]")
    if t.crisis:
        lines.append("crisis = true")
    body = t.text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines += ["[body]", f'text = """{body}"""']
    return "\n".join(lines) + "\n"


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Fill {placeholders}; a missing value becomes ⟦name⟧ (highlighted, never left as braces).
    Returns (text, names of the placeholders that had no value)."""
    missing: list[str] = []

    def sub(m: re.Match) -> str:
        name = m.group(1)
        value = (values.get(name) or "").strip()
        if value:
            return value
        if name not in missing:
            missing.append(name)
        return f"{MISSING_OPEN}{name}{MISSING_CLOSE}"

    return PLACEHOLDER.sub(sub, text), missing


MISSING_MARK = re.compile(re.escape(MISSING_OPEN) + r"([a-z_]+)" + re.escape(MISSING_CLOSE))


def missing_placeholders(text: str) -> list[str]:
    """Placeholders still unfilled in a draft (⟦name⟧ markers or raw {name})."""
    return list(dict.fromkeys(MISSING_MARK.findall(text) + PLACEHOLDER.findall(text)))


def suggestion_score(t: Template, *, label: str, topics: tuple[str, ...], source_kind: str,
                     entity_kind: str, rating: float | None, crisis: bool) -> float:
    """How well a template fits a mention; 0 means it does not fit at all."""
    if t.entity_kinds and entity_kind not in t.entity_kinds:
        return 0.0
    if t.rating is not None and (rating is None or not (t.rating[0] <= rating <= t.rating[1])):
        return 0.0
    score = 1.0
    if t.sentiment:
        if label not in t.sentiment:
            return 0.0
        score += 2.0
    if t.source_kinds:
        score += 1.5 if source_kind in t.source_kinds else -0.5
    if t.topics:
        overlap = len(set(t.topics) & set(topics))
        score += 2.0 * overlap
    if t.rating is not None:
        score += 3.0
    if t.crisis:
        score += 4.0 if crisis else -1.0
    return max(score, 0.01)
