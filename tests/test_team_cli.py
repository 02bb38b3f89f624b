"""`orm-desktop team ...` and a team workspace used through the real CLI, and team logins'
passwords in the OS keyring.

The CLI tests run on the shared server (trust authentication: logins need no password there, but
are created with one). The password tests need a server that asks for one, so they start a private
SCRAM cluster (tests/pgcluster.py). The OS keyring is the outside world: tests/memkeyring.py.
"""

from __future__ import annotations

import secrets

import pytest

from tests import pgcluster
from tests import team_scenario as ts

ts.skip_module_without_server()


@pytest.fixture
def team_db():
    """An empty database and its owner (CREATEROLE), as a team admin makes them with psql."""
    tag = secrets.token_hex(4)
    db, owner = f"orm_test_{tag}", f"orm_test_{tag}_owner"
    with ts.connect(ts.SUPERUSER, "postgres", None) as su:
        su.execute(f"CREATE ROLE {owner} LOGIN CREATEROLE PASSWORD 'owner-password'")
        su.execute(f"CREATE DATABASE {db} OWNER {owner}")
    yield db, owner, tag
    with ts.connect(ts.SUPERUSER, "postgres", None) as su:
        su.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        for (name,) in su.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s OR rolname LIKE %s "
                                  "ORDER BY rolname LIKE '%%\\_owner'", (f"orm\\_test\\_{tag}\\_%", f"u{tag}%")):
            su.execute(f'DROP ROLE IF EXISTS "{name}"')


def _url(user: str, db: str) -> str:
    return f"postgresql://{user}@{ts.HOST}:{ts.PORT}/{db}"


