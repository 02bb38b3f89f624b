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
