"""What every PyInstaller spec of ORM Desktop shares (Linux, Windows, macOS): the launcher, the
shipped files placed where orm_desktop.paths looks in an installed package
(orm_desktop/resources/), modules imported by name, data files of the sentiment libraries, and
the Qt modules we never use (smaller bundle). Imported by the .spec files beside it."""

from __future__ import annotations

import sys
from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
sys.path.insert(0, str(ROOT))

from orm_desktop import __version__  # noqa: E402, F401  (the one place the version lives; the specs use it)

NAME = "orm-desktop"
SCRIPT = str(PACKAGING / "launcher.py")
DATAS = [
    (str(ROOT / "resources"), "orm_desktop/resources"),
    (str(ROOT / "feeds.opml"), "orm_desktop/resources"),
    *collect_data_files("vaderSentiment"),
    *collect_data_files("textblob"),
    # issue 14: the language model and the German and French sentiment lexicons
    *collect_data_files("py3langid"),
    *collect_data_files("textblob_de"),
    *collect_data_files("textblob_fr"),
    # Unicode's confusables table (user names that pass for another, responses/workflow.py)
    *collect_data_files("confusable_homoglyphs"),
]
# CLI command modules and store migrations are imported by name
HIDDEN = collect_submodules("orm_desktop")
EXCLUDES = [
    "tkinter", "pytest", "hypothesis", "ruff", "pypdf", "setuptools", "pip",
    # numpy is no longer excluded: py3langid (language detection, issue 14) needs it
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
    "PySide6.Qt3DCore", "PySide6.QtMultimedia", "PySide6.QtBluetooth", "PySide6.QtPositioning",
    "PySide6.QtLocation", "PySide6.QtSensors", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtDataVisualization", "PySide6.QtGraphs",
]

# runtime hooks that run before our code and cost start-up time for nothing: nltk's imports
# nltk (and numpy) eagerly to add a data path; TextBlob's analyzer we use needs no nltk data,
# and textblob is imported lazily, only when that engine is chosen.
SKIP_RUNTIME_HOOKS = {"pyi_rth_nltk"}


def without_slow_runtime_hooks(scripts):
    """``Analysis.scripts`` minus :data:`SKIP_RUNTIME_HOOKS`."""
    return [s for s in scripts if s[0] not in SKIP_RUNTIME_HOOKS]

# Qt parts PySide6's hooks collect that the app never uses: the virtual keyboard input plugin
# drags in Qt Quick and QML (about 17 MiB); the PDF image-format plugin needs QtPdf (reports
# are written with QPdfWriter from QtGui). Matched case-insensitively for all three platforms.
UNUSED_QT = ("virtualkeyboard", "qt6quick", "qtquick", "qt6qml", "qtqml", "qt6pdf", "qtpdf", "qpdf")


def without_unused_qt(binaries):
    """``Analysis.binaries`` minus :data:`UNUSED_QT`."""
    return [b for b in binaries if not any(part in b[0].lower() for part in UNUSED_QT)]
