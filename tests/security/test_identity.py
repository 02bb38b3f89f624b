"""Issue 13, findings 1-4: identity and integrity. Each test is one attack as the issue tells it."""

from __future__ import annotations

import json
import sqlite3

import pytest

from orm_desktop import chain, identity
from orm_desktop.errors import WorkflowError
from orm_desktop.responses import approval_file as af
from orm_desktop.responses import workflow as wf
from orm_desktop.store import audit
from orm_desktop.types import MentionFilter
from tests.conftest import act_as
from tests.security._attack import drop_triggers, raw, rehash_from, workspace_priv, write_json

PASS = {"ORM_DESKTOP_PASSPHRASE": ""}


def key_of(svc, name: str):
    act_as(svc, name)
    from orm_desktop.store import identity as id_store

    return identity.SESSION.get(id_store.user_key(svc.conn, name).key_id)


def maya_draft(svc, text: str = "We were too slow, and I am sorry.") -> int:
    """A response in Maya's name, in review (written and submitted by alex)."""
    act_as(svc, "alex")
    m = svc.mentions(MentionFilter(entity_ids=(svc.entity("Maya Lindqvist").id,)), limit=1)[0]
    r = wf.create_draft(svc.conn, m.id, author="alex", template_id="executive-statement")
    r = wf.edit(svc.conn, r.id, text, by="alex", expected_version=r.version)
    return wf.transition(svc.conn, r.id, "submit", by="alex").id


def draft_in_review(svc) -> int:
    act_as(svc, "alex")
    m = svc.mentions(MentionFilter(entity_ids=(svc.entity("Velora").id,)), limit=1)[0]
    r = wf.create_draft(svc.conn, m.id, author="alex", template_id="complaint-acknowledgement",
                        text="Thank you, we are on it.")
    return wf.transition(svc.conn, r.id, "submit", by="alex").id


# -- 1. anyone can act as anyone --------------------------------------------------------------------
def test_1_cli_as_user_needs_the_users_passphrase(demo_service, run_cli):
    ws = demo_service.ws.root
    rid = draft_in_review(demo_service)
    demo_service.close()
    no = run_cli("responses", "approve", str(rid), "--as", "sam", workspace=ws, env=PASS)
    assert no.returncode == 2 and "passphrase" in no.stderr and "Traceback" not in no.stderr
    wrong = run_cli("responses", "approve", str(rid), "--as", "sam", workspace=ws,
                    env={"ORM_DESKTOP_PASSPHRASE": "demo-alex"})
    assert wrong.returncode == 2 and "wrong passphrase for sam" in wrong.stderr
    assert json.loads(run_cli("responses", "show", str(rid), "--json", workspace=ws).stdout)["state"] == "in_review"
    (ws / "pp").write_text("demo-sam\n")
    ok = run_cli("--passphrase-file", str(ws / "pp"), "responses", "approve", str(rid), "--as", "sam", workspace=ws,
                 env=PASS)
    assert ok.returncode == 0, ok.stderr
    assert run_cli("audit", "verify", workspace=ws).returncode == 0


def test_1_in_process_action_in_a_users_name_needs_the_unlocked_key(demo_service):
    rid = draft_in_review(demo_service)
    identity.SESSION.clear()  # nobody unlocked: the GUI before "Working as", a script without a passphrase
    with pytest.raises(identity.IdentityError, match="acting as sam needs sam's passphrase"):
        wf.transition(demo_service.conn, rid, "approve", by="sam")
    assert wf.get(demo_service.conn, rid).state == "in_review"
    with pytest.raises(identity.IdentityError, match="wrong passphrase"):
        demo_service.unlock("sam", "demo-alex")
    demo_service.unlock("sam", "demo-sam")
    assert wf.transition(demo_service.conn, rid, "approve", by="sam").state == "approved"


