"""Responses: templates, filling, checks, the state machine, four-eyes, audit replay, conflicts."""

from __future__ import annotations

import json
import sqlite3

import pytest

from orm_desktop.errors import Conflict, UsageError, WorkflowError
from orm_desktop.responses import templates as tpl
from orm_desktop.responses import workflow as wf
from orm_desktop.responses.diff import apply_ops, diff_ops
from orm_desktop.store import audit, db
from orm_desktop.store import entities as entities_store
from orm_desktop.store import feeds as feeds_store
from orm_desktop.store import items as items_store
from orm_desktop.types import ParsedItem
from tests.conftest import act_as, user_key

pytestmark = pytest.mark.both_backends  # the service fixtures run on SQLite and PostgreSQL

NOW = 1_790_000_000


@pytest.fixture
def conn(empty_service):
    svc = empty_service
    svc.set_setting("brand_name", "Acme")
    svc.set_setting("contact", "care@acme.example")
    c = svc.conn
    with db.transaction(c):
        entities_store.add(c, "brand", "Acme", "Acme")
        entities_store.add(c, "executive", "Jane Doe", '"Jane Doe"', title="CEO")
    brand, exe = entities_store.by_name(c, "Acme"), entities_store.by_name(c, "Jane Doe")
    with db.transaction(c):
        fid, _ = feeds_store.upsert(c, "https://reviews.example/rss", title="ShopScore", kind="review")
        nid, _ = feeds_store.upsert(c, "https://news.example/rss", title="Daily", kind="news")
    def mention(n, entity, sentiment, *, feed=fid, kind="review", rating=None, title="Acme bike review",
                author="Pat"):
        item = ParsedItem(guid=f"g{n}", url=f"https://x.example/{n}", title=title, text="Acme text",
                          author=author, rating=rating)
        with db.transaction(c):
            iid = items_store.insert(c, feed, item, canonical_url=item.url, title_norm="", cluster_id=None,
                                     published=NOW, now=NOW)
            items_store.insert_mentions(c, [(iid, entity.id, NOW, kind, "snip", sentiment, sentiment, "t",
                                             "text", "[]", "customer_service", "", 50.0, NOW + 7200, NOW)])
        return c.execute("SELECT id FROM mentions WHERE item_id = ?", (iid,)).fetchone()[0]
    mention(1, brand, -0.7, rating=1.0)
    mention(2, brand, 0.8, rating=5.0)
    mention(3, exe, -0.4, feed=nid, kind="news", title="Jane Doe criticised")
    mention(4, brand, -0.6, rating=2.0, author="")
    wf.add_user(c, "alex", ("author",), key=user_key("alex"))
    wf.add_user(c, "sam", ("approver",), key=user_key("sam"))
    wf.add_user(c, "jane", ("executive",), executive="Jane Doe", key=user_key("jane"))
    wf.add_user(c, "robin", ("author", "approver"), key=user_key("robin"))
    act_as(c, "alex", "sam", "jane", "robin")
    return c


@pytest.fixture
def ids(conn):
    """Mention ids of the fixture's stories, by name."""
    names = {"g1": "bad_review", "g2": "good_review", "g3": "exec_news", "g4": "no_author"}
    rows = conn.execute("SELECT i.guid, m.id FROM mentions m JOIN items i ON i.id = m.item_id").fetchall()
    return {names[g]: mid for g, mid in rows}


def test_shipped_templates_parse_and_cover_the_required_set():
    ts = tpl.shipped_templates()
    for tid in ("complaint-acknowledgement", "complaint-follow-up", "service-failure-apology",
                "misinformation-correction", "review-reply-negative", "review-reply-mixed",
                "review-reply-positive", "thank-you-praise", "milestone-note", "executive-statement",
                "crisis-holding-statement", "competitor-news-reaction"):
        assert tid in ts
        assert ts[tid].text and ts[tid].title


def test_fill_highlights_missing_values_never_braces():
    text, missing = tpl.fill("Hi {author}, thanks from {brand}. {link}", {"brand": "Acme", "author": ""})
    assert text == "Hi ⟦author⟧, thanks from Acme. ⟦link⟧"
    assert missing == ["author", "link"]
    assert "{" not in text


def test_invalid_template_documents_are_refused_clearly():
    with pytest.raises(UsageError, match="not valid TOML"):
        tpl.parse_template("id = ", shipped=False)
    with pytest.raises(UsageError, match="unknown placeholders: nmae"):
        tpl.parse_template('id = "x1"\n[body]\ntext = "Hi {nmae}"', shipped=False)


