"""Offline language detection with py3langid (a maintained fork of langid.py: a naive-Bayes
model over byte n-grams, shipped inside the package, numpy only), restricted to LANGUAGES.

Chosen after measuring on short texts (benchmarks/language_eval.py): it answers for far more
languages than the 8 stopword profiles it replaces and is right more often on one-line posts
and titles, at >10,000 short texts/s per core. Precision over recall: a text only gets a
language when the model is confident (normalised probability >= MIN_PROBABILITY) and has a few
letters; otherwise "" (unknown), which the sentiment engines treat like English. A mention is
marked "unsupported language" only when the evidence is clear.
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

# The languages the detector may answer (82 of the model's 142; ISO 639-1 where one exists):
# national or widely written languages a comms team meets in news, reviews and social posts.
# Left out, because on short English posts and titles they win by accident ("@velora Priya
# Raman from Velora on over-the-air updates" was 'pcm' at 0.69) or duplicate a larger language:
# English-based creoles (pcm: Nigerian Pidgin); historic and constructed languages (la, grc,
# hbo, sa, eo, vo); regional varieties and dialects (an, ext, lij, vec, wa, oc, br, fy, lb, fo,
# gd, nn, ary, arz, yue, wuu, uzs, sdh, gug, bcl, ltg, crh, gcf, gcr, gom, ace, kab, ...); smaller
# languages whose profiles fire on English titles (mg, ht, qu, rw, sn, st, lg, ln, om, ...); and
# zxx (no language). A text in a left-out language comes out as another language or unknown.
# Measured on short texts (benchmarks/language_eval.py): see docs/analysis.md.
LANGUAGES = tuple("""af am ar az be bg bn bs ca cs cy da de el en es et eu fa fi fr ga gl gu ha he hi
    hr hu hy id ig is it ja jv ka kk km kn ko ku ky lt lv mk ml mn mr ms mt my ne nl no pa pl ps pt
    ro ru si sk sl so sq sr sv sw ta te th tl tr uk ur uz vi xh yo zh zu""".split())
MIN_PROBABILITY = 0.5
MIN_LETTERS = 12
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_LOCK = threading.Lock()


_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def model_cache_dir() -> Path:
    """Where the unpacked model is kept: ``$ORM_DESKTOP_CACHE``, else the user's cache directory."""
    override = os.environ.get("ORM_DESKTOP_CACHE")
    if override:
        return Path(override) / "langid"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("orm-desktop")) / "langid"


def _unpacked(model: Path) -> Path | None:
    """The model's arrays as plain .npy files, unpacked once per model file. py3langid ships an
    LZMA-compressed npz that takes ~0.6 CPU-s to unpack in every process that detects a language
    (the refresh's worker processes each paid it); the .npy files load in a few milliseconds,
    and the largest is mapped, not copied, so processes share it.
    None when the cache cannot be written (read-only home): the caller loads the packed file."""
    import numpy as np

    st = model.stat()
    target = model_cache_dir() / f"v2-{st.st_size}-{int(st.st_mtime)}"
    if all((target / f"{k}.npy").is_file() for k in _ARRAYS):
        return target
    try:
        import lzma
        import shutil
        import tempfile

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
        try:
            with tempfile.TemporaryFile(dir=tmp) as raw:
                with lzma.open(model) as src:
                    shutil.copyfileobj(src, raw, length=1 << 20)
                raw.seek(0)
                with np.load(raw, allow_pickle=False) as data:
                    for k in _ARRAYS:
                        # the class-probability table widened to float32: what every scoring
                        # converted it to anyway (exact), 3x faster to score (0.026 vs 0.078 ms)
                        arr = data[k].astype("float32") if k == "ptc" else data[k]
                        np.save(tmp / f"{k}.npy", arr, allow_pickle=False)
            try:
                tmp.rename(target)  # atomic: a concurrent process either sees all files or none
            except OSError:  # another process unpacked it first
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except OSError:
        return None
    return target if all((target / f"{k}.npy").is_file() for k in _ARRAYS) else None


