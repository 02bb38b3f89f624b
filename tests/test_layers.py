"""Architecture rules that must not rot: the core imports no Qt, heavy libraries load lazily."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "orm_desktop.service",
    "orm_desktop.store.db",
    "orm_desktop.store.mentions",
    "orm_desktop.ingest.pipeline",
    "orm_desktop.analysis.sentiment",
    "orm_desktop.cli",
    "orm_desktop.deliveries.scheduled",
    "orm_desktop.deliveries.schedule",
    "orm_desktop.recovery",
]


def loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_no_qt_and_no_heavy_nlp():
    loaded = loaded_after_import(CORE)
    assert "orm_desktop" in loaded  # the check itself works
    for heavy in ("PySide6", "shiboken6", "textblob", "nltk", "vaderSentiment"):
        assert heavy not in loaded, f"importing the core loaded {heavy}"


def test_cli_help_is_fast_and_light():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "orm_desktop", "--help"],
                         capture_output=True, text=True, check=True)
    assert "fetch" in out.stdout and "mentions" in out.stdout
    assert "PySide6" not in out.stderr and "textblob" not in out.stderr


def test_core_packages_have_no_qt_import_statements():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "orm_desktop"
    offenders = []
    for pkg in ("store", "ingest", "analysis", "responses", "deliveries"):
        for path in (root / pkg).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "PySide6" in text or "from orm_desktop.ui" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


# -- SQL lives only in store/; the CLI and the GUI reach the domain only through service.py ------
import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

PKG = Path(__file__).resolve().parents[1] / "orm_desktop"
SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|WITH|VACUUM|ANALYZE|REINDEX|"
                 r"BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b"
                 r"|\b(SELECT\s.+\sFROM|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|ON\s+CONFLICT|ORDER\s+BY|"
                 r"GROUP\s+BY|LIMIT\s+\?|WHERE\s+\w+(\.\w+)?\s*(=|IN\b|IS\b|<|>|!=))")
EXECUTE = {"execute", "executemany", "executescript"}


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def sql_outside_store(source: str) -> list[str]:
    """Lines of ``source`` that run SQL (an execute call) or hold an SQL statement or fragment."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EXECUTE:
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if SQL.search(text):
                found.append(f"line {node.lineno}: {text[:60]!r}")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
              and SQL.search(node.value)):
                found.append(f"line {node.lineno}: {node.value[:60]!r}")
    return sorted(set(found))


def test_the_sql_detector_sees_sql():  # the check below can fail
    assert sql_outside_store('conn.execute("SELECT 1")')
    assert sql_outside_store('q = "SELECT id FROM rules WHERE enabled = 1"')
    assert sql_outside_store('q = f"UPDATE mentions SET status = ? WHERE id IN ({marks})"')
    assert sql_outside_store('where = " WHERE m.entity_id = ?"')
    assert not sql_outside_store('"""Backups pass PRAGMA integrity_check."""\nx = "Select a feed from the list"')


def test_sql_lives_only_in_store():
    offenders = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG)
        if rel.parts[0] == "store":
            continue
        found = sql_outside_store(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(rel)] = found
    assert offenders == {}, "SQL outside orm_desktop/store/ (move it into a store module):\n" + "\n".join(
        f"{k}: {v}" for k, v in offenders.items())


# Modules the CLI and the GUI may import besides service.py, and why: none of them reads or
# changes a workspace.
FACADE_FREE_MODULES = {
    "orm_desktop": "the package itself (__version__)",
    "orm_desktop.service": "the facade",
    "orm_desktop.errors": "error types",
    "orm_desktop.types": "the frozen dataclasses that cross layers",
    "orm_desktop.textsafe": "display escaping",
    "orm_desktop.numbers": "how scores, deltas and shares read (signs, zeros, percentages)",
    "orm_desktop.dates": "how a moment reads (in UTC, as every period is counted)",
    "orm_desktop.feedstatus": "a feed's fetch status in words for people (progress, Feeds page, fetch)",
    "orm_desktop.paths": "resource files",
    "orm_desktop.userfiles": "reading a file the user named",
    "orm_desktop.atomic": "writing an output file atomically",
    "orm_desktop.workspace": "locating a workspace before a Service exists (--workspace, $ORM_DESKTOP_WORKSPACE)",
    "orm_desktop.desktop_entry": "the OS menu entry",
    "orm_desktop.deliveries.schedule": "the OS scheduler's job files (cron, systemd, launchd)",
    "orm_desktop.recovery": "copies of the editors' unsaved edits, files beside the workspace (never its database)",
    "orm_desktop.reports.isolated": "draws report data (from Service.report_data) in a child process, no workspace",
}
# Single names from domain modules the CLI and the GUI may use, and why: pure helpers for
# presentation and input validation, without a workspace.
FACADE_FREE_NAMES = {
    ("orm_desktop.reports.render", "to_pdf"): "draws report data (from Service.report_data) as PDF",
    ("orm_desktop.reports.render", "render_pdf"): "the same, in memory (written with its audit entry)",
    ("orm_desktop.reports.render", "check_output"): "a missing output folder, said before rendering",
    ("orm_desktop.reports.render", "print_pdf"): "sends a drawn PDF to a printer",
    ("orm_desktop.reports.render", "pdf_pages"): "a drawn PDF's pages as images (in the background, for the preview)",
    ("orm_desktop.reports.render", "draw_pages"): "those images on a printer or the print preview",
    ("orm_desktop.reports.render", "DPI"): "the resolution a report is printed at",
    ("orm_desktop.analysis.topics", "labels"): "topic display names",
    ("orm_desktop.analysis.rules", "Rule"): "the frozen dataclass a rule form builds",
    ("orm_desktop.ingest.query", "EntityQuery"): "parsing a query as the user types it; highlighting matches",
    ("orm_desktop.ingest.query", "validate_query"): "the same, as one message",
    ("orm_desktop.ingest.query", "term_pattern"): "highlighting a term as matching finds it (a Chinese name in unspaced text)",
    ("orm_desktop.ingest.opml", "read_opml"): "the onboarding wizard lists the shipped feeds.opml",
    ("orm_desktop.ingest.opml", "is_template"): "the same, marking search feeds",
    ("orm_desktop.responses.templates", "to_toml"): "shows a template as its TOML text",
    ("orm_desktop.responses.templates", "RESOURCES"): "the shipped topic list for a picker",
    ("orm_desktop.responses.diff", "apply_ops"): "replays a draft's edits for the history pane",
    ("orm_desktop.responses.diff", "unified"): "the same, as a diff",
    ("orm_desktop.evidence", "verify_export"): "checks an exported evidence zip against its manifest",
    ("orm_desktop.identity", "IdentityError"): "an error type",
    ("orm_desktop.identity", "PASSPHRASE_ENV"): "the name of the passphrase variable",
}