def test_template_round_trips_through_toml():
    t = tpl.shipped_templates()["review-reply-negative"]
    again = tpl.parse_template(tpl.to_toml(t), shipped=True)
    assert again == t


def test_suggestions_fit_the_mention(conn, ids):
    best = wf.suggest(conn, ids["bad_review"])[0]
    assert best.template.id == "review-reply-negative"
    assert "Acme" in best.text and "care@acme.example" in best.text and "Pat" in best.text
    assert wf.suggest(conn, ids["good_review"])[0].template.id == "review-reply-positive"
    ids = [s.template.id for s in wf.suggest(conn, ids["exec_news"], limit=10)]
    assert "executive-statement" in ids
    assert "review-reply-negative" not in ids and "review-reply-positive" not in ids


def test_happy_path_and_mention_becomes_responded(conn, ids):
    r = wf.create_draft(conn, ids["bad_review"], author="alex")
    assert r.state == "draft" and r.template_id == "review-reply-negative"
    r = wf.transition(conn, r.id, "submit", by="alex")
    r = wf.transition(conn, r.id, "approve", by="sam")
    assert (r.state, r.approver) == ("approved", "sam")
    r = wf.transition(conn, r.id, "send", by="alex", channel="shopscore", url="https://reviews.example/r/1")
    assert r.state == "sent" and r.sent_channel == "shopscore"
    status = conn.execute("SELECT status FROM mentions WHERE id = ?", (ids["bad_review"],)).fetchone()[0]
    assert status == "responded"


@pytest.mark.parametrize("state_path, action", [
    ([], "approve"), ([], "send"), ([], "request_changes"),
    (["submit"], "submit"), (["submit"], "send"),
    (["submit", "approve"], "approve"), (["submit", "approve"], "submit"),
    (["submit", "approve", "send"], "discard"), (["submit", "approve", "send"], "approve"),
    (["discard"], "submit"), (["discard"], "discard"),
    (["submit", "request_changes"], "approve"), (["submit", "request_changes"], "send"),
])
def test_every_illegal_transition_is_refused_with_a_clear_message(conn, state_path, action, ids):
    r = wf.create_draft(conn, ids["bad_review"], author="alex")
    for step in state_path:
        wf.transition(conn, r.id, step, by="sam" if step in ("approve", "request_changes") else "alex",
                      comment="fix it", channel="web")
    before = wf.get(conn, r.id)
    with pytest.raises(WorkflowError, match=rf"cannot {action.replace('_', ' ')} response {r.id}: it is"):
        wf.transition(conn, r.id, action, by="sam" if action != "submit" else "alex", comment="c", channel="web")
    assert wf.get(conn, r.id) == before


def test_four_eyes_rule_and_workspace_exception(conn, empty_service, ids):
    r = wf.create_draft(conn, ids["bad_review"], author="robin")
    wf.transition(conn, r.id, "submit", by="robin")
    with pytest.raises(WorkflowError, match="four-eyes"):
        wf.transition(conn, r.id, "approve", by="robin")
    with pytest.raises(WorkflowError, match="not an approver"):
        wf.transition(conn, r.id, "approve", by="alex")
    empty_service.set_setting("allow_self_approval", True)
    assert wf.transition(conn, r.id, "approve", by="robin").state == "approved"


def test_drafts_in_an_executives_name_need_that_executive(conn, ids):
    r = wf.create_draft(conn, ids["exec_news"], author="alex", template_id="executive-statement")
    assert r.in_name_of is not None
    r = wf.edit(conn, r.id, r.text.replace("[Personal statement in the executive's voice.]", "I hear you."),
                by="alex", expected_version=r.version)
    wf.transition(conn, r.id, "submit", by="alex")
    with pytest.raises(WorkflowError, match="only that executive can approve"):
        wf.transition(conn, r.id, "approve", by="sam")
    assert wf.transition(conn, r.id, "approve", by="jane").state == "approved"


def test_submit_is_refused_while_checks_fail(conn, ids):
    r = wf.create_draft(conn, ids["no_author"], author="alex")
    assert "⟦author⟧" in r.text
    with pytest.raises(WorkflowError, match="fill in author"):
        wf.transition(conn, r.id, "submit", by="alex")
    r = wf.edit(conn, r.id, r.text.replace("⟦author⟧", "there") + " No comment.", by="alex",
                expected_version=r.version)
    with pytest.raises(WorkflowError, match="banned phrase"):
        wf.transition(conn, r.id, "submit", by="alex")
    r = wf.edit(conn, r.id, r.text.replace(" No comment.", ""), by="alex", expected_version=r.version)
    assert wf.transition(conn, r.id, "submit", by="alex").state == "in_review"


