#!/usr/bin/env bash
# Build the self-contained Linux bundle: dist/orm-desktop/ (run dist/orm-desktop/orm-desktop),
# plus dist/orm-desktop-VERSION-linux-ARCH.tar.gz. Needs the `bundle` extra (PyInstaller):
#   .venv/bin/pip install -e ".[bundle]"   (or: pip install pyinstaller)
#   packaging/build-linux.sh
# Then, on the target machine: tar xzf orm-desktop-*.tar.gz && orm-desktop/orm-desktop desktop install
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
py=${ORM_PYTHON:-.venv/bin/python}
[ -x "$py" ] || py=python3
if ! "$py" -c "import PyInstaller" 2>/dev/null; then
    echo "build-linux.sh: PyInstaller is missing: $py -m pip install pyinstaller (or the 'bundle' extra)" >&2
    exit 2
fi
version=$("$py" -c "import sys; sys.path.insert(0, '.'); import orm_desktop; print(orm_desktop.__version__)")
start=$(date +%s)
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller packaging/orm-desktop-linux.spec
# prove it runs with no Python and no venv: a copy outside the checkout, an empty environment
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
cp -a dist/orm-desktop "$check/"
mkdir "$check/home"
(cd "$check/home" && env -i PATH=/usr/bin:/bin HOME="$check/home" QT_QPA_PLATFORM=offscreen \
    "$check/orm-desktop/orm-desktop" --smoke-test 2>/dev/null) | grep "smoke test: main window painted"
archive="dist/orm-desktop-$version-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" orm-desktop
echo "built dist/orm-desktop/ ($(du -sh dist/orm-desktop | cut -f1)) and $archive ($(du -h "$archive" | cut -f1)) in $(( $(date +%s) - start )) s"