def test_1_key_file_is_useless_without_the_passphrase_and_bound_to_its_key(demo_service):
    from orm_desktop.store import identity as id_store

    blob = json.loads(id_store.user_key(demo_service.conn, "maya").private_key)
    assert "demo-maya" not in json.dumps(blob) and blob["kdf"] == "scrypt" and blob["n"] >= 2**15
    other = json.loads(id_store.user_key(demo_service.conn, "alex").private_key)
    blob["public_key"] = other["public_key"]  # move maya's encrypted key under alex's identity
    with pytest.raises(identity.IdentityError):
        identity.decrypt_private_key(json.dumps(blob), "demo-maya", who="maya")


# -- 2. forged approval ------------------------------------------------------------------------------
def test_2_decision_written_by_hand_with_recomputed_hash_is_refused(demo_service, tmp_path, run_cli):
    import hashlib

    svc = demo_service
    rid = maya_draft(svc)
    req = tmp_path / "req.json"
    af.export_request(svc.conn, rid, req, by="alex")
    doc = json.loads(req.read_text())
    forged = {"actor": "maya", "action": "approve", "comment": "", "at": 1, "text_sha256": doc["response"]["text_sha256"]}
    forged["decision_sha256"] = hashlib.sha256(json.dumps(forged, sort_keys=True).encode()).hexdigest()
    doc["decision"] = forged
    write_json(req, doc)
    svc.close()
    out = run_cli("responses", "merge-approval", str(req), workspace=svc.ws.root)
    assert out.returncode == 2 and "not signed" in out.stderr
    # signed, but with alex's own key in maya's name
    doc["decision"] = None
    write_json(req, doc)
    af.decide(req, actor="maya", approve=True, key=key_of(svc, "alex"))
    out = run_cli("responses", "merge-approval", str(req), workspace=svc.ws.root)
    assert out.returncode == 2 and "not signed by maya's registered key" in out.stderr
    assert json.loads(run_cli("responses", "show", str(rid), "--json", workspace=svc.ws.root).stdout)["state"] == "in_review"
    assert run_cli("audit", "verify", workspace=svc.ws.root).returncode == 0


def test_2_approval_decide_as_maya_needs_her_secret(demo_service, tmp_path, run_cli):
    svc = demo_service
    rid = maya_draft(svc)
    req = tmp_path / "req.json"
    af.export_request(svc.conn, rid, req, by="alex")
    before = req.read_text()
    svc.close()
    for env in (PASS, {"ORM_DESKTOP_PASSPHRASE": "demo-alex"}):  # no secret; alex's secret
        out = run_cli("approval", "decide", str(req), "--as", "maya", "--approve", workspace=svc.ws.root, env=env)
        assert out.returncode == 2 and "passphrase" in out.stderr
        assert req.read_text() == before
    out = run_cli("approval", "decide", str(req), "--as", "maya", "--approve", workspace=svc.ws.root,
                  env={"ORM_DESKTOP_PASSPHRASE": "demo-maya"})
    assert out.returncode == 0, out.stderr
    out = run_cli("responses", "merge-approval", str(req), "--as", "alex", workspace=svc.ws.root,
                  env={"ORM_DESKTOP_PASSPHRASE": "demo-alex"})
    assert out.returncode == 0, out.stderr
    assert json.loads(run_cli("responses", "show", str(rid), "--json", workspace=svc.ws.root).stdout)["approver"] == "maya"
    v = run_cli("audit", "verify", workspace=svc.ws.root)
    assert v.returncode == 0 and "signatures verified" in v.stdout


