"""Build hook only (all metadata is in pyproject.toml): the repository keeps the shipped files in
``resources/`` beside the package and ``feeds.opml`` at the top; a built wheel carries them inside
the package as ``orm_desktop/resources/`` so an installed orm-desktop needs no checkout.
Editable installs skip the copy: ``orm_desktop.paths`` finds the checkout's ``resources/``."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class build_py_with_resources(build_py):  # noqa: N801 (setuptools command naming)
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "orm_desktop" / "resources"
        shutil.rmtree(target, ignore_errors=True)  # no stale files from an earlier build
        shutil.copytree(HERE / "resources", target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy2(HERE / "feeds.opml", target / "feeds.opml")


setup(cmdclass={"build_py": build_py_with_resources})
