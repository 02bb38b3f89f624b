"""Dedupe keys: canonical URLs and normalised titles for syndication clusters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Set as AbstractSet
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|mc_cid|mc_eid|igshid|ref|ref_src|ref_url|cmpid|"
    r"_hsenc|_hsmi|yclid|msclkid|spm|sr_share|share|s_cid|icid|ocid|cid|at_medium|at_campaign|"
    r"rss|feed|src|source|__twitter_impression|oly_anon_id|oly_enc_id|vero_id|mkt_tok)$",
    re.IGNORECASE,
)
# redirectors whose real target sits in a query parameter
REDIRECT_PARAMS = {"news.google.com": "url", "www.bing.com": "url", "bing.com": "url",
                   "l.facebook.com": "u", "out.reddit.com": "url", "t.co": "url"}
DEFAULT_PORTS = {"http": 80, "https": 443}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters,
    remaining parameters sorted, no trailing slash on non-root paths, redirect wrappers
    unwrapped. ``www.`` is kept: some sites serve different content without it. Never raises."""
    url = _CONTROL.sub("", url).strip()
    try:
        return _canonical(url, depth=0)
    except Exception:  # noqa: BLE001 - garbage in, stripped string out
        return url.strip()


def _canonical(url: str, depth: int) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    params = [(k.lstrip("?"), v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    target = REDIRECT_PARAMS.get(host)
    if target and depth < 3:
        for k, v in params:
            if k == target and v.startswith(("http://", "https://")):
                return _canonical(unquote(v) if "%" in v[:12] else v, depth + 1)
    port = parts.port
    netloc = host
    if port and port != DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{port}"
    path = quote(re.sub(r"/{2,}", "/", parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    kept = sorted((k, v) for k, v in params if not TRACKING.match(k))
    return urlunsplit((scheme, netloc, path, urlencode(kept, doseq=True), ""))


_SUFFIX = re.compile(r"\s+[-|–—:]\s+[^-|–—:]{2,40}$")
_NON_WORD = re.compile(r"[^\w\s]+")


def title_norm(title: str) -> str:
    """Casefolded, accent-free, punctuation-free title without a trailing " - Source" suffix."""
    t = _SUFFIX.sub("", title.strip()) if len(title.split()) > 4 else title
    if not t.isascii():  # ASCII is its own NFKD form and has no combining marks: 5.7 -> 2.8 us a title
        t = unicodedata.normalize("NFKD", t)
        t = "".join(c for c in t if not unicodedata.combining(c))
    t = _NON_WORD.sub(" ", t.casefold())
    return " ".join(t.split())


CLUSTER_THRESHOLD = 0.75


def title_similarity(a: str, b: str) -> float:
    """Similarity of two normalised titles in 0..1 (Dice coefficient over word sets, with a
    little credit for shared word prefixes such as fire/fires)."""
    return _word_similarity(set(a.split()), set(b.split()))


def _word_similarity(wa: AbstractSet[str], wb: AbstractSet[str]) -> float:
    """title_similarity of two titles' word sets."""
    if not wa or not wb:
        return 0.0
    common = len(wa & wb)
    sa, sb = {w[:5] for w in wa - wb}, {w[:5] for w in wb - wa}  # shared prefixes: fire/fires
    common += 0.8 * len(sa & sb)
    return min(1.0, 2 * common / (len(wa) + len(wb)))


class TitleMatcher:
    """``title_similarity(title, other) >= threshold`` for one title against many others, with
    the same answer: the title's words are split once, each other title's words once per
    matcher (the candidates of a refresh's items repeat), and a pair whose word counts alone
    bound the similarity below the threshold (2 * min / sum) is not compared; a pair's answer is
    remembered (up to 50,000 pairs a matcher)."""

    __slots__ = ("_words", "_threshold", "_pairs")

    def __init__(self, threshold: float) -> None:
        self._threshold = threshold
        self._words: dict[str, frozenset[str]] = {}
        # the answer for a pair met already: a refresh's items repeat titles and so meet the same
        # candidates (1M benchmark refresh: 51,000 comparisons, 17,000 distinct pairs)
        self._pairs: dict[tuple[str, str], bool] = {}

    def words(self, title: str) -> frozenset[str]:
        w = self._words.get(title)
        if w is None:
            if len(self._words) >= 20_000:
                self._words.clear()
            w = self._words[title] = frozenset(title.split())
        return w

    def similar(self, title: str, other: str) -> bool:
        pair = (title, other)
        known = self._pairs.get(pair)
        if known is not None:
            return known
        wa, wb = self.words(title), self.words(other)
        la, lb = len(wa), len(wb)
        if not la or not lb or 2 * min(la, lb) / (la + lb) < self._threshold:
            answer = False  # title_similarity <= this bound (it is 0.0 for an empty title)
        else:
            answer = _word_similarity(wa, wb) >= self._threshold
        if len(self._pairs) >= 50_000:
            self._pairs.clear()
        self._pairs[pair] = answer
        return answer