@pytest.mark.parametrize("action", ["response.approve", "response.send"])
def test_2_entry_in_a_users_name_written_into_the_database_fails_verify(demo_service, action):
    """The author, holding the file and the workspace key, appends "approved by maya" (or a send
    mark by sam) behind the app's back, hashed and signed as well as he can."""
    svc = demo_service
    rid = maya_draft(svc)
    conn = raw(svc.ws.root)
    drop_triggers(conn)
    priv = workspace_priv(svc.ws.root)
    kid = identity.key_id_of(identity.public_b64(priv))
    prev = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    data = json.dumps({"from": "in_review", "to": "approved", "comment": ""}, separators=(",", ":"), sort_keys=True)
    actor = "maya" if action == "response.approve" else "sam"
    h = chain.entry_hash(prev, 1, actor, action, "response", rid, data, kid)
    conn.execute("INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig) "
                 "VALUES (1, ?, ?, 'response', ?, ?, ?, ?, ?, ?)", (actor, action, rid, data, prev, h, kid,
                                                                  chain.sign_entry(priv, h)))
    checked, broken, why = audit.verify(svc.conn)
    assert broken is not None and f"in the name of {actor} without {actor}'s signature" in why


# -- 3. replay ---------------------------------------------------------------------------------------
def test_3_approval_of_one_response_replayed_onto_another_with_the_same_text_is_refused(demo_service, tmp_path):
    svc = demo_service
    r4, r5 = maya_draft(svc), maya_draft(svc)  # same text, both waiting for maya
    f4, f5 = tmp_path / "r4.json", tmp_path / "r5.json"
    af.export_request(svc.conn, r4, f4, by="alex")
    af.export_request(svc.conn, r5, f5, by="alex")
    af.decide(f4, actor="maya", approve=True, key=key_of(svc, "maya"))
    identity.SESSION.clear()
    act_as(svc, "alex")
    # a: the decision moved into response 5's request file
    d5 = json.loads(f5.read_text())
    d5["decision"] = json.loads(f4.read_text())["decision"]
    write_json(f5, d5)
    with pytest.raises(WorkflowError, match="replayed"):
        af.merge(svc.conn, f5, by="alex")
    # b: response 4's file with its response id changed to 5 (same text, same hash)
    d4 = json.loads(f4.read_text())
    d4["response"]["id"] = r5
    write_json(tmp_path / "r4as5.json", d4)
    with pytest.raises(WorkflowError, match="replayed"):
        af.merge(svc.conn, tmp_path / "r4as5.json", by="alex")
    assert wf.get(svc.conn, r5).state == "in_review"
    # c: the genuine decision merges once, never twice
    assert af.merge(svc.conn, f4, by="alex").state == "approved"
    with pytest.raises(WorkflowError, match="already merged"):
        af.merge(svc.conn, f4, by="alex")
    assert audit.verify(svc.conn)[1] is None


def test_3_signed_approval_entry_copied_onto_another_response_fails_verify(demo_service, tmp_path):
    svc = demo_service
    r4, r5 = maya_draft(svc), maya_draft(svc)
    f4 = tmp_path / "r4.json"
    af.export_request(svc.conn, r4, f4, by="alex")
    af.decide(f4, actor="maya", approve=True, key=key_of(svc, "maya"))
    af.merge(svc.conn, f4, by="cli")  # merged by the command line: the entry is signed by the workspace key
    conn = raw(svc.ws.root)
    drop_triggers(conn)
    row = conn.execute("SELECT id FROM audit_log WHERE action = 'response.approve' AND subject_id = ?", (r4,)).fetchone()
    conn.execute("UPDATE audit_log SET subject_id = ? WHERE id = ?", (r5, row[0]))
    rehash_from(conn, row[0], resign_with=workspace_priv(svc.ws.root))
    checked, broken, why = audit.verify(svc.conn)
    assert broken == row[0] and "another response or action (replayed)" in why


# -- 4. audit rewrite --------------------------------------------------------------------------------
def test_4_newest_three_rows_deleted_with_triggers_dropped_is_caught(demo_service, run_cli):
    ws = demo_service.ws.root
    draft_in_review(demo_service)
    demo_service.close()
    conn = raw(ws)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)")
    conn.close()
    out = run_cli("audit", "verify", workspace=ws)
    assert out.returncode == 1 and "truncated" in out.stdout
    # the attacker also replaces the checkpoint beside the workspace (he has the workspace key):
    # any checkpoint that left the folder earlier still catches it
    saved = ws.parent / "kept-elsewhere.json"
    saved.write_text((ws / audit.CHECKPOINT_FILE).read_text())
    from orm_desktop.service import Service

    svc = Service.open(ws)
    audit.write_checkpoint(svc.conn)
    svc.close()
    assert run_cli("audit", "verify", workspace=ws).returncode == 0  # fooled locally ...
    out = run_cli("audit", "verify", "--checkpoint", str(saved), workspace=ws)
    assert out.returncode == 1 and "truncated" in out.stdout  # ... not against a checkpoint kept elsewhere


