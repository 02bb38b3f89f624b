"""A member cannot move a row's id to slip a change past the commit-time entry checks.

The deferred checks of store/postgres/roles.py (section 6b) look the changed row up by the id it
had after the change (``NEW.id``) and let it through when no row has that id any more ("deleted
later in the transaction"). Authors hold UPDATE on every column of ``mentions`` and ``alerts``,
``id`` included, so before: ``UPDATE alerts SET status = 'acknowledged', id = id + 10^12``, then
``UPDATE alerts SET id = id - 10^12`` committed an acknowledgement, an archived mention or an
override with no entry (the second UPDATE changes no checked column, so nothing checks it).

Real team database on 127.0.0.1:5432 (tests/team_scenario.py), raw psycopg connections as the logins.
"""

from __future__ import annotations

import pytest

from tests import team_scenario as ts
from tests.security.test_refused_leaves_no_entry import _alert, _last_entry
from tests.security.test_triage_and_drafts_need_entries import _mention

ts.skip_module_without_server()

psycopg = pytest.importorskip("psycopg")

AWAY = 10**12


@pytest.mark.parametrize("table, change", [
    ("alerts", "status = 'acknowledged'"),
    ("mentions", "status = 'archived', assignee = 'mallory'"),
    ("mentions", "override = 0.9, sentiment = 0.9"),
    ("mentions", "machine_sentiment = 0.9, sentiment = 0.9"),
])
def test_a_change_made_under_a_moved_id_is_refused(lab, table, change):
    rid = _alert(lab) if table == "alerts" else _mention(lab)
    owner, alice = lab.conns["owner"], lab.conns["alice"]
    before, last = owner.execute(f"SELECT * FROM {table} WHERE id = %s", (rid,)).fetchone(), _last_entry(lab)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="cannot change"), alice.transaction():
        alice.execute(f"UPDATE {table} SET {change}, id = id + {AWAY} WHERE id = %s", (rid,))
        alice.execute(f"UPDATE {table} SET id = id - {AWAY} WHERE id = %s", (rid + AWAY,))
    assert owner.execute(f"SELECT * FROM {table} WHERE id = %s", (rid,)).fetchone() == before
    assert _last_entry(lab) == last
