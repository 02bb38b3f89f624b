"""The self-contained Linux bundle (packaging/build-linux.sh): its size, and process start to a
painted main window (`--smoke-test`, offscreen) compared with the same code run from the venv.
The bundle is copied outside the checkout and run with a clean environment (env -i: only PATH,
HOME, QT_QPA_PLATFORM), on the demo workspace; fresh process per run, median of --runs.

    packaging/build-linux.sh && python benchmarks/bundle.py [--runs 5] [--dist dist]
"""

from __future__ import annotations

import argparse
import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, table, write_json

PAINTED = b"smoke test: main window painted"


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def start_to_window(cmd: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """Seconds from exec to the smoke test's 'painted' line (stdout on a pty, so it is not held
    in a buffer), and to process exit."""
    master, slave = pty.openpty()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(slave)
    seen, painted = b"", None
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            raise RuntimeError(f"no output from {cmd[0]} in 60 s")
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the pty
            break
        if not chunk:
            break
        seen += chunk
        if painted is None and PAINTED in seen:
            painted = time.perf_counter() - t0
    proc.wait(60)
    os.close(master)
    if painted is None:
        raise RuntimeError(f"{cmd[0]} did not paint: {seen.decode(errors='replace')[-500:]}")
    return painted, time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--dist", type=Path, default=ROOT / "dist")
    a = p.parse_args()
    bundle = a.dist / "orm-desktop"
    archives = sorted(a.dist.glob("orm-desktop-*-linux-*.tar.gz"))
    if not (bundle / "orm-desktop").is_file():
        sys.exit(f"bundle.py: no bundle at {bundle}; run packaging/build-linux.sh first")
    with tempfile.TemporaryDirectory(prefix="orm-bundle-") as tmp:
        tmp = Path(tmp)
        copy = tmp / "orm-desktop"
        shutil.copytree(bundle, copy, symlinks=True)
        home = tmp / "home"
        home.mkdir()
        ws = tmp / "ws"
        clean = {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
        subprocess.run([str(copy / "orm-desktop"), "--workspace", str(ws), "init", "--demo"],
                       env=clean, cwd=home, check=True, capture_output=True)
        venv_env = {**clean, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
        variants = {
            "bundle (copy outside the checkout, env -i)": ([str(copy / "orm-desktop")], clean),
            "venv (python -m orm_desktop)": ([sys.executable, "-m", "orm_desktop"], venv_env),
        }
        results = {}
        for name, (cmd, env) in variants.items():
            start_to_window(cmd + ["--workspace", str(ws), "--smoke-test"], env, home)  # warm the page cache
            samples = [start_to_window(cmd + ["--workspace", str(ws), "--smoke-test"], env, home)
                       for _ in range(a.runs)]
            results[name] = {"start_to_window_s": statistics.median(s[0] for s in samples),
                             "start_to_exit_s": statistics.median(s[1] for s in samples),
                             "samples": samples}
    sizes = {"bundle_folder_mib": round(dir_size(bundle) / 2**20, 1),
             "bundle_files": sum(1 for f in bundle.rglob("*") if f.is_file()),
             "archive": archives[-1].name if archives else None,
             "archive_mib": round(archives[-1].stat().st_size / 2**20, 1) if archives else None}
    rows = [{"run": name, "start → painted window (ms)": round(r["start_to_window_s"] * 1000),
             "start → exit (ms)": round(r["start_to_exit_s"] * 1000)} for name, r in results.items()]
    print(f"bundle: {sizes['bundle_folder_mib']} MiB in {sizes['bundle_files']} files; "
          f"{sizes['archive']}: {sizes['archive_mib']} MiB; median of {a.runs} runs, demo workspace")
    print(table(rows, list(rows[0])))
    write_json("bundle", {"sizes": sizes, "results": results, "runs": a.runs})


if __name__ == "__main__":
    main()