def test_4_rehashed_chain_with_another_approver_is_caught(demo_service, tmp_path):
    svc = demo_service
    rid = draft_in_review(svc)
    act_as(svc, "sam")
    wf.transition(svc.conn, rid, "approve", by="sam")
    conn = raw(svc.ws.root)
    drop_triggers(conn)
    row = conn.execute("SELECT id FROM audit_log WHERE action = 'response.approve' AND subject_id = ?", (rid,)).fetchone()
    conn.execute("UPDATE audit_log SET actor = 'alex' WHERE id = ?", (row[0],))
    conn.execute("UPDATE responses SET approver = 'alex' WHERE id = ?", (rid,))
    rehash_from(conn, 1, resign_with=workspace_priv(svc.ws.root))  # the unkeyed attack: links all good
    checked, broken, why = audit.verify(svc.conn)
    assert broken == row[0] and "signature" in why
    # even rebuilt from scratch with a key he made for everyone, it contradicts every checkpoint
    rep = chain.verify_chain([chain.Row(*r) for r in conn.execute(
        "SELECT id, at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig FROM audit_log "
        "ORDER BY id")])
    assert not rep.ok


def test_4_check_notices_missing_protecting_triggers(demo_service, run_cli):
    ws = demo_service.ws.root
    demo_service.close()
    assert run_cli("check", workspace=ws).returncode == 0
    conn = raw(ws)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.close()
    out = run_cli("check", workspace=ws)
    assert out.returncode == 1 and "audit_log_no_delete" in out.stdout


@pytest.mark.parametrize("attack", ["edited", "rehashed", "truncated", "no_checkpoint", "fabricated"])
def test_4_import_bundle_refuses_a_broken_or_fabricated_chain(demo_service, tmp_path, attack):
    from orm_desktop.bundle import export_bundle, import_bundle
    from orm_desktop.errors import UsageError
    from orm_desktop.service import Service

    empty_service = Service.create(tmp_path / "new")

    path = tmp_path / "b.json"
    export_bundle(demo_service, path, by="cli")
    doc = json.loads(path.read_text())
    entries = doc["audit"]
    approve = next(e for e in entries if e["action"] == "response.approve")
    if attack == "edited":
        approve["actor"] = "alex"
    elif attack == "rehashed":
        approve["actor"] = "alex"
        prev = chain.GENESIS
        for e in entries:
            e["prev_hash"] = prev
            e["hash"] = prev = chain.entry_hash(prev, e["at"], e["actor"], e["action"], e["subject_type"],
                                                e["subject_id"], json.dumps(e["data"], sort_keys=True,
                                                                            separators=(",", ":"), ensure_ascii=False),
                                                e["key_id"])
    elif attack == "truncated":
        del entries[-3:]
    elif attack == "no_checkpoint":
        del doc["checkpoint"]
    elif attack == "fabricated":  # an unsigned chain, hashes recomputed the old way
        prev = chain.GENESIS
        for e in entries:
            e["key_id"] = e["sig"] = None
            e["prev_hash"] = prev
            e["hash"] = prev = chain.entry_hash(prev, e["at"], e["actor"], e["action"], e["subject_type"],
                                                e["subject_id"], json.dumps(e["data"], sort_keys=True,
                                                                            separators=(",", ":"), ensure_ascii=False))
    write_json(path, doc)
    with pytest.raises(UsageError, match="refused"):
        import_bundle(empty_service, path, by="cli")
    assert empty_service.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    empty_service.close()


