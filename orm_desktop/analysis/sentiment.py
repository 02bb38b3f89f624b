"""Sentiment engines behind one interface, and sentiment TOWARD an entity.

Engines: ``textblob`` (pattern polarity), ``vader`` (VADER compound) and ``orm`` (default): a
model fitted on human-rated text over VADER-port, pattern-lexicon and word features
(sentiment_model.py), then reputation rules (apply_rules); German and French from pattern's
lexicons. Each score has a confidence (confidence_of). A workspace adapts the engine to its own
overrides (OverrideLexicon, adapted). Heavy libraries are imported on first use only.

Targeted scoring (``score_toward``) scores the title when it mentions the entity, the sentences
that do and the sentences right after them that refer to it ("It", "The company"); a sentence
with a contrast is cut into clauses and only the clauses about the entity count; the entity's
role in a clause ("A beat B", "buyers switch to A") wins over its words. A star rating, when
present, dominates (70 %; a rating written in the text 85 %). See docs/analysis.md.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from orm_desktop.analysis.sentiment_model import MixtureModel
from orm_desktop.errors import KnownError, UsageError
from orm_desktop.types import label_for

DEFAULT_ENGINE = "orm"


class Engine(Protocol):
    name: str
    languages: frozenset[str]

    def score(self, text: str) -> float: ...

    def score_many(self, texts: Sequence[str]) -> list[float]: ...


# Reputation language VADER lacks (VADER scale -4..+4). Neutral-looking words in news that are
# bad news for a company, and a few good-news ones.
DOMAIN_LEXICON = {
    "recall": -2.0, "recalls": -2.0, "recalled": -2.0, "lawsuit": -1.8, "lawsuits": -1.8,
    "sued": -1.8, "sues": -1.5, "outage": -2.0, "outages": -2.0, "breach": -2.2, "breaches": -2.2,
    "layoffs": -2.0, "layoff": -2.0, "fined": -2.0, "penalty": -1.5, "scandal": -2.6,
    "boycott": -2.0, "probe": -1.2, "investigation": -1.0, "fraud": -3.0, "bankruptcy": -3.0,
    "bankrupt": -3.0, "defect": -2.0, "defects": -2.0, "defective": -2.2, "delays": -1.5,
    "delayed": -1.3, "unsafe": -2.5, "hazard": -2.0, "hazardous": -2.2, "injuries": -2.2,
    "injured": -2.2, "complaints": -1.5, "complaint": -1.3, "downgrade": -1.5, "downgraded": -1.5,
    "plunge": -2.0, "plunged": -2.0, "plunges": -2.0, "slump": -1.8, "slumped": -1.8, "overheating": -2.0,
    "overheat": -2.0, "fires": -1.8, "fire": -1.2, "smoke": -1.0, "refund": -0.8, "refunds": -0.8,
    "misleading": -2.2, "lawsuit-hit": -2.0, "crisis": -2.2, "walkout": -1.6, "strike": -1.0,
    "resigns": -1.0, "resigned": -1.0, "ousted": -2.0, "backlash": -2.0, "criticised": -2.0,
    "criticized": -2.0, "slammed": -2.2, "blasted": -2.0, "stranded": -1.8, "broke": -1.5,
    "soared": 1.8, "soars": 1.8, "surged": 1.2, "award": 2.0, "awarded": 2.0, "praised": 2.2,
    "partnership": 1.0, "milestone": 1.5, "breakthrough": 2.2, "profitable": 1.5, "profit": 1.0,
    "innovative": 2.0, "reliable": 2.0, "record-breaking": 2.0, "upgrade": 1.2, "upgraded": 1.2,
    "beat": 0.8, "beats": 0.8, "outperformed": 1.8, "recommend": 1.8, "recommended": 1.8,
    "flawless": 2.8, "seamless": 2.0, "durable": 1.8, "sturdy": 1.5, "refunded": 0.5,
    # nouns of customer service that VADER reads as praise ("support was terrible" is not +1.7)
    "support": 0.0, "care": 0.0, "supports": 0.0,
    "fixed": 0.8, "resolved": 1.2, "clapping": 1.5,
}
# emoji whose VADER descriptions carry no valence ("thumbs down", "pouting face")
EMOJI_LEXICON = {
    "😡": -2.5, "🤬": -3.0, "😠": -2.2, "👎": -2.0, "😤": -1.8, "🙄": -1.5, "😭": -1.8, "😞": -1.8, "😒": -1.5,
    "💩": -2.0, "😢": -1.8, "😱": -1.5, "😨": -1.5, "😬": -0.8, "😩": -1.8, "😫": -1.8, "🤮": -2.5, "💔": -2.0,
    "😍": 2.7, "🥰": 2.7, "👍": 1.8, "🔥": 1.5, "👏": 1.8, "❤": 2.5, "❤️": 2.5, "🎉": 2.0, "🙌": 2.0, "😊": 2.0,
    "😂": 1.2, "🙏": 1.5, "😀": 2.0, "😃": 2.0, "😁": 2.0, "⭐": 1.5, "🌟": 1.8, "💯": 2.0, "🤩": 2.5, "😎": 1.5,
}


class _Vader:
    name = "vader"
    languages = frozenset({"en"})

    def __init__(self, extra: dict[str, float] | None = None) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._sia = SentimentIntensityAnalyzer()
        if extra:
            self._sia.lexicon.update(extra)
        self._lock = threading.Lock()

    def score(self, text: str) -> float:
        if not text.strip():
            return 0.0
        return float(self._sia.polarity_scores(text)["compound"])

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self.score(t) for t in texts]


class _TextBlob:
    name = "textblob"
    languages = frozenset({"en"})

    def __init__(self) -> None:
        from textblob.en.sentiments import PatternAnalyzer

        self._pa = PatternAnalyzer()

    def score(self, text: str) -> float:
        if not text.strip():
            return 0.0
        return float(self._pa.analyze(text)[0])

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self.score(t) for t in texts]


# German and French: pattern's subjectivity lexicons as shipped by textblob-de and textblob-fr,
# scored by TextBlob's own pattern engine (textblob._text.Sentiment). Other languages are
# marked unsupported, never silently neutral.
_PATTERN_LEXICONS = {
    "de": ("textblob_de", "data/de-sentiment.xml",
           ("nicht", "ohne", "nie", "nein", "kein", "keiner", "keine", "nichts"), "lich"),
    "fr": ("textblob_fr", "fr-sentiment.xml",
           ("ne", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "n'"), "ment"),
}
PATTERN_CONFIDENCE_CAP = 0.75  # a lexicon alone: never as sure as the English model
# Spanish: word 1-3-gram log-odds from the PyPI package sentiment-analysis-spanish (MIT), see
# sentiment_model.NgramLexicon and benchmarks/spanish_lexicon.py
_NGRAM_LEXICONS = ("es",)


@functools.cache
def _ngram_lexicon(lang: str):
    from orm_desktop.analysis.sentiment_model import NgramLexicon

    return NgramLexicon.load(lang)


@functools.cache
def _pattern_lexicon(lang: str):
    import importlib.util
    import os

    from textblob._text import Sentiment

    package, rel, negations, suffix = _PATTERN_LEXICONS[lang]
    # find, not import: textblob-de's __init__ needs a module modern TextBlob no longer has
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise KnownError(f"sentiment for {lang!r} needs the {package.replace('_', '-')} package")
    path = os.path.join(list(spec.submodule_search_locations)[0], rel)
    return Sentiment(path=path, negations=negations, modifiers=("RB", "JJ"),
                     modifier=lambda w: w.endswith(suffix), language=lang)


def score_language(text: str, lang: str) -> tuple[float, float]:
    """(score, confidence) of German or French text from its pattern lexicon, Spanish from its
    n-gram lexicon."""
    if lang in _NGRAM_LEXICONS:
        polarity = _ngram_lexicon(lang).score(text)
    else:
        polarity = float(_pattern_lexicon(lang)(text)[0])
    polarity = max(-1.0, min(1.0, polarity))
    return polarity, round(min(PATTERN_CONFIDENCE_CAP, confidence_of(polarity, polarity)), 3)


class _Orm:
    """The default engine: a model fitted on human-rated text over VADER-port, pattern-lexicon
    and word features (sentiment_model.py), then the reputation rules (apply_rules); German and
    French from pattern's lexicons (score_language)."""

    name = "orm"
    languages = frozenset({"en", *_PATTERN_LEXICONS, *_NGRAM_LEXICONS})

    def __init__(self) -> None:
        from orm_desktop.analysis.sentiment_model import Featurizer

        self.featurizer = Featurizer(DOMAIN_LEXICON, EMOJI_LEXICON)

    @functools.cached_property
    def model(self) -> MixtureModel:
        return MixtureModel.load()

    def score(self, text: str) -> float:
        """Whole-text score: the fitted model, then the reputation rules (see apply_rules)."""
        return self.analyse(text)[0]

    def analyse(self, text: str, lang: str = "") -> tuple[float, float]:
        """(score, confidence) of a whole text (see confidence_of); ``lang`` "de" or "fr" uses
        that language's lexicon, anything else the English model."""
        if not text or not text.strip():
            return 0.0, 1.0
        if lang in _PATTERN_LEXICONS or lang in _NGRAM_LEXICONS:
            return score_language(text, lang)
        dense, words = self.featurizer.features(text)
        model = self.model.score(dense, words, text)
        # the words without the NOT_ marks, which only a negation (dense[10] > 0) puts there
        tokens = {w[4:] if w[:4] == "NOT_" else w for w in words} if dense[10] else set(words)
        score = apply_rules(text, model, tokens)
        # the second opinion is VADER's rules alone, unless a reputation rule overruled both
        second = dense[1] if score == model else score
        return score, confidence_of(score, second)

    def score_clause(self, text: str) -> float:
        """Score one clause (what score_toward calls per clause)."""
        return self.score(text)

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self.score(t) for t in texts]