def facade_bypasses(source: str, module: str) -> list[str]:
    """Imports of ``source`` (the module ``module`` of cli/ or ui/) that reach a domain module
    around service.py, and any use of a database connection (``.conn``, ``.connect(``)."""
    tree = ast.parse(source)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against the module's package
                base = module.rsplit(".", node.level)[0]
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            for alias in node.names:
                full = f"{name}.{alias.name}"
                if not name.startswith("orm_desktop") or _allowed(name, alias.name, full):
                    continue
                found.append(f"line {node.lineno}: from {name} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("orm_desktop") and not _allowed(alias.name, None, alias.name):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append(f"line {node.lineno}: .conn")
        elif isinstance(node, ast.Attribute) and node.attr == "connect" and (
                isinstance(node.value, ast.Name) and node.value.id in ("ws", "db", "sqlite3", "psycopg")
                or isinstance(node.value, ast.Attribute) and node.value.attr == "ws"):
            found.append(f"line {node.lineno}: a database connection")
    return found


def _allowed(module: str, name: str | None, full: str) -> bool:
    if module.startswith(("orm_desktop.cli", "orm_desktop.ui")) or full.startswith(("orm_desktop.cli.",
                                                                                      "orm_desktop.ui.")):
        return True
    if full in FACADE_FREE_MODULES:  # from orm_desktop import workspace; import orm_desktop.errors
        return True
    if module in FACADE_FREE_MODULES and module != "orm_desktop":  # a name from an allowed module
        return True
    if module == "orm_desktop" and name == "__version__":
        return True
    return (module, name) in FACADE_FREE_NAMES


def test_the_facade_detector_sees_bypasses():  # the check below can fail
    assert facade_bypasses("from orm_desktop.analysis import rules", "orm_desktop.cli.x")
    assert facade_bypasses("from orm_desktop import bundle", "orm_desktop.cli.x")
    assert facade_bypasses("from orm_desktop import demo_setup", "orm_desktop.cli.x")
    assert facade_bypasses("from orm_desktop.store import responses as rstore", "orm_desktop.ui.x")
    assert facade_bypasses("import orm_desktop.evidence", "orm_desktop.cli.x")
    assert facade_bypasses("from orm_desktop.reports.render import record_export", "orm_desktop.ui.x")
    assert facade_bypasses("rows = svc.conn.execute('...')", "orm_desktop.ui.x")
    assert facade_bypasses("conn = ws.connect(readonly=True)", "orm_desktop.cli.x")
    assert not facade_bypasses("button.clicked.connect(self.save)", "orm_desktop.ui.x")
    assert not facade_bypasses("from orm_desktop import __version__\nfrom orm_desktop.errors import KnownError\n"
                               "from orm_desktop.reports.render import to_pdf\nfrom . import _common",
                               "orm_desktop.cli.x")


def test_cli_and_gui_reach_the_domain_only_through_the_service():
    offenders = {}
    for pkg in ("cli", "ui"):
        for path in (PKG / pkg).rglob("*.py"):
            module = ".".join(("orm_desktop", *path.relative_to(PKG).with_suffix("").parts))
            found = facade_bypasses(path.read_text(encoding="utf-8"), module)
            if found:
                offenders[str(path.relative_to(PKG))] = found
    assert offenders == {}, "call a Service method instead (orm_desktop/service.py):\n" + "\n".join(
        f"{k}: {v}" for k, v in offenders.items())
