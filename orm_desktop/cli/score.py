"""`orm-desktop score`: one text per stdin line (or JSON lines with "text" and optional "entity")
-> one JSON object per line with "score" in [-1, 1], "label" and "confidence" (0..1). A bad line (not UTF-8, not the
JSON expected, blank, longer than 1 MiB) gets an error object {"error", "line"} in its place: output
line n always answers input line n; the run never aborts."""

from __future__ import annotations

import json
import sys

from orm_desktop.errors import KnownError


def register(sub) -> None:
    p = sub.add_parser("score", help="score texts from stdin, one JSON object per line out",
                       description='Example: echo "Velora support was superb" | orm-desktop score --engine vader')
    p.add_argument("--engine", help="sentiment engine (orm (default), vader, textblob)")
    p.add_argument("--entity", help="score toward this entity name (its mentions in the text)")
    p.add_argument("--lang", default="", help="language of the texts: en (default), de, es or fr (vader and textblob: en only)")
    p.set_defaults(func=cmd_score)


def cmd_score(args) -> int:
    from orm_desktop.service import text_scorer

    score = text_scorer(args.engine, (args.lang or "").strip().lower())
    default_entity = args.entity
    errors = 0
    stdin = getattr(sys.stdin, "buffer", sys.stdin)  # bytes: a line that is not UTF-8 is one bad line
    for n, raw in enumerate(_lines(stdin), start=1):
        if raw is None:
            errors += 1
            sys.stdout.write(json.dumps({"error": f"line longer than {MAX_LINE // (1024 * 1024)} MiB; not scored",
                                         "line": n}) + "\n")
            continue
        try:
            line = (raw.decode("utf-8") if isinstance(raw, bytes) else raw).rstrip("\r\n")
        except UnicodeDecodeError as exc:
            errors += 1
            sys.stdout.write(json.dumps({"error": f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                         "line": n}) + "\n")
            continue
        if not line.strip():  # still answered: output line n is input line n's
            errors += 1
            sys.stdout.write(json.dumps({"error": "empty line", "line": n}) + "\n")
            continue
        try:
            text, entity = line, default_entity
            if line.lstrip().startswith("{"):
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise ValueError('a JSON line needs a string field "text"')
                text, entity = obj["text"], obj.get("entity") or default_entity
            out = score(text, entity)
        except (ValueError, KnownError) as exc:
            errors += 1
            out = {"error": str(exc), "line": n}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


MAX_LINE = 1024 * 1024  # bytes of one input line, its line break not counted


def _lines(stdin):
    """Each input line (with its line break), or None for a line longer than MAX_LINE: that one
    is read on in pieces and dropped, never held whole."""
    while True:
        raw = stdin.readline(MAX_LINE + 1)
        if not raw:
            return
        nl = b"\n" if isinstance(raw, bytes) else "\n"
        if len(raw) <= MAX_LINE or raw.endswith(nl):
            yield raw
            continue
        while raw and not raw.endswith(nl):  # the rest of the long line
            raw = stdin.readline(64 * 1024)
        yield None