# Reputation phrases the rated corpora never taught the model (valence -1..+1). Matched
# case-insensitively on the whole text; legal and regulatory wording is read the way a comms
# team reads it ("lawsuit dismissed" is good news, a "complete response letter" is not).
_MONEY = "shares share stock stocks profit profits revenue revenues sales earnings margin margins price"
_DOWN = ("fell fall falls falling dropped drop drops slid slides sank sinks tumbled tumbles plunged plunges "
         "slumped declined declines dipped lost shed down")
_UP = "rose rise rises rising jumped jumps climbed climbs surged surges soared soars gained gains rallied up"


def _words(s: str) -> str:
    return "(?:" + "|".join(s.split()) + ")"


# (regex, valence, trigger word sets): the regex only runs when every set shares a word with the
# text, which keeps the rules cheap on long texts.
_PHRASES = (
    (rf"\b{_words(_MONEY)}\s+(?:\w+\s+){{0,2}}{_words(_DOWN)}\b", -0.6, (_MONEY, _DOWN)),
    (rf"\b{_words(_MONEY)}\s+(?:\w+\s+){{0,2}}{_words(_UP)}\b", 0.5, (_MONEY, _UP)),
    (r"\bprofit warning|\bwarns? (?:on|of) (?:profits?|earnings|sales)", -0.6, ("warning warn warns",)),
    (r"\bmiss(?:ed|es|ing)? (?:its |their |the )?(?:\w+ )?(?:estimates|expectations|forecasts?|targets?|deadlines?|goals?)", -0.6,
     ("miss missed misses missing",)),
    (rf"\b(?:jump|rise|surge|increase|growth|gain|rebound)s? in (?:\w+ ){{0,2}}{_words(_MONEY)}\b", 0.5,
     ("jump jumps rise rises surge surges increase increases growth gain gains rebound", _MONEY)),
    (rf"\b(?:fall|drop|decline|slump|plunge|slide)s? in (?:\w+ ){{0,2}}{_words(_MONEY)}\b", -0.5,
     ("fall falls drop drops decline declines slump slumps plunge plunges slide slides", _MONEY)),
    (r"\bprice[- ]fixing\b|\bcartel\b|\bfines? (?:imposed|of \d)|\bupheld (?:the |a )?(?:\w+ )?(?:fine|penalty|conviction|ban|ruling against)", -0.6,
     ("price-fixing fixing cartel fine fines upheld",)),
    (r"\bbeat(?:s|ing)? (?:\w+ )?(?:estimates|expectations|forecasts?)", 0.6,
     ("beat beats beating", "estimates expectations forecast forecasts")),
    (r"\b(?:raised?|lifted|lifts?|increased?|hiked?|boosted) (?:its |their |the )?(?:full-year |annual )?(?:guidance|forecast|outlook|dividend|payout)", 0.6,
     ("raise raised lifted lift lifts increase increased hike hiked boosted", "guidance forecast outlook dividend payout")),
    (r"\b(?:cut|cuts|slashed|lowered|lowers|suspended|scrapped) (?:its |their |the )?(?:full-year |annual )?(?:guidance|forecast|outlook|dividend|payout)|\bswung to a loss\b", -0.6,
     ("cut cuts slashed lowered lowers suspended scrapped swung", "guidance forecast outlook dividend payout loss")),
    (r"\brecord (?:profits?|sales|revenues?|quarter|year)", 0.6, ("record",)),
    (r"\b(?:keeps?|kept) (?:on )?(?:crashing|freezing|failing|breaking|dropping|disconnecting|rebooting)", -0.7, ("keep keeps kept",)),
    (r"\bstopped working|\bwon'?t (?:start|turn on|connect|charge|pair)|\bdoes ?n[o']t work", -0.7, ("working won't wont work",)),
    (r"\breturn(?:ed|ing)? (?:it|my|mine|the|our|them)\b|\bsent (?:it|them) back", -0.6, ("return returned returning sent",)),
    (r"\b(?:want|wanted|demand(?:ed)?|asked for|get) (?:a |my )?(?:money back|refund)", -0.6, ("refund back",)),
    (r"\bslow to (?:honou?r|respond|reply|fix|pay|process|refund|repair|answer|act)", -0.6, ("slow",)),
    (r"\b(?:answered|replied|responded|fixed|sorted|resolved|repaired|delivered) (?:it |my \w+ |the \w+ )?(?:in|within) (?:minutes|\d+ minutes|an hour|the hour|a day|hours|a few hours)\b", 0.5,
     ("answered replied responded fixed sorted resolved repaired delivered", "minutes hour hours day")),
    (r"\bnever (?:responded|replied|called back|answered)|\bstill waiting (?:for (?:my|a|the|our) (?:refund|reply|answer|replacement|repair|order|delivery|parcel|package))|\bon hold for", -0.6,
     ("never waiting hold",)),
    (r"\b(?:lawsuit|suit|case|claims?|charges?)\s+(?:\w+\s+){0,3}(?:was |were |has been |have been )?(?:dismissed|dropped|thrown out|rejected by)", 0.6,
     ("lawsuit suit case claim claims charge charges", "dismissed dropped thrown rejected")),
    (r"\b(?:dismiss|dismissed|dismisses|drops?|dropped|threw out|throws out)\s+(?:the |a |all )?(?:\w+\s+){0,2}(?:lawsuit|suit|case|claims?|charges?)\b", 0.6,
     ("lawsuit suit case claim claims charge charges",)),
    (r"\bcleared of\b|\bacquitted\b|\bruled in (?:its|our|their) favou?r", 0.6, ("cleared acquitted favour favor",)),
    (r"\b(?:agreed to pay|to settle|settled|settles|will pay) (?:\w+ ){0,5}(?:claims|charges|allegations|lawsuits?|suits?|case|fines?|penalt(?:y|ies))\b"
     r"|\bovercharg(?:ed|ing)\b", -0.5, ("pay settle settled settles overcharged overcharging",)),
    (r"\bcomplete response letter|\bwarning letter\b|\bclinical hold\b", -0.6, ("letter hold",)),
    (r"\brequest(?:ing|ed|s)? additional (?:safety |efficacy |clinical )?(?:data|studies|trials)", -0.6, ("additional",)),
    (r"\bclass[- ]action\b|\bsafety (?:notice|recall|warning)", -0.6, ("class class-action safety",)),
    (r"\brecall(?:s|ed|ing)?\b.{0,120}\b(?:full refund|free (?:repair|replacement))|\b(?:full refund|free (?:repair|replacement))\b.{0,120}\brecall", -0.5,
     ("recall recalls recalled recalling", "refund repair replacement")),
    (r"\b(?:fda|ema|regulators?) (?:approv(?:al|es|ed)|clear(?:ance|s|ed))|\bapproved by (?:the )?(?:fda|ema|regulators?)", 0.6,
     ("fda ema regulator regulators", "approval approves approved clearance clears cleared")),
    (r"\bwins? (?:the |an? )?(?:award|contract|tender|case|appeal)", 0.6, ("win wins",)),
    (r"\b(?:bills?|costs?|running costs) (?:stay |are |is |got |have got )?(?:low|lower|down)\b", 0.5, ("bill bills cost costs", "low lower down")),
    (r"\b(?:runs?|running|works?|working) (?:\w+ )?(?:quietly|smoothly|perfectly|flawlessly|like a charm)", 0.5,
     ("quietly smoothly perfectly flawlessly charm",)),
    (r"\bnamed (?:\w+ ){0,4}of the year\b|\b(?:wins?|won|receives?|received) (?:an? |the )?(?:\w+ ){0,3}awards?\b|\bawarded\b", 0.6,
     ("named award awards awarded",)),
    (r"\bdone with (?:this|the|that|them|these)\b|\b(?:second|third|fourth|fifth|\d+(?:st|nd|rd|th)) (?:\w+ ){0,2}in (?:a|one|two|three|six) (?:year|years|month|months|week|weeks)\b"
     r"|\bwanted to (?:love|like) (?:it|this|the|my)\b|\boverheat(?:s|ed|ing)?\b", -0.6,
     ("done second third fourth fifth wanted overheat overheats overheated overheating",)),
    (r"\bcos[yi]\b|\bkeeps? (?:\w+ ){0,3}(?:warm|cosy|cozy|quiet|dry)", 0.5, ("cosy cosi cozy warm quiet dry",)),
    (r"\b(?:data )?breach\b|\blayoffs?\b|\bcuts? (?:\d[\d,]* )?jobs\b|\bdowngraded?\b|\bboycott|\bfined\b|\bprobe\b|\boutages?\b", -0.45,
     ("breach layoff layoffs jobs downgrade downgraded boycott boycotts fined probe outage outages",)),
    # a product recall, not "recalls the Cary Grant of…" (remembering) or "Total Recall"
    (r"\brecall(?:s|ed|ing)?\s+(?:of\s+)?(?:\d|its|their|all|some|thousands|hundreds|millions|units|vehicles|cars|products|batches|over|after|due)"
     r"|\b(?:a|the|safety|product|voluntary|massive|global|new|latest)\s+(?:[A-Z][\w-]*\s+)?recall\b|\brecall (?:notice|campaign)", -0.45,
     ("recall recalls recalled recalling",)),
    (r"\buseless\b|\bwaste of (?:money|time)|\bnever again\b|\bnot worth\b|\bavoid (?:it|this|them)\b|\bripped off\b|\bscam\b", -0.6,
     ("useless waste again worth avoid ripped scam",)),
)
REPUTATION_PHRASES: tuple[tuple[re.Pattern[str], float, tuple[frozenset[str], ...]], ...] = tuple(
    (re.compile(p, re.IGNORECASE), v, tuple(frozenset(t.split()) for t in triggers)) for p, v, triggers in _PHRASES)
