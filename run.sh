#!/usr/bin/env bash
# ORM Desktop: one script for newcomers and CI.
#   ./run.sh [ARGS...]   install into .venv (first run, or when pyproject.toml changed), then
#                        launch `orm-desktop ARGS...` (no ARGS: the GUI, on the demo workspace
#                        when no workspace is configured yet)
#   ./run.sh test [PYTEST ARGS...]   install as above, then run the test suite
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

is_py312() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
    local c
    for c in "${ORM_PYTHON:-}" python3.14 python3.13 python3.12 python3 python; do
        [ -n "$c" ] || continue
        c=$(command -v "$c" 2>/dev/null) || continue
        if is_py312 "$c"; then echo "$c"; return 0; fi
    done
    # pyenv and uv keep interpreters off PATH; look in their homes (newest first)
    local roots=()
    command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root)/versions")
    roots+=("${PYENV_ROOT:-$HOME/.pyenv}/versions" "$HOME/.local/share/uv/python" /usr/local/bin /opt/python*)
    for c in $(for r in "${roots[@]}"; do ls -d "$r"/*3.1[2-9]*/bin/python3 "$r"/python3.1[2-9] 2>/dev/null; done | sort -rV); do
        if is_py312 "$c"; then echo "$c"; return 0; fi
    done
    return 1
}

ensure_venv() {
    local stamp=.venv/.installed
    if [ -x .venv/bin/python ] && is_py312 .venv/bin/python && [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ]; then
        return 0
    fi
    local py
    if ! py=$(find_python); then
        echo "run.sh: no Python >= 3.12 found (PATH, pyenv, uv). Install one, or set ORM_PYTHON=/path/to/python3.12." >&2
        echo "        (3.11 is not supported: PySide6 6.12 corrupts refcounts there; see docs/decisions.md)" >&2
        exit 2
    fi
    if [ ! -x .venv/bin/python ] || ! is_py312 .venv/bin/python; then
        echo "run.sh: creating .venv with $py ($("$py" -V 2>&1))" >&2
        rm -rf .venv
        "$py" -m venv .venv
    fi
    echo "run.sh: installing dependencies into .venv ..." >&2
    .venv/bin/python -m pip install --disable-pip-version-check -q --upgrade pip >&2
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".[dev]" >&2
    touch "$stamp"
}

ensure_venv
if [ "${1:-}" = "test" ]; then
    shift
    export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
    exec .venv/bin/python -m pytest "$@"
fi
exec .venv/bin/orm-desktop "$@"
