"""A private, throw-away PostgreSQL cluster that asks for passwords (SCRAM), for the login tests.

The shared server on 127.0.0.1:5432 uses trust authentication and must not be reconfigured, so
tests of password prompts and the keyring start their own cluster from the same binaries: initdb
into a temporary folder (owned by the ``postgres`` OS user when run as root), pg_hba.conf with
``scram-sha-256`` on 127.0.0.1, a free port, stopped and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN = Path(os.environ.get("ORM_TEST_PGBIN", "/usr/lib/postgresql/15/bin"))
SUPERPASS = "cluster-superuser-pw"


def available() -> str | None:
    """None when a private cluster can be started here, else a one-line reason."""
    if not (BIN / "initdb").exists():
        return f"no PostgreSQL binaries in {BIN} (set ORM_TEST_PGBIN)"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres OS user to run the server"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="orm_pgcluster_"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.started = False

    def _run(self, *cmd: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + list(cmd), check=True, capture_output=True, timeout=120)

    def start(self, hba: str = "host all all 127.0.0.1/32 scram-sha-256\n",
              conf: str = "", files: dict[str, bytes] | None = None) -> Cluster:
        """initdb, then ``files`` (e.g. server.crt, server.key) into the data folder, then start."""
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        pwfile = self.dir / "pw"
        pwfile.write_text(SUPERPASS + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--pwfile", str(pwfile),
                  "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync")
        (self.data / "pg_hba.conf").write_text("local all all trust\n" + hba)
        for name, data in (files or {}).items():
            path = self.data / name
            path.write_bytes(data)
            path.chmod(0o600)
            if os.geteuid() == 0:
                shutil.chown(path, "postgres", "postgres")
        with (self.data / "postgresql.conf").open("a") as f:
            f.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                    "fsync = off\nshared_buffers = 16MB\nmax_connections = 20\n" + conf)
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "start")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            try:
                self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                pass
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def superuser(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=SUPERPASS,
                               dbname=dbname, autocommit=True)