@functools.cache
def _identifier(restricted: bool = True):
    """The detector: loaded from the unpacked model cache when it can be (fast start), else from
    py3langid's shipped file; restricted to LANGUAGES unless ``restricted=False``."""
    import numpy as np
    from py3langid.langid import MODEL_DIR, MODEL_FILE
    from py3langid.modelio import _to_array

    LanguageIdentifier = _windowed_class()  # noqa: N806 - py3langid's class, with the windowed walk
    ident = None
    try:
        folder = _unpacked(MODEL_DIR / MODEL_FILE)
    except (OSError, ValueError):
        folder = None
    if folder is not None:
        try:
            a = {k: np.load(folder / f"{k}.npy", mmap_mode="r" if k == "ptc" else None, allow_pickle=False)
                 for k in _ARRAYS}
            # what py3langid's own loader builds from the same arrays (modelio.load_model)
            ident = LanguageIdentifier(np.asarray(a["ptc"]), np.asarray(a["pc"]), a["classes"].tolist(),
                                       _to_array(a["nextmove"]), a["out_feat"].tolist(), norm_probs=True,
                                       tk_row=_to_array(a["nextmove_row"]))
        except (OSError, ValueError, TypeError):
            ident = None  # a damaged cache: the shipped file still works
    if ident is None:
        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted and (folder is None or not _restrict_from_cache(ident, folder, LANGUAGES)):
        ident.set_languages(list(LANGUAGES))
        # set_languages leaves a column slice (Fortran order): row look-ups then run 20 % slower
        ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc, dtype=ident.nb_ptc.dtype)
    ident._walk = _window_walk(ident, folder)
    ident._walk_many = _window_walk_many(ident, folder) if ident._walk is not None else None
    return ident


@functools.cache
def _windowed_class():
    """py3langid's LanguageIdentifier whose byte walk (``visit_counts``: a pure-Python loop over
    the text's bytes through the model's automaton, 60 % of a detection) runs vectorised when
    ``_walk`` is set; everything else, the scoring included, is py3langid's own code."""
    from py3langid.langid import LanguageIdentifier

    class WindowedIdentifier(LanguageIdentifier):
        __slots__ = ("_walk", "_walk_many")

        def _raw_score(self, text):
            walk = getattr(self, "_walk", None)
            if walk is not None and isinstance(text, bytes):
                visits = walk(text)
                if visits:
                    return self._sparse_score(visits, self.nb_ptc)
            return super()._raw_score(text)

    return WindowedIdentifier


MAX_WINDOW = 8  # a deeper automaton keeps py3langid's own loop


def _windowable_automaton(ident, folder: Path | None):
    """The model's byte automaton as numpy arrays for the window walks: (next-move table, each
    state's row offset, each state's output feature, the state after one byte from the start,
    the window depth); None when the model's arrays are not of a known width or the automaton
    is not windowable (deeper than MAX_WINDOW)."""
    import numpy as np

    kinds = {2: np.uint16, 4: np.uint32, 8: np.uint64}
    try:
        nextmove = np.frombuffer(ident.tk_nextmove, dtype=kinds[ident.tk_nextmove.itemsize])
        row = np.frombuffer(ident.tk_row, dtype=kinds[ident.tk_row.itemsize])
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    depth = _automaton_depth(nextmove, row, folder)
    if depth is None or depth > MAX_WINDOW:
        return None
    rowbase = row.astype(np.intp) << 8
    out = np.asarray(ident.tk_output, dtype=np.intp)
    start = nextmove[rowbase[0]:rowbase[0] + 256].astype(np.intp)  # the state after one byte
    return nextmove, rowbase, out, start, depth