# The same patterns compiled with re.ASCII (speed: ~2x on 500 characters). They find exactly what
# the Unicode patterns find on a text without _UNICODE_ONLY characters: non-ASCII letters, digits
# and spaces (Unicode \w, \d, \s; IGNORECASE's Unicode folds K, ſ, ı, İ are letters) and the
# separators \x1c-\x1f (Unicode whitespace, not ASCII \s). Typographic quotes, dashes and emoji
# are neither, so most English posts qualify (tests/test_sentiment_speed.py).
_ASCII_PHRASES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p.pattern, (p.flags & ~re.UNICODE) | re.ASCII) for p, _v, _t in REPUTATION_PHRASES)
_UNICODE_ONLY = re.compile(r"[^\W\x00-\x7f]|[^\S\x00-\x7f]")
_C0_SEPARATORS = re.compile("[\x1c-\x1f]")
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def _ascii_patterns_apply(text: str) -> bool:
    """Whether the re.ASCII twins find what the Unicode patterns find in this text."""
    if _C0_SEPARATORS.search(text):
        return False
    return text.isascii() or not _UNICODE_ONLY.search("".join(_NON_ASCII.findall(text)))
_TRIGGER_INDEX: dict[str, tuple[int, ...]] = {}
for _i, (_p, _v, _t) in enumerate(REPUTATION_PHRASES):
    for _w in _t[0]:
        _TRIGGER_INDEX[_w] = (*_TRIGGER_INDEX.get(_w, ()), _i)
