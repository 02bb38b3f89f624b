"""Finding 13: every file the app reads, fuzzed with hypothesis: a malformed file ends in one line
on stderr, exit 2, and the workspace unchanged; never a traceback.

The fuzzers call the real CLI entry point in-process (``orm_desktop.cli.main``) on a copy of the
demo workspace. The budget is fixed (``derandomize=True``, a set number of examples per file
kind), so CI runs the same cases every time in a few seconds. Inputs are mutations of real files
the app wrote: one field replaced by any JSON value, truncations, and random bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orm_desktop.cli import main
from orm_desktop.service import Service

BUDGET = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=10)


@pytest.fixture(scope="module")
def ws(tmp_path_factory, demo_root) -> dict:
    """A demo workspace and real files written by the app: bundle, approval request, OPML,
    rules, a template and an evidence export."""
    from tests.conftest import copy_workspace

    base = tmp_path_factory.mktemp("fuzz")
    root = copy_workspace(demo_root, base / "ws")
    files = {"root": root, "work": base}
    assert run("--workspace", str(root), "export-bundle", str(base / "b.ormbundle"))[0] == 0
    svc = Service.open(root)
    rid = svc.conn.execute("SELECT id FROM responses WHERE state = 'in_review' LIMIT 1").fetchone()[0]
    svc.close()
    assert run("--workspace", str(root), "responses", "export-approval", str(rid), "--out",
               str(base / "a.json"))[0] == 0
    assert run("--workspace", str(root), "feeds", "export", str(base / "f.opml"))[0] == 0
    assert run("--workspace", str(root), "rules", "export", str(base / "r.json"))[0] == 0
    (base / "t.toml").write_text('id = "our-reply"\ntitle = "Ours"\n[suggest]\nsentiment = ["negative"]\n'
                                 '[body]\ntext = "Hello {author}, thanks."\n')
    with zipfile.ZipFile(base / "e.zip", "w") as z:
        body = b"<p>page</p>"
        sha = hashlib.sha256
        z.writestr("capture-1-page/body.bin", body)
        z.writestr("capture-1-page/text.txt", b"page")
        z.writestr("capture-1-page/headers.json", b"{}")
        z.writestr("manifest.json", json.dumps({"mention_id": 1, "captures": [{
            "id": 1, "kind": "page", "body_sha256": sha(body).hexdigest(), "text_sha256": sha(b"page").hexdigest(),
            "headers_sha256": sha(b"{}").hexdigest(),
            "files": ["capture-1-page/body.bin", "capture-1-page/text.txt", "capture-1-page/headers.json"]}]}))
    assert run("evidence", "verify", str(base / "e.zip"))[0] == 0
    return files


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def fingerprint(root: Path) -> str:
    import sqlite3

    h = hashlib.sha256()
    with sqlite3.connect(root / "orm.db") as c:
        for table in ("audit_log", "feeds", "entities", "rules", "templates", "users", "settings", "responses",
                      "key_messages"):
            h.update(repr(c.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()).encode())
    return h.hexdigest()


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc[:3]):
            yield from _paths(v, (*prefix, i))


def _replace(doc, path, value):
    if not path:
        return value
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def json_mutations(text: str):
    doc = json.loads(text)
    paths = list(_paths(doc))
    replaced = st.tuples(st.sampled_from(paths), JSON_VALUES).map(
        lambda pv: json.dumps(_replace(doc, *pv)).encode())
    deleted = st.sampled_from([p for p in paths if p]).map(lambda p: json.dumps(_delete(doc, p)).encode())
    return st.one_of(replaced, deleted, raw_mutations(text.encode()))


def _delete(doc, path):
    doc = json.loads(json.dumps(doc))
    target = doc
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return doc


def raw_mutations(data: bytes):
    truncated = st.integers(0, max(0, len(data) - 1)).map(lambda n: data[:n])
    flipped = st.tuples(st.integers(0, max(0, len(data) - 1)), st.binary(min_size=1, max_size=8)).map(
        lambda t: data[:t[0]] + t[1] + data[t[0] + len(t[1]):])
    return st.one_of(truncated, flipped, st.binary(max_size=200))


def check(ws: dict, data: bytes, name: str, argv: list[str], ok_codes: tuple[int, ...] = ()) -> None:
    f = ws["work"] / f"fuzz-{name}"
    f.write_bytes(data)
    before = fingerprint(ws["root"])
    code, _out, err = run(*[a.replace("FILE", str(f)) for a in argv])
    if code in ok_codes:
        return  # a mutation that is still a valid file may do its job
    assert code == 2, (code, err, data[:300])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert fingerprint(ws["root"]) == before, (err, data[:300])


@BUDGET
@given(data=st.data())
def test_fuzz_bundle(ws, data):
    """Into a new, empty workspace each time, so every field is read (a valid mutation imports)."""
    import itertools
    import shutil

    text = (ws["work"] / "b.ormbundle").read_text()
    blob = data.draw(json_mutations(text))
    counter = ws.setdefault("bundle_runs", itertools.count())
    empty = ws["work"] / f"empty-{next(counter)}"
    if "empty_template" not in ws:
        Service.create(ws["work"] / "empty-template").close()
        ws["empty_template"] = ws["work"] / "empty-template"
    shutil.copytree(ws["empty_template"], empty)
    try:
        check(dict(ws, root=empty), blob, "b.json", ["--workspace", str(empty), "import-bundle", "FILE"],
              ok_codes=(0,))
    finally:
        shutil.rmtree(empty, ignore_errors=True)


@BUDGET
@given(data=st.data())
def test_fuzz_approval_file(ws, data):
    text = (ws["work"] / "a.json").read_text()
    blob = data.draw(json_mutations(text))
    check(ws, blob, "a.json", ["approval", "show", "FILE"], ok_codes=(0,))
    check(ws, blob, "a.json", ["--workspace", str(ws["root"]), "responses", "merge-approval", "FILE"])
    check(ws, blob, "a.json", ["approval", "decide", "FILE", "--as", "maya", "--approve"], ok_codes=(0,))


@BUDGET
@given(data=st.data())
def test_fuzz_opml(ws, data):
    text = (ws["work"] / "f.opml").read_bytes()
    attr = st.text(max_size=40).map(lambda v: text.replace(b'xmlUrl="', b'xmlUrl="' + v.encode("utf-8", "replace"), 1))
    check(ws, data.draw(st.one_of(raw_mutations(text), attr)), "f.opml",
          ["--workspace", str(ws["root"]), "feeds", "import", "FILE"], ok_codes=(0, 1))


@BUDGET
@given(data=st.data())
def test_fuzz_rules_json(ws, data):
    text = (ws["work"] / "r.json").read_text()
    check(ws, data.draw(json_mutations(text)), "r.json", ["--workspace", str(ws["root"]), "rules", "import", "FILE"],
          ok_codes=(0,))


@BUDGET
@given(data=st.data())
def test_fuzz_template_toml(ws, data):
    import tomllib

    text = (ws["work"] / "t.toml").read_text()
    doc = tomllib.loads(text)
    toml_values = st.one_of(st.integers(-5, 5), st.text(max_size=20), st.lists(st.integers(), max_size=3),
                            st.booleans(), st.floats(allow_nan=False))
    field = st.sampled_from(["id", "title", "max_length", "tone", "channel", "in_name_of_executive"])

    def swap(pv):
        key, value = pv
        return text.replace(f'{key} = "{doc.get(key, "")}"', f"{key} = {json.dumps(value)}").encode() \
            if key in doc else (f"{key} = {json.dumps(value)}\n" + text).encode()

    sugg = st.tuples(st.sampled_from(["sentiment", "rating", "topics", "crisis"]), toml_values).map(
        lambda kv: text.replace("[suggest]\n", f"[suggest]\n{kv[0]} = {json.dumps(kv[1])}\n").replace(
            'sentiment = ["negative"]\n', "", 1 if kv[0] == "sentiment" else 0).encode())
    check(ws, data.draw(st.one_of(raw_mutations(text.encode()), st.tuples(field, toml_values).map(swap), sugg)),
          "t.toml", ["--workspace", str(ws["root"]), "templates", "add", "FILE"], ok_codes=(0,))


@BUDGET
@given(data=st.data())
def test_fuzz_evidence_zip(ws, data):
    raw = (ws["work"] / "e.zip").read_bytes()
    with zipfile.ZipFile(ws["work"] / "e.zip") as z:
        manifest = z.read("manifest.json").decode()

    def rezip(m: bytes) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(buf, "w") as z:
            for info in src.infolist():
                z.writestr(info.filename, m if info.filename == "manifest.json" else src.read(info))
        return buf.getvalue()

    blob = data.draw(st.one_of(raw_mutations(raw), json_mutations(manifest).map(rezip)))
    check(ws, blob, "e.zip", ["evidence", "verify", "FILE"], ok_codes=(0, 1))


def test_a_deeply_nested_entity_query_is_one_line(ws):
    # 2,499 levels: within the 5,000 characters a query may have, so the nesting is what refuses it
    code, _out, err = run("--workspace", str(ws["root"]), "entities", "add", "brand", "Deep", "--query",
                          "(" * 2499 + "a" + ")" * 2499)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nests" in err
    code, _out, err = run("--workspace", str(ws["root"]), "entities", "add", "brand", "Deep", "--query",
                          "(" * 5000 + "a" + ")" * 5000)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "at most 5,000 characters" in err


def test_special_files_named_as_input_are_refused_at_once(ws, tmp_path):
    import os
    import time

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo), str(tmp_path)):
        for argv in (["rules", "import", path], ["import-bundle", path], ["templates", "add", path],
                     ["feeds", "import", path], ["responses", "merge-approval", path]):
            started = time.monotonic()
            code, _out, err = run("--workspace", str(ws["root"]), *argv)
            assert code == 2 and len(err.strip().splitlines()) == 1, (argv, err)
            assert time.monotonic() - started < 5
        code, _out, err = run("evidence", "verify", path)
        assert code == 2 and len(err.strip().splitlines()) == 1, err