def _window_walk(ident, folder: Path | None):
    """``visit_counts`` for this model, vectorised over the text's positions, or None (then
    py3langid's loop runs). The model's automaton is an Aho-Corasick automaton over byte n-grams
    (the state after any input is the longest suffix of it that is a state's string; checked for
    every state and byte of the shipped model), so the state after position i depends only on
    the last ``depth`` bytes (the longest state string: 6): walking every window of ``depth``
    bytes from the start state, one numpy step per byte of the window for all positions at
    once, gives each position's state, and the same features counted in the same first-seen
    order (the scores are then bit-identical). 0.13 -> 0.10 ms a 300-character text."""
    from collections import Counter

    import numpy as np

    automaton = _windowable_automaton(ident, folder)
    if automaton is None:
        return None
    nextmove, rowbase, out, start, depth = automaton

    def walk(data: bytes) -> Counter | None:
        a = np.frombuffer(data, dtype=np.uint8)
        n = len(a)
        if not n:
            return None
        state = start[a]  # windows of one byte ending at each position
        for k in range(1, min(depth, n)):  # then of k + 1 bytes (cut short at the text's start)
            state[k:] = nextmove[rowbase[state[k - 1:n - 1]] + a[k:]]
        features = out[state]
        features = features[features >= 0]
        return Counter(features.tolist()) if len(features) else None

    return walk