_TRIGGER_WORDS = frozenset(_TRIGGER_INDEX)
_TO_SPACE = str.maketrans({c: " " for c in "!\"#$%&()*+,./:;<=>?@[\\]^_`{|}~“”‘’…"})
# factual announcements and explainers: close to neutral unless a reputation phrase says more
_FACTUAL = re.compile(r"\b(?:appoints?|appointed|names|hires|hired) (?:a |an |the )?(?:new )?(?:\w+ ){0,2}"
                      r"(?:chief|officer|director|head|president|chair|chairman|chairwoman|ceo|cfo|cto|coo)\b"
                      r"|\bwill (?:hold|publish|report|host|present|release) (?:its|their|the)\b|\bannual general meeting\b"
                      r"|^\s*(?:here is|here's|this is) how\b|\bexplained\s*:|\ba (?:look|guide) (?:at|to|inside)\b",
                      re.IGNORECASE)
# what every branch of _FACTUAL needs, searched in the lower-cased text without IGNORECASE (a
# literal scan, ~10x faster than _FACTUAL's ~50 µs on 500 characters), after substring tests
# (faster still): no hint, no search.
# Valid only without "ı", "ſ" and "İ", which IGNORECASE matches as "i"/"s" and str.lower() keeps
# (or lengthens).
_FACTUAL_WORDS = ("appoint", "names", "hire", "will ", "annual general meeting", "explained", "a look", "a guide",
                  "here is", "here's", "this is")