def test_too_long_for_the_channel_is_flagged(conn):
    r = wf.create_draft(conn, None, author="alex", text="x" * 300, channel="social")
    kinds = {f.kind for f in wf.check(conn, r)}
    assert "too_long" in kinds


def test_audit_trail_replays_to_the_final_text_and_records_everything(conn, ids):
    r = wf.create_draft(conn, ids["bad_review"], author="alex")
    r = wf.edit(conn, r.id, r.text + " We're here 24/7.", by="alex", expected_version=r.version)
    r = wf.transition(conn, r.id, "submit", by="alex")
    r = wf.transition(conn, r.id, "request_changes", by="sam", comment="warmer tone please")
    r = wf.edit(conn, r.id, "Dear Pat, " + r.text, by="alex", expected_version=r.version, comment="warmer")
    r = wf.transition(conn, r.id, "submit", by="alex")
    r = wf.transition(conn, r.id, "approve", by="sam")
    r = wf.edit(conn, r.id, r.text.replace("24/7", "every day"), by="sam", expected_version=r.version)
    assert r.state == "in_review"  # an edit after approval needs a new approval
    events = wf.history(conn, r.id)
    assert [e.action for e in events] == [
        "response.create", "response.edit", "response.submit", "response.request_changes",
        "response.edit", "response.submit", "response.approve", "response.edit"]
    assert events[3].data["comment"] == "warmer tone please" and events[3].actor == "sam"
    assert [(e.data.get("from"), e.data["to"]) for e in events[2:4]] == [
        ("draft", "in_review"), ("in_review", "changes_requested")]
    assert wf.replay(events) == wf.get(conn, r.id).text
    assert audit.verify(conn)[1] is None


def test_audit_log_is_append_only_and_tampering_is_located(conn, ids):
    r = wf.create_draft(conn, ids["bad_review"], author="alex")
    wf.transition(conn, r.id, "submit", by="alex")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET actor = 'mallory'")
    entries = audit.all_entries(conn)
    target = entries[-1].id
    # an attacker with the file (or a database superuser)
    conn.execute("DROP TRIGGER audit_log_no_update" + (" ON audit_log" if db.dialect(conn) == "postgresql" else ""))
    conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE id = ?", (target,))
    checked, broken, why = audit.verify(conn)
    assert broken == target and "altered" in why


def test_concurrent_edits_from_two_instances_never_lose_a_save(conn, empty_service, ids):
    from orm_desktop.service import Service

    r = wf.create_draft(conn, ids["bad_review"], author="alex")
    other = Service.open(empty_service.ws.location)  # a second app instance on the same workspace
    try:
        seen_by_a = wf.get(conn, r.id)
        seen_by_b = wf.get(other.conn, r.id)
        wf.edit(other.conn, r.id, seen_by_b.text + " (B)", by="sam", expected_version=seen_by_b.version)
        with pytest.raises(Conflict, match="changed by sam meanwhile"):
            wf.edit(conn, r.id, seen_by_a.text + " (A)", by="alex", expected_version=seen_by_a.version)
        assert wf.get(conn, r.id).text.endswith(" (B)")
    finally:
        other.close()


def test_diff_ops_round_trip():
    pairs = [("", "abc"), ("abc", ""), ("Hello world", "Hello brave new world!"), ("aaa", "aba")]
    for a, b in pairs:
        assert apply_ops(a, diff_ops(a, b)) == b


def test_unknown_user_and_roles(conn, ids):
    with pytest.raises(UsageError, match="no user 'ghost'"):
        wf.create_draft(conn, ids["bad_review"], author="ghost")
    with pytest.raises(UsageError, match="roles must be"):
        wf.add_user(conn, "x", ("boss",))
    with pytest.raises(WorkflowError, match="no author role"):
        wf.create_draft(conn, ids["bad_review"], author="sam")


def test_workspace_templates_add_edit_and_shipped_stay_read_only(conn, ids):
    shipped = tpl.shipped_templates()["review-reply-negative"]
    from dataclasses import replace

    with pytest.raises(UsageError, match="stays read-only"):
        wf.save_template(conn, tpl.to_toml(replace(shipped, text="Changed")), by="alex")
    mine = replace(shipped, id="review-reply-negative-warm", title="Warmer reply", text="Dear {author}, we are sorry.")
    wf.save_template(conn, tpl.to_toml(mine), by="alex")
    assert wf.templates(conn)["review-reply-negative-warm"].shipped is False
    assert wf.templates(conn)["review-reply-negative"].text == shipped.text  # the default is untouched
    r = wf.create_draft(conn, ids["bad_review"], author="alex", template_id="review-reply-negative-warm")
    assert r.text == "Dear Pat, we are sorry."
    wf.save_template(conn, tpl.to_toml(replace(mine, text="Dear {author}, sorry!")), by="alex")
    assert wf.templates(conn)["review-reply-negative-warm"].text == "Dear {author}, sorry!"
    wf.delete_template(conn, "review-reply-negative-warm", by="alex")
    assert "review-reply-negative-warm" not in wf.templates(conn)
    with pytest.raises(UsageError, match="cannot be deleted"):
        wf.delete_template(conn, "review-reply-negative", by="alex")
    actions = [e.action for e in audit.all_entries(conn) if e.subject_type == "template"]
    assert actions == ["template.save", "template.save", "template.delete"]


