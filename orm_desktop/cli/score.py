"""`orm-desktop score`: one text per stdin line (or JSON lines with "text" and optional "entity")
-> one JSON object per line with "score" in [-1, 1], "label" and "confidence" (0..1). A bad line gets an error object
in its place; the run never aborts."""

from __future__ import annotations

import json
import sys

from orm_desktop.errors import KnownError, UsageError


def register(sub) -> None:
    p = sub.add_parser("score", help="score texts from stdin, one JSON object per line out",
                       description='Example: echo "Velora support was superb" | orm-desktop score --engine vader')
    p.add_argument("--engine", help="sentiment engine (orm (default), vader, textblob)")
    p.add_argument("--entity", help="score toward this entity name (its mentions in the text)")
    p.add_argument("--lang", default="", help="language of the texts: en (default), de or fr")
    p.set_defaults(func=cmd_score)


def cmd_score(args) -> int:
    from orm_desktop.analysis.sentiment import confidence_of, get_engine, score_toward
    from orm_desktop.ingest.query import EntityQuery
    from orm_desktop.types import label_for

    engine = get_engine(args.engine)
    lang = (args.lang or "").strip().lower()
    if lang and lang not in engine.languages:
        raise UsageError(f"engine {engine.name!r} does not score {lang!r} "
                         f"(it scores {', '.join(sorted(engine.languages))})")
    default_entity = args.entity
    matchers: dict[str, EntityQuery] = {}

    def matcher(name: str) -> EntityQuery:
        if name not in matchers:
            matchers[name] = EntityQuery.parse(f'"{name}"')
        return matchers[name]

    errors = 0
    for n, raw in enumerate(sys.stdin, start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        try:
            text, entity = line, default_entity
            if line.lstrip().startswith("{"):
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                    raise ValueError('a JSON line needs a string field "text"')
                text, entity = obj["text"], obj.get("entity") or default_entity
            if entity:
                ts = score_toward("", text, matcher(entity).spans, engine=engine, lang=lang)
                out = {"score": round(ts.score, 4), "label": ts.label, "confidence": ts.confidence,
                       "entity": entity, "evidence": [s for s, _ in ts.evidence]}
            else:
                analyse = getattr(engine, "analyse", None)
                if analyse is not None:
                    s, conf = analyse(text, lang)
                else:
                    s = engine.score(text)
                    conf = confidence_of(s, s)
                s = max(-1.0, min(1.0, s))
                out = {"score": round(s, 4), "label": label_for(s), "confidence": conf}
        except (ValueError, KnownError) as exc:
            errors += 1
            out = {"error": str(exc), "line": n}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0