_FACTUAL_HINT = re.compile(r"\b(?:appoint|names|hire|will |annual general meeting|explained|a look|a guide)"
                           r"|^\s*(?:here is|here's|this is)")


def _factual(text: str, lowered: str) -> bool:
    """_FACTUAL.search(text), answered without it when the lower-cased text lacks its words."""
    if (text.isascii() or not ("ı" in text or "ſ" in text or "İ" in text)) and not (
            any(w in lowered for w in _FACTUAL_WORDS) and _FACTUAL_HINT.search(lowered)):
        return False
    return _FACTUAL.search(text) is not None


_QUESTION = re.compile(r"^\s*(?:what|how|where|when|which|who|whom|whose|does|do|did|is|are|can|could|should|would|will|has|have|anyone|any)\b[^.!]*\?\s*$", re.IGNORECASE)
# a verdict: "2/5", "7 out of 10", "5/10 stars" at the end of a sentence or next to "rating",
# "score", "overall", "verdict" — not "about 1/10 of a second"
_RATING = re.compile(r"(?<![\d/.])(\d+(?:\.\d+)?)\s*(?:/|out of)\s*(5|10)\b(?![/.]\d)"
                     r"(?=\s*(?:stars?\b|points?\b|overall\b|[.!)\]]|$|\n))", re.IGNORECASE)
_SARCASM_EMOJI = re.compile("[\U0001F644\U0001F612\U0001F643\U0001F611\U0001F928]")  # eye roll, unamused, upside-down, expressionless, raised eyebrow


_STARS = re.compile(r"\b(one|two|three|four|five|[1-5](?:\.5)?)(?:\s+|-)stars?\b", re.IGNORECASE)
_NUMBER_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}


def rating_in_text(text: str) -> float | None:
    """An explicit rating written in the text ("2/5", "7 out of 10", "two stars") as a score in
    [-1, 1]."""
    m = _RATING.search(text)
    if not m:
        stars = _STARS.search(text) if "star" in text.lower() else None
        if not stars:
            return None
        word = stars.group(1).lower()
        value = _NUMBER_WORDS.get(word) or float(word)
        return max(-1.0, min(1.0, (value / 5.0 - 0.6) / 0.4))
    value, top = float(m.group(1)), float(m.group(2))
    if value > top:
        return None
    return max(-1.0, min(1.0, (value / top - 0.6) / 0.4))