def test_templates_dialog_duplicates_and_saves(qtbot, conn, monkeypatch, empty_service):
    from orm_desktop.ui import responses_view
    from orm_desktop.ui.responses_view import TemplatesDialog

    dlg = TemplatesDialog(empty_service, "alex")
    qtbot.addWidget(dlg)
    first = dlg.current()
    assert first.shipped and dlg.editor.isReadOnly()
    monkeypatch.setattr(responses_view, "ask_text", lambda *a, **k: ("my-template", True))
    dlg.duplicate()
    assert dlg.current().id == "my-template" and not dlg.editor.isReadOnly()
    dlg.editor.setPlainText(dlg.editor.toPlainText().replace("(custom)", "(edited)"))
    dlg.save()
    assert wf.templates(conn)["my-template"].title.endswith("(edited)")


def test_approval_by_file_round_trip_and_refusals(conn, ids, tmp_path, run_cli):
    from orm_desktop.responses import approval_file as af

    r = wf.create_draft(conn, ids["exec_news"], author="alex", template_id="executive-statement")
    r = wf.edit(conn, r.id, r.text.replace("[Personal statement in the executive's voice.]", "I hear you."),
                by="alex", expected_version=r.version)
    r = wf.transition(conn, r.id, "submit", by="alex")
    req = tmp_path / "req.json"
    af.export_request(conn, r.id, req, by="alex")
    # on the executive's laptop: no workspace at all, only her key file and her passphrase
    (tmp_path / "jane.key").write_text(user_key("jane").blob)
    out = run_cli("approval", "decide", str(req), "--as", "jane", "--approve", "-m", "Good to go",
                  "--key", str(tmp_path / "jane.key"), env={"ORM_DESKTOP_PASSPHRASE": "demo-jane"})
    assert out.returncode == 0, out.stderr
    r = af.merge(conn, req, by="alex")
    assert (r.state, r.approver) == ("approved", "jane")
    actions = [e.action for e in wf.history(conn, r.id)]
    assert actions[-3:] == ["response.export_approval", "response.approve", "response.merge_approval"]
    assert "by approval file" in wf.history(conn, r.id)[-2].data["comment"]
    assert wf.replay(wf.history(conn, r.id)) == r.text

    # a stale request (the text changed after export) is refused
    r2 = wf.create_draft(conn, ids["exec_news"], author="alex", template_id="executive-statement")
    r2 = wf.edit(conn, r2.id, r2.text.replace("[Personal statement in the executive's voice.]", "Sorry."),
                 by="alex", expected_version=r2.version)
    wf.transition(conn, r2.id, "submit", by="alex")
    stale = tmp_path / "stale.json"
    af.export_request(conn, r2.id, stale, by="alex")
    af.decide(stale, actor="jane", approve=True, key=user_key("jane").private)
    wf.edit(conn, r2.id, wf.get(conn, r2.id).text + " Edited.", by="alex", expected_version=wf.get(conn, r2.id).version)
    with pytest.raises(WorkflowError, match="changed since the approval request"):
        af.merge(conn, stale, by="alex")
    # a tampered file is refused
    r3 = wf.get(conn, r2.id)
    fresh = tmp_path / "fresh.json"
    af.export_request(conn, r3.id, fresh, by="alex")
    af.decide(fresh, actor="jane", approve=True, key=user_key("jane").private)
    doc = json.loads(fresh.read_text())
    doc["response"]["text"] += " (sneaky)"
    fresh.write_text(json.dumps(doc))
    with pytest.raises(UsageError, match="altered"):
        af.merge(conn, fresh, by="alex")
    # the workspace's rules still apply to the decider
    other = tmp_path / "other.json"
    af.export_request(conn, r3.id, other, by="alex")
    af.decide(other, actor="sam", approve=True, key=user_key("sam").private)
    with pytest.raises(WorkflowError, match="only that executive can approve"):
        af.merge(conn, other, by="alex")
