"""An OS keyring stand-in for tests (the keyring is the outside world): a dict in memory, or a
JSON file named by $ORM_TEST_KEYRING_FILE so CLI subprocesses share it.
Select it with PYTHON_KEYRING_BACKEND=tests.memkeyring.TestKeyring."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class TestKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    _mem: dict[str, str] = {}

    def _load(self) -> dict[str, str]:
        f = os.environ.get("ORM_TEST_KEYRING_FILE")
        if f and Path(f).exists():
            return json.loads(Path(f).read_text())
        return dict(self._mem) if not f else {}

    def _save(self, data: dict[str, str]) -> None:
        f = os.environ.get("ORM_TEST_KEYRING_FILE")
        if f:
            Path(f).write_text(json.dumps(data))
        else:
            TestKeyring._mem = data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\0{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\0{username}"] = password
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        data = self._load()
        if data.pop(f"{service}\0{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(data)