def apply_rules(text: str, score: float, tokens: set[str] | frozenset[str] | None = None) -> float:
    """Reputation rules on top of the fitted model (each pattern has a test):

    * reputation phrases pull the score toward their valence (they win when they disagree);
    * an explicit rating in the text dominates (85 % rating);
    * sarcasm: praise with an eye-roll emoji, or praise of a bad event, is negative;
    * a plain question, a factual announcement or an explainer with no reputation phrase is
      close to neutral.

    ``tokens`` (the text's lower-cased words, when the caller has them) saves tokenising again.
    """
    phrase = 0.0
    lowered = text.lower()
    if tokens is None:
        tokens = set(lowered.translate(_TO_SPACE).split())
    hits = tokens & _TRIGGER_WORDS
    if hits:
        ascii_only = _ascii_patterns_apply(text)
        for i in sorted({i for w in hits for i in _TRIGGER_INDEX[w]}):
            pattern, v, triggers = REPUTATION_PHRASES[i]
            if all(not t.isdisjoint(tokens) for t in triggers[1:]) and (
                    _ASCII_PHRASES[i] if ascii_only else pattern).search(text):
                phrase += v
    if phrase:
        phrase = max(-1.0, min(1.0, phrase))
        if score * phrase <= 0 or abs(score) < abs(phrase):
            score = 0.3 * score + 0.7 * phrase
    elif abs(score) < 0.35 and (("?" in text and _QUESTION.match(text)) or _factual(text, lowered)):
        score *= 0.15  # a plain question; "Who the f… steals laxatives?" keeps its anger
    if not text.isascii() and _SARCASM_EMOJI.search(text) and score > -0.3:
        score = min(-0.3, score - 0.5)
    rating = rating_in_text(text) if "/" in text or "out of" in lowered or "star" in lowered else None
    if rating is not None:
        # the writer's own verdict: it decides the label, the prose only shades it ("5/10" is
        # not a good review however nice the words)
        score = 0.85 * rating + 0.15 * score
    return max(-1.0, min(1.0, score))


class OverrideLexicon:
    """What one workspace learned from its human overrides: a per-word adjustment, the shrunken
    mean of the residuals (person − machine) of the overridden texts containing the word
    (ridge with a diagonal design: a_w = Σ x·r / (λ + Σ x²), x = 1/√words). Built from that
    workspace's overrides only, so no workspace changes another's scores."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.weights = weights

    @classmethod
    def fit(cls, examples: Sequence[tuple[str, float, float]], lam: float = 3.0) -> OverrideLexicon:
        """examples: (text, machine score, human score)."""
        num: dict[str, float] = {}
        den: dict[str, float] = {}
        for text, machine, human in examples:
            words = set(_LEARN_WORD.findall(text.lower())) - _STOP
            if not words:
                continue
            x = 1.0 / math.sqrt(len(words))
            r = human - machine
            for w in words:
                num[w] = num.get(w, 0.0) + x * r
                den[w] = den.get(w, 0.0) + x * x
        return cls({w: num[w] / (lam + den[w]) for w in num if abs(num[w]) > 1e-9})

    def adjust(self, text: str) -> float:
        if not self.weights:
            return 0.0
        words = set(_LEARN_WORD.findall(text.lower())) - _STOP
        if not words:
            return 0.0
        ww = self.weights
        return sum(ww.get(w, 0.0) for w in words) / math.sqrt(len(words))


_LEARN_WORD = re.compile(r"[^\W\d_][\w'\-]*")
_STOP = frozenset("the a an and or of to in on at for with is are was were be been it its this that "
                  "i you he she we they my your our their me him her them as by from".split())


class AdaptedEngine:
    """A workspace's engine: the base engine plus what the workspace learned from overrides."""

    def __init__(self, base: Engine, lexicon: OverrideLexicon) -> None:
        self.base, self.lexicon = base, lexicon
        self.name, self.languages = base.name, base.languages

    def analyse(self, text: str, lang: str = "") -> tuple[float, float]:
        analyse = getattr(self.base, "analyse", None)
        s, c = analyse(text, lang) if analyse is not None else (self.base.score(text), 1.0)
        d = self.lexicon.adjust(text)
        if d:
            s2 = max(-1.0, min(1.0, s + d))
            if label_for(s2) != label_for(s):
                c = min(c, 0.6)  # the workspace's overrides changed the label: worth a look
            s = s2
        return s, c

    def score(self, text: str) -> float:
        return self.analyse(text)[0]

    def score_many(self, texts: Sequence[str]) -> list[float]:
        return [self.score(t) for t in texts]


def adapted(engine: Engine, overrides: Sequence[tuple[str, float, float]]) -> Engine:
    """The engine adapted to a workspace's overrides ((text, machine, human) triples)."""
    return AdaptedEngine(engine, OverrideLexicon.fit(overrides)) if overrides else engine


_FACTORIES: dict[str, Callable[[], Engine]] = {"orm": _Orm, "vader": _Vader, "textblob": _TextBlob}
_CACHE: dict[str, Engine] = {}
_CACHE_LOCK = threading.Lock()


def available_engines() -> list[str]:
    return list(_FACTORIES)


def get_engine(name: str | None = None) -> Engine:
    name = (name or DEFAULT_ENGINE).strip().lower()
    if name not in _FACTORIES:
        raise UsageError(f"unknown sentiment engine {name!r} (choose from {', '.join(_FACTORIES)})")
    with _CACHE_LOCK:
        if name not in _CACHE:
            _CACHE[name] = _FACTORIES[name]()
        return _CACHE[name]


_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "St", "Inc", "Ltd", "Co", "Corp", "vs", "e.g", "i.e",
                  "U.S", "U.K", "No", "Jr", "Sr", "Prof", "Gen", "Sen", "Rep", "Gov", "approx", "etc")
_SENT_END = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9@#])|\n\s*\n|\n(?=[-•*]\s)")
_ABBREV_END = re.compile(r"(?:^|[\s(])(?:" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")\.$")


