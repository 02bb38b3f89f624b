"""The facade is the one place that says whether a change is allowed and who makes it."""

from __future__ import annotations

import pytest

from orm_desktop.errors import ReadOnlyWorkspace
from orm_desktop.types import MentionFilter


def test_executive_mode_is_refused_by_the_service_not_only_by_widgets(demo_service):
    svc = demo_service
    m = svc.mentions(MentionFilter(), limit=1)[0]
    rule = svc.rules()[0] if svc.rules() else None
    svc.set_executive_mode(True)
    refused = [
        lambda: svc.set_status([m.id], "archived"),
        lambda: svc.override_sentiment([m.id], 0.5),
        lambda: svc.add_entity("competitor", "Nobody Inc"),
        lambda: svc.change_setting("brand_name", "Other"),
        lambda: svc.crisis_on(svc.entities()[0].name),
        lambda: svc.create_draft(m.id, author="alex"),
        lambda: svc.delete_template("any"),
    ] + ([lambda: svc.delete_rule(rule.id)] if rule else [])
    for change in refused:
        with pytest.raises(ReadOnlyWorkspace, match="executive mode is read-only"):
            change()
    assert svc.mention(m.id).mention.status == m.status  # nothing changed
    assert svc.count_mentions() > 0 and svc.report_data("weekly").title  # reading goes on
    assert svc.read_only_reason(user_action=False) == ""  # refreshes and deliveries go on
    svc.set_executive_mode(False)
    assert svc.set_status([m.id], "archived") == 1


def test_the_acting_user_is_set_once_and_signs_what_follows(demo_service):
    from tests.conftest import passphrase_of

    svc = demo_service
    m = svc.mentions(MentionFilter(), limit=1)[0]
    svc.act_as("alex", lambda: passphrase_of("alex"))
    assert svc.acting_user == "alex"
    svc.override_sentiment([m.id], -0.4)
    assert svc.mention(m.id).override_by == "alex"
    entry = [e for e in svc.audit_entries() if e.action == "mention.override"][-1]
    assert entry.actor == "alex" and entry.key_id  # signed with alex's key


def test_gui_executive_mode_reaches_the_service(window, qtbot):
    window.exec_mode.setChecked(True)
    window.toggle_read_only()
    assert window.svc.executive_mode
    m = window.svc.mentions(MentionFilter(), limit=1)[0]
    with pytest.raises(ReadOnlyWorkspace):
        window.svc.set_status([m.id], "archived")
