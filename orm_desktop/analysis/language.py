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
import re
import threading

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


@functools.cache
def _identifier(restricted: bool = True):
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if restricted:
        import numpy as np

        ident.set_languages(list(LANGUAGES))
        # set_languages leaves a column slice (Fortran order): row look-ups then run 20 % slower
        ident.nb_ptc = np.ascontiguousarray(ident.nb_ptc)
    return ident


def languages() -> list[str]:
    """The ISO 639-1 codes the detector answers."""
    return sorted(set(_identifier().nb_classes))


def detect_with_probability(text: str, *, restricted: bool = True) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the model's best guess for the text's first 3,000 chars;
    ``restricted=False`` lets the model answer any of its 142 languages (for measurements)."""
    sample = text[:3000]
    if len(_LETTERS.findall(sample[:400])) < MIN_LETTERS:
        return "", 0.0
    with _LOCK:  # the identifier keeps per-call state in numpy buffers
        lang, prob = _identifier(restricted).classify(sample)
    return str(lang), float(prob)


def detect(text: str, *, min_probability: float = MIN_PROBABILITY) -> str:
    """ISO 639-1 code of the text's language, or '' when the text does not say clearly."""
    lang, prob = detect_with_probability(text)
    return lang if prob >= min_probability else ""