@functools.lru_cache(maxsize=32)  # one text is split once for all the entities it mentions
def _split_cached(text: str) -> tuple[str, ...]:
    return tuple(_split(text))


def split_sentences(text: str) -> list[str]:
    """Offline, regex-based sentence splitting (abbreviations, decimals and quotes aware)."""
    return list(_split_cached(text))


def _split(text: str) -> list[str]:
    """Offline, regex-based sentence splitting (abbreviations, decimals and quotes aware)."""
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        piece = text[start:m.start()]
        if _ABBREV_END.search(piece.rstrip("\"'”’)")):
            continue  # "Mr. Smith": not the end of a sentence
        if piece.strip():
            out.append(piece.strip())
        start = m.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


_CONTRAST = re.compile(r"\s*(?:[,;:]\s*|\s)(?=(?:but|however|although|though|whereas|while|yet|unlike|even as|despite|after)\b)"
                       r"|(?<=\w)\s*[;—–]\s*", re.IGNORECASE)


_UNLIKE = re.compile(r"^\s*unlike\b([^,]+),\s*(.+)$", re.IGNORECASE | re.DOTALL)


def split_clauses(sentence: str) -> list[str]:
    """Clauses of a sentence, cut at contrast markers ("X, but Y"; "unlike X, Y")."""
    out = []
    for p in _CONTRAST.split(sentence):
        p = p.strip(" ,;")
        m = _UNLIKE.match(p)
        if m:
            out += ["unlike " + m.group(1).strip(), m.group(2).strip()]
        elif p:
            out.append(p)
    return out


@dataclass(frozen=True, slots=True)
class TargetedScore:
    score: float
    label: str
    evidence: tuple[tuple[str, float], ...]
    source: str  # text | rating | rating+text | none | unsupported_language
    confidence: float = 1.0  # 0..1; below types.NEEDS_REVIEW_BELOW the mention needs a human look


def confidence_of(score: float, second_opinion: float) -> float:
    """How sure a score is, 0..1: its distance from the neutral band's edges (a score at ±0.05
    could be either label), halved when a second opinion (the VADER rules alone) gives another
    label. Below types.NEEDS_REVIEW_BELOW a mention is listed as needing a human look."""
    margin = min(1.0, abs(abs(score) - 0.05) / 0.25)
    agree = label_for(score) == label_for(second_opinion)
    return round((0.4 + 0.6 * margin) if agree else 0.45 * margin, 3)


_PRONOUN_START = re.compile(r"^\s*(?:(?:but|however|although|though|yet|and|while|whereas|so|after|even as|despite)\s+)?(?:it|its|it's|they|their|they're|he|his|she|her|the (?:company|firm|group|brand|maker|business|ceo|chief executive|founder|manufacturer|retailer|bank|insurer|airline|carrier|startup|product|app|device))\b", re.IGNORECASE)
def _comment(sentence: str) -> bool:
    """A short comment with no other name in it ("So annoying.", "Never again!"): after a
    sentence about the entity, it is about the entity too."""
    words = sentence.split()
    return len(words) <= 4 and not any(w[:1].isupper() for w in words[1:])


# a sentence right after one naming the entity that refers back to it anywhere
_REFERS = re.compile(r"\b(?:this|that|the) (?:brand|company|firm|product|thing|one|device|machine|unit)\b"
                     r"|\b(?:them|these guys)\b", re.IGNORECASE)
_TARGET = "\u27e8T\u27e9"
_WIN = r"(?:beat|beats|defeated|defeats|outperformed|outperforms|outsold|outsells|overtook|overtakes|edged out|trounced|outbid|outscored|topped)"
# (pattern over the text with the entity replaced by ⟨T⟩, valence for the entity)
ROLE_PATTERNS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p.replace("T>", _TARGET), re.IGNORECASE), v) for p, v in (
        (rf"T>(?:'s)?\s+(?:\w+\s+){{0,2}}?{_WIN}\b(?!\s+by\b)", 0.6),
        (r"\b(?:beaten|defeated|outperformed|outsold|overtaken|outbid|outscored|edged out|trounced) by T>", 0.6),
        (r"T>(?:'s)?\s+(?:was|were|has been|have been|got|is|are)\s+(?:\w+\s+)?(?:beaten|defeated|outperformed|outsold|overtaken|outbid|outscored|edged out|trounced)\b", -0.6),
        (rf"\b{_WIN}\s+(?:rivals?\s+|the\s+)?T>", -0.6),
        (r"\b(?:lost|loses|losing)\s+(?:\w+\s+){0,4}?to\s+T>", 0.6),
        (r"T>(?:'s)?\s+(?:\w+\s+){0,2}?(?:lost|loses|losing|trailed|trails|fell behind)\b", -0.6),
        (r"T>(?:'s)?\s+(?:\w+\s+){0,3}?(?:won|wins|winning|took (?:first|top)|came first|finished first)\b", 0.6),
        (r"\b(?:won|wins|winning|victory|preferred|chosen|picked|selected)\b(?:\s+\S+){0,6}?\s+over\s+T>", -0.6),
        (r"\b(?:preferred|prefer|prefers|chose|chosen|picked|selected|favou?red)\s+T>", 0.6),
        (r"T>(?:'s)?\s+(?:\w+\s+){0,2}?(?:finished|came|ranked|placed) (?:last|bottom)", -0.6),
        (r"\b(?:sign(?:s|ed|ing)? up|turn(?:s|ed|ing)?)\s+(?:\w+\s+){0,2}?(?:to|with)\s+T>", 0.6),
        (r"\b(?:switch(?:ing|ed|es)?|mov(?:e|ed|es|ing)|flock(?:s|ed|ing)?|defect(?:s|ed|ing)?|migrat(?:e|ed|ing)|went|going)\s+(?:\w+\s+){0,2}?to\s+T>", 0.6),
        (r"\bexpect\w*\s+T>\s+to\s+(?:pick up|gain|win|benefit|take)", 0.6),
        (r"T>\s+(?:\w+\s+){0,2}?(?:gained|gains|won|wins|picked up|took) (?:market share|customers|ground|share)", 0.6),
        (r"\b(?:bought|buy|got|chose|picked|switched to|went with)\s+(?:a |an |the )?T>\s+instead", 0.6),
        (r"T>\s+(?:stands|is set|is poised|is likely|could|would|will)\s+to\s+(?:gain|benefit|pick up|win)", 0.6),
    ))