def test_a_team_works_through_the_cli_with_the_login_as_the_user(run_cli, team_db, keyring_file, tmp_path):
    db, owner, tag = team_db
    ada, maya, bob = f"u{tag}ada", f"u{tag}maya", f"u{tag}bob"

    def cli(user, *args, passphrase="", new_password=""):
        env = {"ORM_DESKTOP_PASSPHRASE": passphrase, "ORM_DESKTOP_NEW_PASSWORD": new_password}
        return run_cli(*args, workspace=_url(user, db), env=env)

    r = run_cli("team", "init", _url(owner, db))
    assert r.returncode == 0, r.stderr
    assert f"{db}_approver" in r.stdout
    assert cli(owner, "team", "add-user", ada, "--role", "admin", new_password="ada-password").returncode == 0
    for name, role in ((maya, "approver"), (bob, "author")):
        r = cli(ada, "team", "add-user", name, "--role", role, new_password=f"{name}-password")
        assert r.returncode == 0, r.stderr
    for name in (maya, bob):
        r = cli(name, "team", "keygen", passphrase=f"{name}-passphrase")
        assert r.returncode == 0, r.stderr
        r = cli(name, "team", "approve-key", name)  # nobody approves their own key
        assert r.returncode == 2 and "permission denied" in r.stderr and "Traceback" not in r.stderr
        assert cli(ada, "team", "approve-key", name).returncode == 0
    r = cli(ada, "key-messages", "add", "We answer within a day.")  # audited, and ada has no key yet
    assert r.returncode == 2 and "team keygen" in r.stderr and "Traceback" not in r.stderr
    r = cli(ada, "team", "users", "--format", "json")
    import json

    users = {u["name"]: u for u in json.loads(r.stdout)}
    assert users[maya]["roles"] == "approver" and users[maya]["key_approved"] == "yes"
    assert users[ada]["key"] == "-"

    # the admin sets up, an author refreshes (writes mentions), drafts and submits
    feed = f"file://{ts.__file__.rsplit('/', 1)[0]}/data/feeds/atom.xml"
    assert cli(ada, "entities", "add", "brand", "Acme", "--query", "Acme").returncode == 0
    assert cli(ada, "feeds", "add", feed).returncode == 0
    r = cli(bob, "fetch")
    assert r.returncode == 0, r.stderr
    # an executive is a login linked to the executive entity whose name it speaks in
    jane = f"u{tag}jane"
    assert cli(ada, "entities", "add", "executive", "Jane Doe", "--query", '"Jane Doe"').returncode == 0
    r = cli(ada, "team", "add-user", jane, "--role", "executive", "--executive", "Nobody", new_password="jane-password")
    assert r.returncode == 2 and "no executive entity named 'Nobody'" in r.stderr
    assert "u" + tag + "jane" not in cli(ada, "team", "users").stdout  # nothing created
    r = cli(ada, "team", "add-user", jane, "--role", "executive", "--executive", "Jane Doe",
            new_password="jane-password")
    assert r.returncode == 0 and "speaking as Jane Doe" in r.stdout, r.stderr
    with ts.connect(ts.SUPERUSER, db, None) as su:
        assert su.execute("SELECT e.name FROM users u JOIN entities e ON e.id = u.entity_id WHERE u.name = %s",
                          (jane,)).fetchone() == ("Jane Doe",)
    mention = json.loads(cli(bob, "mentions", "--format", "json").stdout)[0]["id"]
    bp = f"{bob}-passphrase"
    r = cli(bob, "draft", str(mention), "--as", maya, passphrase=bp)
    assert r.returncode == 2 and "the login is the user" in r.stderr and "Traceback" not in r.stderr
    r = cli(bob, "draft", str(mention), "--json", passphrase=bp)
    assert r.returncode == 0, r.stderr
    rid = json.loads(r.stdout)["id"]
    mp = f"{maya}-passphrase"
    r = run_cli("responses", "edit", str(rid), workspace=_url(maya, db), input="Maya's words",
                env={"ORM_DESKTOP_PASSPHRASE": mp})
    assert r.returncode == 2 and "only its author edits" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("responses", "edit", str(rid), workspace=_url(bob, db), input="Thank you, we are on it.",
                env={"ORM_DESKTOP_PASSPHRASE": bp})
    assert r.returncode == 0, r.stderr
    assert cli(bob, "responses", "submit", str(rid), passphrase=bp).returncode == 0
    r = cli(bob, "responses", "approve", str(rid), passphrase=bp)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = cli(maya, "responses", "approve", str(rid), "--json", passphrase=mp)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["approver"] == maya
    assert cli(bob, "responses", "sent", str(rid), "--channel", "twitter", passphrase=bp).returncode == 0
    r = cli(ada, "audit", "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "signatures verified" in r.stdout
    with ts.connect(ts.SUPERUSER, db, None) as su:
        actors = su.execute("SELECT actor, action FROM audit_log WHERE subject_type = 'response' ORDER BY id").fetchall()
    assert actors == [(bob, "response.create"), (bob, "response.edit"), (bob, "response.submit"),
                      (maya, "response.approve"), (bob, "response.send")]


def test_team_commands_refuse_with_one_line(run_cli, team_db, keyring_file):
    db, owner, tag = team_db
    r = run_cli("team", "init", "/tmp/not-a-url")
    assert r.returncode == 2 and "postgresql://" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("team", "users", workspace=_url(owner, db))  # before team init
    assert r.returncode == 2 and "not a team workspace yet" in r.stderr and "Traceback" not in r.stderr
    assert run_cli("team", "init", _url(owner, db)).returncode == 0
    r = run_cli("team", "add-user", f"{db}_evil", "--role", "admin", workspace=_url(owner, db))
    assert r.returncode == 2 and "group roles" in r.stderr
    r = run_cli("team", "users", workspace=_url(f"u{tag}nobody", db))
    assert r.returncode == 2 and "no such login" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("team", "users", workspace=str(keyring_file.parent))
    assert r.returncode == 2 and "team workspace" in r.stderr
    # local users and keys do not exist on a team workspace: the logins are the users
    r = run_cli("users", "add", "sam", "--role", "author", workspace=_url(owner, db))
    assert r.returncode == 2 and "team add-user sam" in r.stderr and "Traceback" not in r.stderr
    r = run_cli("users", "keygen", "sam", workspace=_url(owner, db))
    assert r.returncode == 2 and "team keygen" in r.stderr


# -- passwords: a server that asks for one ----------------------------------------------------------
@pytest.fixture(scope="module")
def scram_server():
    why = pgcluster.available()
    if why:
        pytest.skip(why)
    c = pgcluster.Cluster().start()
    with c.superuser() as su:
        su.execute("CREATE ROLE maya LOGIN PASSWORD 'maya-password-1'")
        su.execute("CREATE DATABASE acme")
    yield c
    c.stop()


def test_the_password_is_asked_once_then_comes_from_the_keyring(scram_server, keyring_file):
    from orm_desktop import credentials

    url = f"postgresql://maya@127.0.0.1:{scram_server.port}/acme"
    asked = []

    def ask(prompt):
        asked.append(prompt)
        return "maya-password-1"

    with credentials.connect(url, ask=ask) as c:
        assert c.execute("SELECT session_user").fetchone()[0] == "maya"
    assert len(asked) == 1 and "maya on 127.0.0.1" in asked[0]
    stored = keyring_file.read_text()
    assert f"orm-desktop\\u0000maya@127.0.0.1:{scram_server.port}/acme" in stored
    with credentials.connect(url, ask=ask):
        pass
    assert len(asked) == 1  # from the keyring, not asked again


def test_a_refused_password_is_never_stored_and_a_changed_one_is_asked_again(scram_server, keyring_file):
    from orm_desktop import credentials

    url = f"postgresql://maya@127.0.0.1:{scram_server.port}/acme"
    with pytest.raises(credentials.LoginError, match="refused the password"):
        credentials.connect(url, ask=lambda p: "wrong-password")
    assert credentials.stored_password(url) is None
    credentials.store_password(url, "an-old-password")  # changed on the server since
    with credentials.connect(url, ask=lambda p: "maya-password-1"):
        pass
    assert credentials.stored_password(url) == "maya-password-1"
    with pytest.raises(credentials.LoginError, match="is needed"):
        credentials.forget_password(url)
        credentials.connect(url, ask=credentials.never_ask)


def test_the_cli_asks_nothing_without_a_terminal_and_says_so(scram_server, keyring_file, run_cli):
    url = f"postgresql://maya@127.0.0.1:{scram_server.port}/acme"
    r = run_cli("team", "whoami", workspace=url)
    assert r.returncode == 2
    assert "password of maya" in r.stderr and "terminal" in r.stderr and "Traceback" not in r.stderr


def test_a_copy_under_another_name_keeps_its_groups(run_cli, team_db, keyring_file):
    """A restored (here: renamed) database keeps the group roles it was set up with; `team init`
    on it re-applies them instead of making a second set named after the new name."""
    db, owner, tag = team_db
    assert run_cli("team", "init", _url(owner, db)).returncode == 0
    r = run_cli("team", "add-user", f"u{tag}ada", "--role", "admin", workspace=_url(owner, db),
                env={"ORM_DESKTOP_NEW_PASSWORD": "ada-password"})
    assert r.returncode == 0, r.stderr
    copy = f"{db}_copy"
    with ts.connect(ts.SUPERUSER, "postgres", None) as su:
        su.execute(f"ALTER DATABASE {db} RENAME TO {copy}")
    try:
        r = run_cli("team", "init", _url(owner, copy))
        assert r.returncode == 0, r.stderr
        assert f"{db}_admin" in r.stdout and f"{copy}_admin" not in r.stdout
        r = run_cli("team", "whoami", workspace=_url(f"u{tag}ada", copy))
        assert r.returncode == 0 and "(admin)" in r.stdout, r.stderr
        with ts.connect(ts.SUPERUSER, "postgres", None) as su:
            assert not su.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (f"{copy}_admin",)).fetchone()
    finally:
        with ts.connect(ts.SUPERUSER, "postgres", None) as su:
            su.execute(f"ALTER DATABASE {copy} RENAME TO {db}")


