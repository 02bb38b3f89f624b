"""A new user cannot take a name that reads as an existing user's, whatever the script.

The audit log, approval files and user lists show names: a second identity that reads as "aya"
passes for her. Mixed words ("m" + Cyrillic "а" + "ya") were refused already; a name written
entirely in Cyrillic (or Greek) letters that look Latin was not ("Ауа" is three Cyrillic letters,
one script, so not "mixed"), nor ASCII ones Unicode lists as confusable ("a1ice", "rnaya"). Now
a name or display name whose UTS #39 skeleton (Unicode's confusables table, as
confusable-homoglyphs ships it) equals an existing user's name or display name is refused, in
every place users are added: `users add` (CLI), the GUI's "Add a user…", `team add-user`, and a
display-name change. Genuine names in other scripts that look like nobody's stay allowed.

Real parts: a real SQLite workspace, the real CLI in a subprocess, the real dialog offscreen, a
real team database on 127.0.0.1:5432 (tests/team_scenario.py).
"""

from __future__ import annotations

import pytest

from orm_desktop.errors import KnownError, UsageError

# (existing user, display name or "", a new name that reads the same) -- none of these new names
# mixes scripts in a word, so only the skeleton catches them
LOOKALIKES = [
    ("aya", "", "\u0410\u0443\u0430"),  # "Ауа": Cyrillic A, u, a
    ("coco", "", "\u0441\u043e\u0441\u043e"),  # "сосо": all Cyrillic
    ("anna", "", "\u0391\u039d\u039d\u0391"),  # "ΑΝΝΑ": all Greek capitals
    ("maya", "", "\u041c\u0410\u0423\u0410"),  # "МАУА": Cyrillic capitals
    ("alice", "", "a1ice"),  # digit one for l
    ("maya", "", "rnaya"),  # r n for m
    ("jo", "Aya Tanaka", "\u0410\u0443\u0430 Tanaka"),  # another user's display name, Cyrillic first word
]

GENUINE = ["\u0418\u0432\u0430\u043d \u041f\u0435\u0442\u0440\u043e\u0432",  # Иван Петров
           "\u7530\u4e2d \u611b\u5b50",  # 田中 愛子
           "\u0395\u03bb\u03ad\u03bd\u03b7"]  # Ελένη


@pytest.fixture
def svc(tmp_path):
    from orm_desktop.service import Service

    s = Service.create(tmp_path / "ws")
    yield s
    s.close()


@pytest.mark.parametrize(("existing", "shown", "new"), LOOKALIKES)
def test_a_name_that_reads_as_an_existing_users_is_refused(svc, existing, shown, new):
    svc.add_user(existing, ["approver"], display_name=shown)
    with pytest.raises(UsageError, match=f"would pass for the user '{existing}'") as err:
        svc.add_user(new, ["approver"])
    assert "\n" not in str(err.value)
    with pytest.raises(UsageError, match="would pass for"):  # as a display name too
        svc.add_user("newcomer", ["author"], display_name=new)
    assert [u.name for u in svc.users()] == [existing]


def test_genuine_names_in_other_scripts_stay_allowed(svc):
    svc.add_user("ivan", ["author"], display_name="Ivan Petrov")  # a Latin twin does not look Cyrillic
    svc.add_user("aiko", ["author"], display_name="Aiko Tanaka")
    for i, name in enumerate(GENUINE):
        svc.add_user(name, ["author"], display_name=name)
        svc.add_user(f"user{i}", ["author"], display_name=name + " Jr")
    assert len(svc.users()) == 2 + 2 * len(GENUINE)


def test_a_display_name_change_cannot_take_another_users_name(svc):
    svc.add_user("aya", ["approver"], display_name="Aya Tanaka")
    svc.add_user("sam", ["author"])
    with pytest.raises(UsageError, match="would pass for the user 'aya'"):
        svc.set_display_name("sam", "\u0410\u0443\u0430 Tanaka")
    assert svc.set_display_name("aya", "\u0410\u044f").display_name == "\u0410\u044f"  # her own: fine


def test_the_cli_says_it_in_one_line_before_asking_for_a_passphrase(run_cli, tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("init", workspace=ws).returncode == 0
    env = {"ORM_DESKTOP_PASSPHRASE": "a long passphrase"}
    assert run_cli("users", "add", "aya", "--role", "approver", workspace=ws, env=env).returncode == 0
    r = run_cli("users", "add", "\u0410\u0443\u0430", "--role", "approver", workspace=ws, input="")  # no passphrase
    assert r.returncode != 0 and "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "would pass for the user 'aya'" in lines[0], r.stderr


def test_the_add_a_user_dialog_shows_the_refusal(qtbot, svc):
    from orm_desktop.ui.identity import AddUserDialog
    from orm_desktop.ui.tasks import TaskRunner

    svc.add_user("alice", ["author"])
    runner = TaskRunner()
    dlg = AddUserDialog(svc, runner)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name.setText("a1ice")
    dlg.passphrase.setText("a long passphrase")
    dlg.again.setText("a long passphrase")
    dlg.create()
    qtbot.waitUntil(lambda: "would pass for" in dlg.error.text(), timeout=10000)
    assert dlg.added == "" and [u.name for u in svc.users()] == ["alice"]


def test_a_team_admin_cannot_add_a_login_that_reads_as_a_member(team_lab):
    """`team add-user` (TeamAdmin.add_user): a login "a1ice" beside "alice", or a display name
    that reads as a member's, is refused before the database is asked; an existing login joining
    another group is not a new name and still works."""
    from orm_desktop.team import TeamAdmin
    from tests import team_scenario as ts

    lab = team_lab
    with TeamAdmin(ts.url(lab.login("ada"), lab.db)) as admin:
        before = admin.conn.execute("SELECT count(*) FROM users").fetchone()[0]
        with pytest.raises(KnownError, match=f"would pass for the user '{lab.login('alice')}'"):
            admin.add_user(lab.login("a1ice"), "author", ts.PASSWORD)
        assert admin.add_user(lab.login("zoe"), "author", ts.PASSWORD, display_name="Aya Tanaka") == "created"
        before += 1
        with pytest.raises(KnownError, match=rf"would pass for the user '{lab.login('zoe')}' \(shown as"):
            admin.add_user(lab.login("zed"), "author", ts.PASSWORD, display_name="\u0410\u0443\u0430 Tanaka")
        assert admin.conn.execute("SELECT count(*) FROM users").fetchone()[0] == before
        assert admin.add_user(lab.login("alice"), "approver", None) == "granted"
        assert admin.add_user(lab.login("ivan"), "author", ts.PASSWORD,
                              display_name=GENUINE[0]) == "created"
