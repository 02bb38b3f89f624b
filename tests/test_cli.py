"""The `orm-desktop` command through the real entry point (subprocess), on real workspaces."""

from __future__ import annotations

import json

import pytest


def test_version_and_help(run_cli):
    r = run_cli("--version")
    assert r.returncode == 0 and r.stdout.startswith("orm-desktop ")
    r = run_cli("--help")
    assert r.returncode == 0
    for cmd in ("init", "feeds", "entities", "fetch", "mentions", "score"):
        assert cmd in r.stdout


@pytest.mark.parametrize("args, needle", [
    (["frobnicate"], "invalid choice"),
    (["mentions", "--sentiment", "angry"], "invalid choice"),
    (["fetch", "--jobs", "many"], "invalid int value"),
    (["mentions", "--since", "last tuesday"], "cannot read the date"),
    (["entities", "add", "brand", "Acme", "--query", '"Acme Corp" OR'], "position"),
    (["feeds", "import", "/nonexistent/feeds.opml"], "no such file"),
    (["fetch", "--jobs", "0"], "--jobs must be between"),
])
def test_usage_errors_are_one_line_exit_2(run_cli, tmp_path, args, needle):
    ws = tmp_path / "ws"
    assert run_cli("init", workspace=ws).returncode == 0
    r = run_cli(*args, workspace=ws)
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_missing_workspace_is_a_clear_error(run_cli, tmp_path):
    r = run_cli("mentions", workspace=tmp_path / "nowhere")
    assert r.returncode == 2  # a usage error (issue 12.10)
    assert "orm-desktop init" in r.stderr and "Traceback" not in r.stderr


def test_workspace_from_environment(run_cli, tmp_path):
    ws = tmp_path / "from-env"
    r = run_cli("init", env={"ORM_DESKTOP_WORKSPACE": str(ws)})
    assert r.returncode == 0, r.stderr
    assert (ws / "orm.db").exists()
    r = run_cli("info", env={"ORM_DESKTOP_WORKSPACE": str(ws)})
    assert str(ws) in r.stdout


def test_init_twice_is_refused(run_cli, tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("init", workspace=ws).returncode == 0
    r = run_cli("init", workspace=ws)
    assert r.returncode == 2 and "already exists" in r.stderr


def test_entities_add_and_list(run_cli, tmp_path):
    ws = tmp_path / "ws"
    run_cli("init", workspace=ws)
    r = run_cli("entities", "add", "brand", "Acme", "--query", '"Acme Corp" OR Acme -"Acme anvil"',
                "--alias", "ACME Inc", workspace=ws)
    assert r.returncode == 0, r.stderr
    r = run_cli("entities", "add", "executive", "Jane Doe", "--query", '"Jane Doe" AND (Acme OR CEO)',
                "--title", "CEO", workspace=ws)
    assert r.returncode == 0, r.stderr
    r = run_cli("entities", "add", "brand", "acme", workspace=ws)
    assert r.returncode == 2 and "already exists" in r.stderr
    r = run_cli("entities", "list", "--format", "json", workspace=ws)
    rows = json.loads(r.stdout)
    assert [(e["kind"], e["name"]) for e in rows] == [("brand", "Acme"), ("executive", "Jane Doe")]
    assert rows[0]["aliases"] == ["ACME Inc"]


def test_score_reads_lines_and_survives_bad_ones(run_cli):
    lines = [
        "The support team was wonderful and fixed it in minutes.",
        "This is the worst purchase I have ever made.",
        '{"text": "Acme is great but Globex is awful", "entity": "Globex"}',
        '{"txt": "missing field"}',
        "{not json",
        "The company published its annual report on Tuesday.",
    ]
    r = run_cli("score", input="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["label"] == "positive" and out[0]["score"] > 0
    assert out[1]["label"] == "negative" and out[1]["score"] < 0
    assert out[2]["label"] == "negative" and out[2]["entity"] == "Globex"
    assert "error" in out[3] and out[3]["line"] == 4
    assert "error" in out[4]
    assert out[5]["label"] == "neutral"
    for o in (out[0], out[1], out[2], out[5]):
        assert -1 <= o["score"] <= 1


def test_score_unknown_engine(run_cli):
    r = run_cli("score", "--engine", "magic", input="hello\n")
    assert r.returncode == 2 and "unknown sentiment engine" in r.stderr


def as_(name: str) -> dict:
    """The environment of a script acting as a demo user (passphrases as printed in the README)."""
    return {"ORM_DESKTOP_PASSPHRASE": f"demo-{name}"}


def test_responses_workflow_through_the_cli(run_cli, demo_service, tmp_path):
    ws = demo_service.ws.root
    neg = json.loads(run_cli("mentions", "--entity", "Velora", "--kind", "review", "--sentiment", "negative",
                             "--format", "json", "--limit", "1", workspace=ws).stdout)[0]
    r = run_cli("draft", str(neg["id"]), "--as", "alex", "--suggest", "--json", workspace=ws, env=as_("alex"))
    # the mention's evidence is the whole review body (customer service, delivery), so a
    # complaint follow-up may rank first; a review reply is among the first two
    assert r.returncode == 0
    assert any(s["template"].startswith("review-reply") for s in json.loads(r.stdout)[:2])
    r = run_cli("draft", str(neg["id"]), "--as", "alex", "--json", workspace=ws, env=as_("alex"))
    draft = json.loads(r.stdout)
    rid = str(draft["id"])
    if "⟦" in draft["text"]:
        fixed = tmp_path / "t.txt"
        fixed.write_text(draft["text"].replace("⟦author⟧", "there").replace("⟦topic⟧", "the battery"))
        assert run_cli("responses", "edit", rid, "--as", "alex", "--file", str(fixed), workspace=ws, env=as_("alex")).returncode == 0
    assert run_cli("responses", "submit", rid, "--as", "alex", workspace=ws, env=as_("alex")).returncode == 0
    r = run_cli("responses", "approve", rid, "--as", "alex", workspace=ws, env=as_("alex"))
    assert r.returncode == 2 and "no author role" not in r.stderr and "not an approver" in r.stderr
    assert run_cli("responses", "approve", rid, "--as", "sam", workspace=ws, env=as_("sam")).returncode == 0
    r = run_cli("responses", "sent", rid, "--as", "alex", "--channel", "shopscore", "--json", workspace=ws, env=as_("alex"))
    assert json.loads(r.stdout)["state"] == "sent"
    hist = json.loads(run_cli("responses", "history", rid, "--json", workspace=ws).stdout)
    assert [h["action"] for h in hist][-3:] == ["response.submit", "response.approve", "response.send"]
    out = run_cli("templates", "show", "review-reply-negative", workspace=ws).stdout
    custom = tmp_path / "custom.toml"
    custom.write_text(out.replace('id = "review-reply-negative"', 'id = "my-reply"'))
    assert run_cli("templates", "add", str(custom), workspace=ws).returncode == 0
    assert "my-reply" in run_cli("templates", "list", workspace=ws).stdout
    r = run_cli("templates", "add", str(custom).replace("custom", "missing"), workspace=ws)
    assert r.returncode == 2 and "no such file" in r.stderr