# -- TLS: sslmode=verify-full against a server with a certificate from a private CA ------------------
def _certificates(host: str):
    """A private CA and a server certificate for ``host`` (PEM bytes: ca, cert, key)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test team CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(2).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (ca.public_bytes(pem), cert.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))


def test_verify_full_accepts_the_named_server_and_refuses_anything_else_in_one_line(keyring_file, run_cli,
                                                                                     tmp_path):
    """docs/team.md section 7 as a test: ssl = on with a certificate for "localhost" from a private
    CA, pg_hba.conf accepting the team only over TLS with SCRAM."""
    why = pgcluster.available()
    if why:
        pytest.skip(why)
    ca, cert, key = _certificates("localhost")
    (tmp_path / "team-ca.crt").write_bytes(ca)
    c = pgcluster.Cluster().start(
        hba="hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n",
        conf="ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
        files={"server.crt": cert, "server.key": key})
    try:
        with c.superuser() as su:  # over TLS too (sslmode=prefer)
            su.execute("CREATE ROLE maya LOGIN PASSWORD 'maya-password-1'")
            su.execute("CREATE DATABASE acme")
        ca_file = tmp_path / "team-ca.crt"
        good = f"postgresql://maya@localhost:{c.port}/acme?sslmode=verify-full&sslrootcert={ca_file}"
        r = run_cli("team", "whoami", workspace=good, env={"ORM_TEST_KEYRING_FILE": str(keyring_file)})
        assert r.returncode == 2 and "password of maya" in r.stderr  # no terminal: asked for nothing
        from orm_desktop import credentials

        credentials.store_password(good, "maya-password-1")  # as the first terminal prompt would
        r = run_cli("team", "whoami", workspace=good)
        assert r.returncode == 0 and r.stdout.startswith("maya ("), r.stderr
        wrong_host = good.replace("localhost", "127.0.0.1")
        credentials.store_password(wrong_host, "maya-password-1")
        r = run_cli("team", "whoami", workspace=wrong_host)
        assert r.returncode == 2 and "does not match host name" in r.stderr and "Traceback" not in r.stderr
        plain = f"postgresql://maya@localhost:{c.port}/acme?sslmode=disable"
        credentials.store_password(plain, "maya-password-1")
        r = run_cli("team", "whoami", workspace=plain)
        assert r.returncode == 2 and "rejects connection" in r.stderr and "no encryption" in r.stderr
    finally:
        c.stop()


def test_team_add_user_refuses_a_display_name_users_add_refuses(run_cli, team_lab):
    """`team add-user` applies the user-name check of `users add` (a control character, a bidi
    override, over 200 characters): it took all three, and the lists showed them."""
    from orm_desktop.errors import UsageError
    from orm_desktop.team import TeamAdmin

    admin = ts.url(team_lab.login("ada"), team_lab.db)
    r = run_cli("team", "add-user", team_lab.login("new0"), "--role", "author", "--display-name", "Eve\x1b[2J",
                workspace=admin, env={"ORM_DESKTOP_NEW_PASSWORD": "new-password"})
    assert r.returncode == 2 and "display name" in r.stderr, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and len(r.stderr.splitlines()) == 1
    with TeamAdmin(admin) as t:
        for i, display in enumerate(("eve\u202egnp.exe", "x" * 201), start=1):
            with pytest.raises(UsageError, match="display name"):
                t.add_user(team_lab.login(f"new{i}"), "author", "new-password", display_name=display)
        assert t.add_user(team_lab.login("new9"), "author", "new-password", display_name="Eve Adams") == "created"
        assert {u.name for u in t.users()} & {team_lab.login(f"new{i}") for i in (0, 1, 2, 9)} == {team_lab.login("new9")}