def _window_walk_many(ident, folder: Path | None):
    """``_window_walk`` over several texts at once: their bytes joined, one numpy step per byte
    of the window for all positions of all texts (the per-call overhead of ~30 numpy calls was
    most of a short text's walk). A window that would reach back into the previous text is cut
    at its own text's start, as the single walk cuts it at the text's start: positions less
    than ``depth - 1`` bytes into their text get the state of their text's prefix instead.
    Returns, per text, its features in first-seen order with their counts (what
    ``Counter(walk(text))`` holds), as three arrays: features, counts and each text's first
    row; None when the model's automaton is not windowable."""
    import numpy as np

    automaton = _windowable_automaton(ident, folder)
    if automaton is None:
        return None
    nextmove, rowbase, out, start, depth = automaton
    nfeatures = int(out.max()) + 1

    # a byte that sends every state back to the start state, which counts no feature (0xFF, never
    # in UTF-8): depth - 1 of them before each text make every window that reaches back past the
    # text's start walk from the start state, as the single walk does (no per-text fix-up)
    reset = next((b for b in (0xFF, 0xFE, 0xC0, 0xC1) if not nextmove[rowbase[0] + b] and out[0] < 0
                  and not nextmove[b::256].any()), None)
    gap = bytes([reset]) * (depth - 1) if reset is not None else b""

    def walk_many(datas: Sequence[bytes]):
        lens = np.fromiter(map(len, datas), dtype=np.intp, count=len(datas))
        a = np.frombuffer(gap + gap.join(datas), dtype=np.uint8)
        n = len(a)
        firsts = np.zeros(len(datas) + 1, dtype=np.intp)
        np.cumsum(lens + len(gap), out=firsts[1:])
        firsts[:-1] += len(gap)  # where each text starts (after its gap)
        firsts[-1] = n
        state = start[a]
        for k in range(1, min(depth, n)):  # windows of k + 1 bytes, across text boundaries
            state[k:] = nextmove[rowbase[state[k - 1:n - 1]] + a[k:]]
        if not gap:  # the first depth - 1 positions of each text: the state of the text's prefix
            prefix = start[a[firsts[:-1][lens > 0]]]
            heads = firsts[:-1][lens > 0]
            hlens = lens[lens > 0]
            state[heads] = prefix
            for k in range(1, depth - 1):
                more = hlens > k
                if not more.any():
                    break
                heads, hlens, prefix = heads[more], hlens[more], prefix[more]
                prefix = nextmove[rowbase[prefix] + a[heads + k]]
                state[heads + k] = prefix
        features = out[state]
        at = np.flatnonzero(features >= 0)
        if not len(at):
            return at, at, np.zeros(len(datas) + 1, dtype=np.intp)
        # (text, feature) pairs counted, each with its first position, by plain sorts of packed
        # integers (a stable argsort, as np.unique's return_index takes, costs 15x more)
        keys = (np.searchsorted(firsts, at, side="right") - 1) * nfeatures + features[at]
        shift = int(n).bit_length()
        packed = (keys.astype(np.int64) << shift) | at
        packed.sort()
        keys = packed >> shift
        new = np.empty(len(keys), dtype=bool)
        new[0] = True
        np.not_equal(keys[1:], keys[:-1], out=new[1:])
        heads = np.flatnonzero(new)
        counts = np.diff(heads, append=len(keys))
        # then in order of first position: text by text, each text's features first-seen first
        ushift = int(len(heads)).bit_length()
        order = ((packed[heads] & ((1 << shift) - 1)) << ushift) | np.arange(len(heads))
        order.sort()
        order &= (1 << ushift) - 1
        keys, counts = keys[heads][order], counts[order]
        bounds = np.searchsorted(keys // nfeatures, np.arange(len(datas) + 1))
        return keys % nfeatures, counts, bounds

    return walk_many


def _automaton_depth(nextmove, row, folder: Path | None) -> int | None:
    """The length of the longest state string (breadth-first from the start state), kept in the
    unpacked model's folder (0.1 CPU-s to compute); None when some state is unreachable."""
    import numpy as np

    cached = folder / "automaton-depth.txt" if folder is not None else None
    try:
        if cached is not None and cached.is_file():
            return int(cached.read_text())
    except (OSError, ValueError):
        pass
    table = nextmove.reshape(-1, 256)
    seen = np.zeros(len(row), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while True:
        reached = np.zeros(len(row), dtype=bool)
        reached[table[np.unique(row[frontier])].ravel()] = True
        frontier = np.flatnonzero(reached & ~seen)
        if not len(frontier):
            break
        seen[frontier] = True
        depth += 1
    if not seen.all():
        return None
    if cached is not None:
        try:
            tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
            tmp.write_text(str(depth))
            os.replace(tmp, cached)
        except OSError:
            pass
    return depth


def _restrict_from_cache(ident, folder: Path, langs: Sequence[str]) -> bool:
    """What ``ident.set_languages(langs)`` followed by a C-contiguous copy of the table does,
    with the restricted table kept as one more .npy file in the unpacked cache (keyed by the
    model's columns it keeps) and memory-mapped: slicing 84 of 142 columns out of the
    100,053-row table cost every detecting process ~0.15 CPU-s and 34 MB of its own memory.
    False when the cache cannot be used (the caller then restricts in memory, as before)."""
    import hashlib

    import numpy as np

    full_ptc, full_pc, full_classes = ident._full_model
    lang_set = set(langs)
    unknown = lang_set - set(full_classes)
    if unknown:  # as set_languages
        raise ValueError(f"Unknown language code(s): {unknown}")
    # set_languages' own selection: every column whose label is in the set, aliases included
    indices = [i for i, c in enumerate(full_classes) if c in lang_set]
    key = hashlib.sha1(f"{full_ptc.dtype}:{indices}".encode()).hexdigest()[:16]
    path = folder / f"ptc-{key}.npy"
    try:
        if not path.is_file():
            import tempfile

            table = np.ascontiguousarray(np.asarray(full_ptc)[:, indices])
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ptc-", suffix=".npy")
            try:
                with os.fdopen(fd, "wb") as out:
                    np.save(out, table, allow_pickle=False)
                os.replace(tmp, path)  # atomic: a concurrent process sees the whole file or none
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        table = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return False
    if table.shape != (full_ptc.shape[0], len(indices)) or table.dtype != full_ptc.dtype:
        return False  # a damaged or foreign file: restrict in memory
    ident.nb_classes = [full_classes[i] for i in indices]
    ident.nb_ptc = np.asarray(table)
    ident.nb_pc = full_pc[indices]
    ident._set_alias_pairs()
    return True


def languages() -> list[str]:
    """The ISO 639-1 codes the detector answers."""
    return sorted(set(_identifier().nb_classes))


def _enough_letters(text: str) -> bool:
    """At least MIN_LETTERS letters (stops counting there: a text's first words usually do)."""
    if _ENOUGH_LETTERS[0] == MIN_LETTERS:  # one regex match: 4x cheaper than counting the letters
        return _ENOUGH_LETTERS[1].match(text) is not None
    return sum(1 for _ in itertools.islice(_LETTERS.finditer(text), MIN_LETTERS)) >= MIN_LETTERS


# MIN_LETTERS letters, each after any non-letters (the two classes are disjoint: no backtracking)
_ENOUGH_LETTERS = (MIN_LETTERS, re.compile(r"(?:[\W\d_]*[^\W\d_]){" + str(MIN_LETTERS) + "}"))


def detect_with_probability(text: str, *, restricted: bool = True) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the model's best guess for the text's first 3,000 chars;
    ``restricted=False`` lets the model answer any of its 142 languages (for measurements)."""
    sample = text[:3000]
    if not _enough_letters(sample[:400]):
        return "", 0.0
    with _LOCK:  # the identifier keeps per-call state in numpy buffers
        # _identifier() for the restricted model, as everywhere else: functools.cache keys
        # _identifier(True) apart from _identifier(), and a refresh worker loaded the model twice
        lang, prob = (_identifier() if restricted else _identifier(False)).classify(sample)
    return str(lang), float(prob)


def detect_many(texts: Sequence[str], *, min_probability: float = MIN_PROBABILITY) -> list[str]:
    """``[detect(t, min_probability=...) for t in texts]``, the same answers, in one pass of the
    model over the texts that are not plainly English: a feed's new entries cost ~0.025
    instead of ~0.055 ms each (~0.005 for a plainly English one)."""
    fast = min_probability <= MIN_PROBABILITY
    langs = ["en" if fast and plainly_english(t) else "" for t in texts]
    rest = [i for i, lang in enumerate(langs) if not lang]
    for i, (lang, prob) in zip(rest, detect_many_with_probability([texts[i] for i in rest]), strict=True):
        langs[i] = lang if prob >= min_probability else ""
    return langs


# English words that are not words of the languages written in plain ASCII (Dutch, Indonesian,
# Malay, Swahili, Tagalog, Zulu, Welsh, Basque...) nor of Danish, Swedish or Norwegian written
# without their letters æøåäö: not "of", "we", "was", "is", "to", "at", "for", "been", "all",
# "just", "her", "not", "more", "also", "will", "an", "in", "on", "by" (tests/test_ingest_speed.py)
ENGLISH_MARKERS = frozenset("""the and with that this from were have has said which their they would its
    about after into than when who are but you your our his it be or there what could should these
    those because while where being them him she very""".split())
# typographic characters English text carries (NBSP, quotes and dashes, bullets, © ® ™ € £ °):
# removed before the ASCII test
_TYPOGRAPHY = dict.fromkeys([*range(0x2000, 0x2070), 0xA0, 0xA9, 0xAE, 0x2122, 0x20AC, 0xA3, 0xB0, 0xB7])


def plainly_english(text: str) -> bool:
    """A cheap test the model is not needed for: in the first 400 characters, no letter outside
    ASCII, at least 20 words, English function words (``ENGLISH_MARKERS``) at least 10 % of
    them, in each third of them, at least 3 distinct. Such a text is English to the model too:
    it answered "en" (p >= 0.77) for every one of the 6,226 such texts of 17,715 (fixture and
    demo feeds, short-text set, dev corpora, peers load); a foreign text quoting an English
    title or sentence fails the spread or the share (docs/analysis.md, "Languages")."""
    sample = text[:400]
    if not sample.isascii() and not sample.translate(_TYPOGRAPHY).isascii():
        return False
    words = sample.lower().split()
    n = len(words)
    if n < 20:  # shorter: a foreign sentence around an English title can be mostly English words
        return False
    hits = bytes(map(ENGLISH_MARKERS.__contains__, words))
    third = n // 3
    if hits.count(1) * 10 < n or 1 not in hits[:third] or 1 not in hits[third:2 * third] or 1 not in hits[2 * third:]:
        return False
    return len(ENGLISH_MARKERS.intersection(words)) >= 3


def _distinct(values):
    """``np.unique(values, return_inverse=True)`` for non-negative integers, with plain sorts of
    packed integers instead of an argsort (3x faster)."""
    import numpy as np

    if not len(values):
        return values, values
    shift = int(len(values)).bit_length()
    packed = (values.astype(np.int64) << shift) | np.arange(len(values))
    packed.sort()
    ordered = packed >> shift
    new = np.empty(len(ordered), dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[packed & ((1 << shift) - 1)] = np.cumsum(new) - 1
    return ordered[new], inverse


def detect_many_with_probability(texts: Sequence[str]) -> list[tuple[str, float]]:
    """``[detect_with_probability(t) for t in texts]``, bit for bit (tests/test_language.py),
    with the numpy calls shared by all the texts: one walk (``_window_walk_many``), one gather
    of the model's rows, one softmax over a matrix of scores; per text only py3langid's
    encoding and the sparse product of its own rows, in the same order (the same sums)."""
    import numpy as np

    ident = _identifier()
    walk_many = ident._walk_many
    if walk_many is None or len(texts) < 2:
        return [detect_with_probability(t) for t in texts]
    samples = [t[:3000] for t in texts]
    todo = [i for i, s in enumerate(samples) if _enough_letters(s[:400])]
    out: list[tuple[str, float]] = [("", 0.0)] * len(texts)
    if not todo:
        return out
    encoded = [ident._encode(samples[i]) for i in todo]  # py3langid's own: NFC, UTF-8 bytes
    features, counts, bounds = walk_many(encoded)
    prior = ident.nb_pc
    weights = np.log1p(counts.astype(np.float32))
    # the table's rows, each distinct feature's read once from the large (cold) table: the texts of
    # a feed share most of their n-grams (5,125 rows a feed of the peers load, 788 distinct)
    distinct, inverse = _distinct(features)
    rows = ident.nb_ptc[distinct][inverse]
    scores = np.zeros((len(todo), len(prior)), dtype=np.float32)  # no feature: 0.0 (py3langid's fill)
    for r in range(len(todo)):
        lo, hi = bounds[r], bounds[r + 1]
        if lo < hi:  # py3langid's _sparse_score, on the same rows in the same order
            scores[r] = weights[lo:hi] @ rows[lo:hi] + prior
    # py3langid's _decide, row by row: temperature sqrt(bytes), softmax, aliases folded
    scores *= np.array([1.0 / math.sqrt(len(b) or 1) for b in encoded], dtype=np.float32)[:, None]
    np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    for i, j in ident._alias_pairs:
        scores[:, i] += scores[:, j]
        scores[:, j] = 0.0
    best = scores.argmax(axis=1)
    probs = scores[np.arange(len(todo)), best].tolist()
    classes = ident.nb_classes
    for r, i in enumerate(todo):
        out[i] = (str(classes[best[r]]), probs[r])
    return out


def detect(text: str, *, min_probability: float = MIN_PROBABILITY) -> str:
    """ISO 639-1 code of the text's language, or '' when the text does not say clearly:
    "en" for a text that is ``plainly_english``, else the model's answer when it is confident."""
    if min_probability <= MIN_PROBABILITY and plainly_english(text):
        return "en"
    lang, prob = detect_with_probability(text)
    return lang if prob >= min_probability else ""