def test_4_genuine_bundle_imports_and_its_users_can_still_sign(demo_service, tmp_path):
    from orm_desktop.bundle import export_bundle, import_bundle
    from orm_desktop.service import Service

    empty_service = Service.create(tmp_path / "new")

    path = tmp_path / "b.json"
    export_bundle(demo_service, path, by="cli")
    import_bundle(empty_service, path, by="cli")
    rep, problems = audit.verify_full(empty_service.conn, [("bundle", audit.read_checkpoint(path))])
    assert rep.ok and not problems
    act_as(empty_service, "alex")  # alex's key came along, under his passphrase
    assert empty_service.needs_unlock("sam") and not empty_service.needs_unlock("alex")
    empty_service.close()


# -- migration of an existing workspace ----------------------------------------------------------------
def test_existing_workspace_keeps_its_unsigned_entries_as_legacy(tmp_path, run_cli):
    from orm_desktop.store import db
    from orm_desktop.store.migrations.m001_foundation import _split  # noqa: F401 - migrations importable

    root = tmp_path / "old"
    root.mkdir()
    path = root / "orm.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id={db.APPLICATION_ID}")
    before_signing = next(v for v, name, _ in db._migrations() if name == "identity") - 1
    for version, _name, apply in db._migrations():
        if version <= before_signing:
            apply(conn)
            conn.execute(f"PRAGMA user_version={version}")
    prev = chain.GENESIS
    for i in range(3):  # entries as the previous release wrote them
        h = chain.entry_hash(prev, 100 + i, "ana", "mention.override", "mention", i, "{}")
        conn.execute("INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash) "
                     "VALUES (?, 'ana', 'mention.override', 'mention', ?, '{}', ?, ?)", (100 + i, i, prev, h))
        prev = h
    conn.execute("INSERT INTO users (name, display_name, roles, created) VALUES ('sam', 'Sam', 'approver', 1)")
    conn.close()
    out = run_cli("audit", "verify", workspace=root)
    assert out.returncode == 0 and "3 entries predate signing (legacy): verified by hash only" in out.stdout
    # an existing user cannot act before getting a key; then can
    out = run_cli("crisis", "status", workspace=root)
    r = run_cli("users", "keygen", "sam", workspace=root, env={"ORM_DESKTOP_PASSPHRASE": "sams-new-secret"})
    assert r.returncode == 0, r.stderr
    out = run_cli("audit", "verify", workspace=root)
    assert out.returncode == 0, out.stdout
    # an unsigned entry slipped in after signing began is caught
    conn = sqlite3.connect(path, isolation_level=None)
    last = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    h = chain.entry_hash(last, 200, "sam", "response.approve", "response", 1, "{}")
    conn.execute("INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash) "
                 "VALUES (200, 'sam', 'response.approve', 'response', 1, '{}', ?, ?)", (last, h))
    conn.close()
    out = run_cli("audit", "verify", workspace=root)
    assert out.returncode == 1 and "unsigned although signing had begun" in out.stdout


def test_4_report_footer_checkpoint_catches_a_later_truncation(demo_service, run_cli, tmp_path):
    import re
    import unicodedata

    from pypdf import PdfReader

    ws = demo_service.ws.root
    demo_service.close()
    out = tmp_path / "week.pdf"
    assert run_cli("report", "--kind", "weekly", "--out", str(out), workspace=ws).returncode == 0
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", PdfReader(out).pages[-1].extract_text()))  # "ﬀ" ligatures
    head = re.search(r"Auditcheckpoint(\d+:[0-9a-f]{64})", text).group(1)
    r = run_cli("audit", "verify", "--head", head, workspace=ws)
    assert r.returncode == 0 and "1 printed head(s) matched" in r.stdout  # it went unsaid
    conn = raw(ws)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)")
    conn.close()
    (ws / audit.CHECKPOINT_FILE).unlink()  # and the checkpoint beside the workspace is gone too
    r = run_cli("audit", "verify", "--head", head, workspace=ws)
    assert r.returncode == 1 and "truncated" in r.stdout


