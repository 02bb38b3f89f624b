"""Text diffs as replayable operations, and as unified diffs for people."""

from __future__ import annotations

import difflib

Ops = list[list]  # [["=", n] | ["-", n] | ["+", "text"], ...]


def diff_ops(old: str, new: str) -> Ops:
    ops: Ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(["=", i2 - i1])
        else:
            if i2 > i1:
                ops.append(["-", i2 - i1])
            if j2 > j1:
                ops.append(["+", new[j1:j2]])
    return ops


def apply_ops(old: str, ops: Ops) -> str:
    out, pos = [], 0
    for op in ops:
        if op[0] == "=":
            out.append(old[pos:pos + op[1]])
            pos += op[1]
        elif op[0] == "-":
            pos += op[1]
        elif op[0] == "+":
            out.append(op[1])
        else:
            raise ValueError(f"bad diff op {op!r}")
    if pos != len(old):
        raise ValueError("diff does not cover the whole text")
    return "".join(out)


def unified(old: str, new: str, *, a: str = "before", b: str = "after") -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=a, tofile=b))
