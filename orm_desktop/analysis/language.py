"""Offline language detection from stopword profiles (fast enough to run on every item).

The text's words are scored against the 40-odd most frequent function words of each language;
the best language wins when it is clearly ahead. Short or ambiguous text gets "" (unknown),
which the sentiment engines treat like English. Precision over recall: a mention is only marked
"unsupported language" when the evidence is clear.
"""

from __future__ import annotations

import re

STOPWORDS = {
    "en": "the and of to in is that for it with as was on be at by this are from or an have not but its they "
          "which their has were been will would said more about after than who also had over new",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden "
          "aus er hat dass sie nach wird bei einer um am sind noch wie einem über einen so zum war haben nur",
    "fr": "le la les de des et en un une du est que qui dans pour pas sur au par plus avec ce il ne se sont "
          "à aux ont été cette mais son ses elle nous vous leur entre sans",
    "es": "el la de que y en los del se las por un para con no una su al lo como más pero sus le ya o este "
          "sí porque esta entre cuando muy sin sobre también me hasta hay donde",
    "it": "il di che e la per un in è del non una sono le da si con gli al della dei ma come anche più nel "
          "alla delle questo ha ci su lo nella se tra dopo",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook als bij door maar om dan nog wordt "
          "uit naar wel kan deze zich hij zij heeft tot",
    "pt": "de que e o a do da em um para é com não uma os no se na por mais as dos como mas foi ao ele das tem "
          "à seu sua ou ser quando muito há nos já está",
    "sv": "och att det i som en på är av för med till den har de inte om ett han var men sig så från vi kan "
          "man när år eller nu efter ska",
}
_PROFILES = {lang: frozenset(words.split()) for lang, words in STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def detect(text: str, *, min_hits: int = 3) -> str:
    """ISO 639-1 code of the text's language, or '' when the text does not say clearly."""
    words = [w.lower() for w in _WORD.findall(text[:3000])]
    if len(words) < 4:
        return ""
    scores = {lang: sum(w in prof for w in words) for lang, prof in _PROFILES.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < min_hits or top < 1.5 * second:
        return ""
    return best
