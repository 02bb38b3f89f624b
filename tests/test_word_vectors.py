"""benchmarks/word_vectors.py (fit time only; the model's weights are not in the repo): its
safetensors reader and its WordPiece, on a file and a vocabulary made here."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import word_vectors as wv  # noqa: E402


def test_safetensors_reader_reads_the_tensors_a_file_holds(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.5, -2.0], dtype=np.float16)
    header = {"__metadata__": {"format": "pt"},
              "a": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
              "b": {"dtype": "F16", "shape": [2], "data_offsets": [24, 28]}}
    raw = json.dumps(header).encode()
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + a.tobytes() + b.tobytes())
    t = wv.load_safetensors(path)
    assert set(t) == {"a", "b"}
    assert t["a"].tolist() == a.tolist() and t["b"].tolist() == [1.5, -2.0]


def test_wordpiece_takes_the_longest_piece_lower_cases_and_splits_punctuation(tmp_path):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "un", "##happ", "##happy", "##y", "happy", "cafe", ",", "'", "s"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = wv.WordPiece(tmp_path / "vocab.txt")
    ids = {w: i for i, w in enumerate(vocab)}
    assert tok.ids("Unhappy") == [ids["[CLS]"], ids["un"], ids["##happy"], ids["[SEP]"]]
    assert tok.ids("Café, happy's") == [ids["[CLS]"], ids["cafe"], ids[","], ids["happy"], ids["'"], ids["s"],
                                        ids["[SEP]"]]
    assert tok.ids("zzz") == [ids["[CLS]"], ids["[UNK]"], ids["[SEP]"]]