def role_valence(clause: str, spans: Callable[[str], list[tuple[int, int]]]) -> float:
    """Valence the entity gets from its role in a clause ("A beat B": +A, -B; "buyers switch to
    A" after a rival's bad news: +A), or 0.0 when no role pattern applies."""
    found = spans(clause)
    if not found:
        return 0.0
    marked = clause
    for start, end in sorted(found, reverse=True):
        marked = marked[:start] + _TARGET + marked[end:]
    total = sum(v for pat, v in ROLE_PATTERNS if pat.search(marked))
    return max(-1.0, min(1.0, total))


def _clauses_for(sentence: str, spans: Callable[[str], list[tuple[int, int]]]) -> list[tuple[str, float]]:
    """The clauses of a sentence that are about the entity, with weights: the clauses naming it,
    and a following clause whose subject is a pronoun or "the company" ("X is pretty, but it is
    useless"); a clause after a contrast weighs 1.5 (the writer's conclusion)."""
    clauses = split_clauses(sentence)
    if len(clauses) <= 1:
        return [(sentence, 1.0)]
    out: list[tuple[str, float]] = []
    following = False
    for i, c in enumerate(clauses):
        if spans(c):
            out.append((c, 1.5 if i else 1.0))
            following = True
        elif following and _PRONOUN_START.match(c):
            out.append((c, 1.5))
        else:
            following = False
    return out or [(sentence, 1.0)]


def score_toward(title: str, text: str, spans: Callable[[str], list[tuple[int, int]]],
                 engine: Engine | None = None, rating: float | None = None,
                 max_sentences: int = 6, lang: str = "") -> TargetedScore:
    """Sentiment toward one entity (see the module docstring)."""
    engine = engine or get_engine()
    parts: list[tuple[str, float]] = []  # (text, weight)
    if title and spans(title):
        parts.append((title, 1.5))
    previous = False  # the sentence before named the entity: "It"/"The company" refer to it
    for sentence in _split_cached(text)[:200]:
        if len(parts) >= max_sentences:
            break
        if spans(sentence):
            parts.extend(_clauses_for(sentence, spans))
            previous = True
        elif previous and (_PRONOUN_START.match(sentence) or _REFERS.search(sentence) or _comment(sentence)):
            parts.append((sentence, 1.0))
        else:
            previous = False
    if not parts and title:
        parts.append((title, 1.0))
    evidence = []
    total = weight = conf_total = conf_weight = 0.0
    analyse = getattr(engine, "analyse", None)
    for chunk, w in parts:
        role = role_valence(chunk, spans)
        if role:
            s, c = role, 0.8
        elif analyse is not None:
            s, c = analyse(chunk, lang)
        else:
            s = engine.score(chunk)
            c = confidence_of(s, s)
        evidence.append((chunk[:300], round(s, 4)))
        conf_total += w * c
        conf_weight += w
        if s != 0.0:
            total += w * s
            weight += w
    text_score = total / weight if weight else 0.0
    confidence = conf_total / conf_weight if conf_weight else 0.5
    rating_weight = 0.7  # a feed's star rating
    if rating is None and engine.name == "orm":
        stars = rating_in_text(text)  # "2/5" written in the text: the writer's own verdict
        if stars is not None:
            rating, rating_weight = stars * 2.0 + 3.0, 0.85
    if rating is not None:
        r = max(-1.0, min(1.0, (float(rating) - 3.0) / 2.0))
        if weight:
            score, source = rating_weight * r + (1 - rating_weight) * text_score, "rating+text"
        else:
            score, source = r, "rating"
        confidence = max(confidence, 0.9)
    elif evidence:
        score, source = text_score, "text"
    else:
        score, source = 0.0, "none"
    score = round(max(-1.0, min(1.0, score)), 4)
    # strongest evidence first: what the GUI shows as "why"
    evidence.sort(key=lambda e: -abs(e[1]))
    return TargetedScore(score, label_for(score), tuple(evidence), source, round(confidence, 3))