def test_1_own_key_swapped_into_maya_s_row_is_caught_by_verify(demo_service):
    """The author replaces maya's stored key with one he made (triggers dropped) and unlocks it with
    his own passphrase: the app refuses to sign with it, and an entry signed with it fails verify."""
    from orm_desktop.store import identity as id_store

    svc = demo_service
    rid = maya_draft(svc)
    mine = identity.create_key("alex-made-this", kdf_n=2**10)
    conn = raw(svc.ws.root)
    drop_triggers(conn)
    conn.execute("UPDATE user_keys SET key_id = ?, public_key = ?, private_key = ? WHERE name = 'maya'",
                 (mine.key_id, mine.public_key, mine.blob))
    svc.unlock("maya", "alex-made-this")
    assert id_store.user_key(svc.conn, "maya").key_id == mine.key_id
    with pytest.raises(identity.IdentityError, match="not the one the audit log registered for maya"):
        wf.transition(svc.conn, rid, "approve", by="maya")
    assert wf.get(svc.conn, rid).state == "in_review"
    # and written behind the app's back, signed with that key, the log names it
    prev = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    h = chain.entry_hash(prev, 1, "maya", "response.approve", "response", rid, "{}", mine.key_id)
    conn.execute("INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, "
                 "sig) VALUES (1, 'maya', 'response.approve', 'response', ?, '{}', ?, ?, ?, ?)",
                 (rid, prev, h, mine.key_id, chain.sign_entry(mine.private, h)))
    checked, broken, why = audit.verify(svc.conn)
    assert broken is not None and "never registered" in why


def test_4_checkpoints_in_backups_and_approval_files_catch_a_rewrite_the_local_file_hides(demo_service, tmp_path,
                                                                                         run_cli):
    from orm_desktop.backup import backup

    svc = demo_service
    rid = maya_draft(svc)
    req = tmp_path / "req.json"
    af.export_request(svc.conn, rid, req, by="alex")  # carries a checkpoint: it went to maya
    backup(svc.ws)  # and a backup, with its checkpoint beside it
    ws = svc.ws.root
    svc.close()
    conn = raw(ws)
    drop_triggers(conn)
    conn.execute("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT 3)")
    conn.close()
    from orm_desktop.service import Service

    again = Service.open(ws)
    audit.write_checkpoint(again.conn)  # the attacker re-signs the checkpoint beside the workspace
    again.close()
    out = run_cli("audit", "verify", workspace=ws)
    assert out.returncode == 1 and "truncated" in out.stdout and "backups" in out.stdout  # the backup's checkpoint
    for cp in ws.joinpath("backups").glob("*.checkpoint.json"):
        cp.unlink()  # he deletes those too: the approval file maya holds still catches it
    assert run_cli("audit", "verify", workspace=ws).returncode == 0
    out = run_cli("audit", "verify", "--checkpoint", str(req), workspace=ws)
    assert out.returncode == 1 and "truncated" in out.stdout


def _json_values():
    from hypothesis import strategies as st

    return st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.text(max_size=20),
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                     max_size=4), max_leaves=12)


def test_4_bundle_audit_verification_never_crashes_on_malformed_entries(tmp_path):
    """Fuzzed audit arrays and checkpoints: a one-line refusal (UsageError) or acceptance, never a traceback."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from orm_desktop.bundle import verify_bundle_audit
    from orm_desktop.errors import UsageError

    fields = ["id", "at", "actor", "action", "subject_type", "subject_id", "data", "prev_hash", "hash", "key_id", "sig"]
    entry = st.fixed_dictionaries({}, optional={f: _json_values() for f in fields})

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(entry | _json_values(), max_size=4), _json_values(), _json_values())
    def run(entries, checkpoint, users):
        try:
            verify_bundle_audit({"audit": entries, "checkpoint": checkpoint, "users": users}, tmp_path / "b.json")
        except UsageError:
            pass

    run()
