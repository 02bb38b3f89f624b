"""Team workspace roles, privileges, row-level security and state-transition functions (issue 15).

The SQL below is applied by ``orm-desktop team init URL`` (orm_desktop/store/team.py::apply_roles)
as the database's owner, after the schema. ``@P@`` stands for the group-role prefix and ``@DB@``
for the database's name (see the comment at the top of the SQL). A module rather than a .sql file
so that it ships inside the package like the rest of the schema (no data-file lookup).
"""

SQL = r"""
-- Team workspace on PostgreSQL: group roles, privileges, row-level security, state transitions.
--
-- Applied by `orm-desktop team init URL` (orm_desktop/store/team.py) AFTER the schema, by the
-- database's owner (a role with CREATEROLE; see docs/team.md). Idempotent: running it again
-- re-grants and replaces the functions. @P@ is replaced by the role prefix, which is the database
-- name when it is first set up, kept in team_meta afterwards (roles are cluster-wide, so every
-- workspace database has its own four groups; a restored copy under another name keeps them); @DB@
-- is the database's current name:
--
--   @P@_author     triage, refresh, write own drafts, submit them, mark sent what was approved
--   @P@_approver   what an author does, plus approve / request changes on others' drafts
--   @P@_executive  read-only, except approving (or sending back) drafts in the executive's own name
--   @P@_admin      feeds, entities, settings, rules, templates, users; approver's rights too
--
-- The identity is session_user (the login), never a column the client fills in: responses.author
-- defaults to it and row-level security refuses anything else, audit_log.actor and the approver
-- are set by the SECURITY DEFINER functions below, mentions' status_by / override_by are
-- forced to it by a trigger. Nobody but the owner writes audit_log, and triggers refuse UPDATE,
-- DELETE and TRUNCATE even for the owner (who can drop them: the owner is the database's root).

-- 1. group roles ------------------------------------------------------------------------------
DO $$
DECLARE g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['author', 'approver', 'executive', 'admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '@P@_' || g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', '@P@_' || g);
        END IF;
    END LOOP;
END $$;

REVOKE ALL ON DATABASE @DB@ FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE @DB@ TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO @P@_author, @P@_approver, @P@_executive, @P@_admin;

-- 2. tables the team layer adds ---------------------------------------------------------------
-- The group-role prefix this database was set up with: a restored or renamed copy keeps it.
CREATE TABLE IF NOT EXISTS team_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO team_meta (key, value) VALUES ('role_prefix', '@P@') ON CONFLICT (key) DO NOTHING;

-- An admin-approved signing key: a login registers its own public key (user_keys, self-signed
-- `user.key` audit entry); it signs nothing until an admin (or the owner) approves it here.
CREATE TABLE IF NOT EXISTS team_key_approvals (
    name TEXT NOT NULL,
    key_id TEXT NOT NULL,
    approved_by TEXT NOT NULL DEFAULT session_user,
    approved_at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint,
    PRIMARY KEY (name, key_id)
);

-- 3. privileges, table by table ----------------------------------------------------------------
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM @P@_author, @P@_approver, @P@_executive, @P@_admin;
-- everybody on the team reads everything (the encrypted private keys are not in this database)
GRANT SELECT ON ALL TABLES IN SCHEMA public TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO @P@_author, @P@_approver, @P@_admin;
-- tables a later schema upgrade adds (as the owner) are readable at once; writing them waits for
-- `team init` to be run again, which re-applies this file with their grants
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO @P@_author, @P@_approver, @P@_admin;

-- configuration: the admin's (settings also hold a refresh's bookkeeping: row-level security below)
GRANT INSERT, UPDATE, DELETE ON settings, entities, feeds, rules, templates, users TO @P@_admin;
GRANT INSERT, UPDATE ON settings TO @P@_author, @P@_approver;
GRANT INSERT, UPDATE, DELETE ON key_messages TO @P@_admin, @P@_approver;
-- a refresh (any author, approver or admin may run it) writes what it fetched
GRANT UPDATE (etag, last_modified, last_fetched, last_status, last_error, error_count, next_due, items_total, title,
               watched_since, watched_until)
    ON feeds TO @P@_author, @P@_approver;
GRANT INSERT, UPDATE ON feed_gaps TO @P@_author, @P@_approver, @P@_admin;
GRANT INSERT, UPDATE ON items, mentions, alerts, fetch_runs TO @P@_author, @P@_approver, @P@_admin;
GRANT DELETE ON items, mentions, alerts TO @P@_admin;
-- trigger-kept rollups are written by the triggers, as the user whose change fires them
GRANT INSERT, UPDATE, DELETE ON mention_daily, mention_counts, mention_facets, mention_facet_counts
    TO @P@_author, @P@_approver, @P@_admin;
GRANT INSERT ON evidence TO @P@_author, @P@_approver, @P@_admin;
GRANT INSERT, UPDATE ON outbox TO @P@_author, @P@_approver, @P@_admin;
-- responses: a new draft (own name, row-level security below) and text edits of one's own draft;
-- state, approver and the timestamps change only through the transition functions
GRANT INSERT ON responses TO @P@_author, @P@_approver, @P@_admin;
GRANT UPDATE (text, channel, template_id, updated, version) ON responses TO @P@_author, @P@_approver, @P@_admin;
-- signing keys: each login registers its own (row-level security below); never updated
GRANT INSERT ON user_keys TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
-- audit_log, team_key_approvals, workspace_identity: SELECT only (functions write them)

-- 4. row-level security -------------------------------------------------------------------------
ALTER TABLE responses ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS responses_read ON responses;
DROP POLICY IF EXISTS responses_new_own ON responses;
DROP POLICY IF EXISTS responses_edit_own_draft ON responses;
CREATE POLICY responses_read ON responses FOR SELECT USING (true);
CREATE POLICY responses_new_own ON responses FOR INSERT
    WITH CHECK (author = session_user AND state = 'draft' AND approver = ''
                AND submitted_at IS NULL AND approved_at IS NULL AND sent_at IS NULL);
CREATE POLICY responses_edit_own_draft ON responses FOR UPDATE
    USING (author = session_user AND state IN ('draft', 'changes_requested'))
    WITH CHECK (author = session_user AND state IN ('draft', 'changes_requested'));
ALTER TABLE responses ALTER COLUMN author SET DEFAULT session_user;

-- settings: the admin's, except what a refresh run by anyone records about itself
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS settings_read ON settings;
DROP POLICY IF EXISTS settings_admin ON settings;
DROP POLICY IF EXISTS settings_bookkeeping ON settings;
CREATE POLICY settings_read ON settings FOR SELECT USING (true);
CREATE POLICY settings_admin ON settings FOR ALL TO @P@_admin USING (true) WITH CHECK (true);
CREATE POLICY settings_bookkeeping ON settings FOR ALL TO @P@_author, @P@_approver
    USING (key IN ('last_full_refresh', 'scheduled_last_run'))
    WITH CHECK (key IN ('last_full_refresh', 'scheduled_last_run'));

ALTER TABLE user_keys ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS user_keys_read ON user_keys;
DROP POLICY IF EXISTS user_keys_own ON user_keys;
CREATE POLICY user_keys_read ON user_keys FOR SELECT USING (true);
CREATE POLICY user_keys_own ON user_keys FOR INSERT WITH CHECK ((name COLLATE "C") = session_user AND private_key = '');

-- 5. triggers: append-only tables, identity columns -------------------------------------------
CREATE OR REPLACE FUNCTION team_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = '42501';
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_log', 'user_keys', 'team_key_approvals'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_append_only', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION team_refuse_change()', t || '_append_only', t);
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_no_truncate', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION team_refuse_change()', t || '_no_truncate', t);
    END LOOP;
END $$;

-- who triaged or overrode a mention is the login that did it, whatever the client sent
CREATE OR REPLACE FUNCTION team_mention_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- an empty name is kept only for what nobody did: a fetched mention that is still new, no override
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.status_by IS DISTINCT FROM OLD.status_by THEN
        IF NEW.status_by <> '' OR TG_OP = 'UPDATE' OR NEW.status <> 'new' THEN NEW.status_by := session_user; END IF;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.override IS DISTINCT FROM OLD.override OR NEW.override_by IS DISTINCT FROM OLD.override_by THEN
        IF NEW.override_by IS NOT NULL OR NEW.override IS NOT NULL THEN NEW.override_by := session_user; END IF;
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS mentions_team_identity ON mentions;
CREATE TRIGGER mentions_team_identity BEFORE INSERT OR UPDATE ON mentions
    FOR EACH ROW EXECUTE FUNCTION team_mention_identity();

-- A mention's or an alert's id never changes (the app never moves one). The commit-time checks of
-- section 6b look a changed row up by its id after the change and let it through when no row has
-- it any more; before, `UPDATE alerts SET status = 'acknowledged', id = id + 1e12` and a second
-- UPDATE moving it back (no checked column changed) committed with no entry. The owner may.
CREATE OR REPLACE FUNCTION team_id_fixed() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF team_exempt() THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the id of % % cannot change (to %) on a team workspace', TG_TABLE_NAME, OLD.id, NEW.id
        USING ERRCODE = '42501';
END $$;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['mentions', 'alerts', 'items'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_team_id_fixed', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OF id ON %I FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) '
                       'EXECUTE FUNCTION team_id_fixed()', t || '_team_id_fixed', t);
    END LOOP;
END $$;

-- who captured a piece of evidence is the login that did it, whatever the client sent
CREATE OR REPLACE FUNCTION team_evidence_identity() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.captured_by := session_user;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS evidence_team_identity ON evidence;
CREATE TRIGGER evidence_team_identity BEFORE INSERT ON evidence
    FOR EACH ROW EXECUTE FUNCTION team_evidence_identity();

-- row versions (when the schema has them): who saved a row last is the login, whatever the
-- client sent; a draft's author may write the column with the text it saves
CREATE OR REPLACE FUNCTION team_changed_by() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_by := session_user;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION team_changed_by_versioned() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.version IS DISTINCT FROM OLD.version THEN
        NEW.changed_by := session_user;
    END IF;
    RETURN NEW;
END $$;
DO $$
DECLARE t text;
BEGIN
    FOR t IN SELECT c.table_name FROM information_schema.columns c
             WHERE c.table_schema = 'public' AND c.column_name = 'changed_by'
               AND c.table_name IN ('mentions', 'responses', 'rules', 'settings', 'templates', 'key_messages') LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_team_changed_by', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION team_changed_by()', t || '_team_changed_by', t);
    END LOOP;
    -- entities, feeds, users (m013): a refresh's bookkeeping and crisis mode write these rows
    -- too, so the login is recorded only with a new version (a trigger named to fire after the
    -- version bump, store/live.py: PostgreSQL fires a row's BEFORE triggers by name)
    FOR t IN SELECT c.table_name FROM information_schema.columns c
             WHERE c.table_schema = 'public' AND c.column_name = 'changed_by'
               AND c.table_name IN ('entities', 'feeds', 'users') LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_version_changed_by', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION team_changed_by_versioned()', t || '_version_changed_by', t);
    END LOOP;
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public'
               AND table_name = 'responses' AND column_name = 'changed_by') THEN
        GRANT UPDATE (changed_by) ON responses TO @P@_author, @P@_approver, @P@_admin;
    END IF;
END $$;

-- 6. the audit chain, written only here -------------------------------------------------------
-- The same hash as orm_desktop.chain.entry_hash: SHA-256 of the JSON array
-- [prev_hash, at, actor, action, subject_type, subject_id, data, key_id] without spaces.
CREATE OR REPLACE FUNCTION team_entry_hash(p_prev text, p_at bigint, p_actor text, p_action text,
        p_subject_type text, p_subject_id bigint, p_data text, p_key_id text)
    RETURNS text LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT encode(sha256(convert_to('[' || to_json(p_prev)::text || ',' || p_at::text || ','
        || to_json(p_actor)::text || ',' || to_json(p_action)::text || ','
        || to_json(p_subject_type)::text || ',' || COALESCE(p_subject_id::text, 'null') || ','
        || to_json(p_data)::text
        || CASE WHEN p_key_id IS NULL THEN '' ELSE ',' || to_json(p_key_id)::text END || ']', 'UTF8')), 'hex')
$$;

CREATE OR REPLACE FUNCTION team_is(p_group text) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(session_user, '@P@_' || p_group, 'MEMBER')
$$;

-- Insert one entry as session_user. The client computed the hash over the current head and signed
-- it with the login's key; a different head (someone wrote in between) is a serialization failure
-- (retry), a hash over another actor or a key that is not this login's approved key is refused.
CREATE OR REPLACE FUNCTION team_audit_insert(p_at bigint, p_action text, p_subject_type text,
        p_subject_id bigint, p_data text, p_prev text, p_hash text, p_key_id text, p_sig text)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head text;
    me text := session_user;
    new_id bigint;
    is_object boolean;
BEGIN
    -- every reader takes an entry's data as a JSON object (store/audit.py, chain.verify_chain): one
    -- that is not (an executive's report.export of data '{', before) broke every member's audit
    -- view and made `audit verify` call the log broken, for good (the log is append-only)
    BEGIN
        is_object := jsonb_typeof(p_data::jsonb) = 'object';
    EXCEPTION WHEN others THEN
        is_object := false;
    END;
    IF NOT COALESCE(is_object, false) THEN
        RAISE EXCEPTION 'an audit entry''s data is a JSON object' USING ERRCODE = '22023';
    END IF;
    LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
    SELECT hash INTO head FROM audit_log ORDER BY id DESC LIMIT 1;
    IF p_prev IS DISTINCT FROM COALESCE(head, repeat('0', 64)) THEN
        RAISE EXCEPTION 'the audit log moved on while this entry was prepared: retry' USING ERRCODE = '40001';
    END IF;
    IF abs(p_at - extract(epoch FROM clock_timestamp())) > 300 THEN
        RAISE EXCEPTION 'an audit entry must carry the current time (off by more than 5 minutes)' USING ERRCODE = '22023';
    END IF;
    IF p_key_id IS NULL OR p_sig IS NULL OR p_sig = '' THEN
        RAISE EXCEPTION 'an audit entry on a team workspace must be signed' USING ERRCODE = '42501';
    END IF;
    IF p_hash IS DISTINCT FROM team_entry_hash(p_prev, p_at, me, p_action, p_subject_type, p_subject_id, p_data, p_key_id) THEN
        RAISE EXCEPTION 'audit entry refused: its hash is not over this login (%) and the current head', me
            USING ERRCODE = '42501';
    END IF;
    IF p_action = 'user.key' THEN
        IF NOT EXISTS (SELECT 1 FROM user_keys WHERE name = me AND key_id = p_key_id) THEN
            RAISE EXCEPTION 'a user.key entry registers the login''s own key' USING ERRCODE = '42501';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM team_key_approvals WHERE name = me AND key_id = p_key_id) THEN
        RAISE EXCEPTION 'the key % is not an admin-approved key of %', p_key_id, me USING ERRCODE = '42501';
    END IF;
    INSERT INTO audit_log (at, actor, action, subject_type, subject_id, data, prev_hash, hash, key_id, sig)
        VALUES (p_at, me, p_action, p_subject_type, p_subject_id, p_data, p_prev, p_hash, p_key_id, p_sig)
        RETURNING id INTO new_id;
    RETURN new_id;
END $$;

-- The head to chain a new entry to, with the log locked for writers until this transaction ends,
-- so the entry prepared on it cannot be overtaken (a hash chain has one writer at a time anyway).
CREATE OR REPLACE FUNCTION team_audit_head() RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE head text;
BEGIN
    LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
    SELECT hash INTO head FROM audit_log ORDER BY id DESC LIMIT 1;
    RETURN COALESCE(head, repeat('0', 64));
END $$;

-- Who may write which entry. An entry says that the login made a change: whoever may not make the
-- change may not write its entry either (before, any member could: an executive, refused the
-- alert's status change, still signed an `alert.acknowledge`). The privileges of section 3 decide,
-- so the entry and the change have one rule; the groups decide where no table does. An action
-- listed nowhere here is refused: a new audited action needs its line. Entries about an alert
-- or a mention's override must describe it as it is in this transaction (the change first, then
-- its entry).
CREATE OR REPLACE FUNCTION team_audit_rule(p_action text, p_subject_type text, p_subject_id bigint, p_data text)
    RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me text := session_user;
    may boolean;
    what text;
    who text;
    st text;
    score jsonb;
    ov double precision;
    ov_by text;
    matches boolean;
    k text;
    v jsonb;
    d jsonb;
BEGIN
    CASE p_action
    WHEN 'alert.acknowledge', 'alert.reopen' THEN
        may := has_table_privilege(me, 'alerts', 'UPDATE');
        what := CASE p_action WHEN 'alert.acknowledge' THEN 'acknowledge an alert' ELSE 'reopen an alert' END;
        who := 'authors, approvers and admins';
    WHEN 'mention.override' THEN
        may := has_table_privilege(me, 'mentions', 'UPDATE'); what := 'override a mention''s sentiment';
        who := 'authors, approvers and admins';
    WHEN 'rule.apply' THEN
        may := has_table_privilege(me, 'mentions', 'UPDATE'); what := 'apply a rule to the mentions';
        who := 'authors, approvers and admins';
    WHEN 'mention.triage' THEN
        may := has_table_privilege(me, 'mentions', 'UPDATE'); what := 'triage a mention';
        who := 'authors, approvers and admins';
    WHEN 'evidence.capture' THEN
        may := has_table_privilege(me, 'evidence', 'INSERT'); what := 'capture evidence';
        who := 'authors, approvers and admins';
    WHEN 'key_message.add' THEN
        may := has_table_privilege(me, 'key_messages', 'INSERT'); what := 'add a key message'; who := 'approvers and admins';
    WHEN 'key_message.edit' THEN
        may := has_table_privilege(me, 'key_messages', 'UPDATE'); what := 'edit a key message'; who := 'approvers and admins';
    WHEN 'key_message.remove' THEN
        may := has_table_privilege(me, 'key_messages', 'DELETE'); what := 'remove a key message'; who := 'approvers and admins';
    WHEN 'template.save' THEN
        may := has_table_privilege(me, 'templates', 'INSERT') AND has_table_privilege(me, 'templates', 'UPDATE');
        what := 'save a template'; who := 'admins';
    WHEN 'template.delete' THEN
        may := has_table_privilege(me, 'templates', 'DELETE'); what := 'delete a template'; who := 'admins';
    WHEN 'rule.create' THEN
        may := has_table_privilege(me, 'rules', 'INSERT'); what := 'create a rule'; who := 'admins';
    WHEN 'rule.update' THEN
        may := has_table_privilege(me, 'rules', 'UPDATE'); what := 'change a rule'; who := 'admins';
    WHEN 'rule.delete' THEN
        may := has_table_privilege(me, 'rules', 'DELETE'); what := 'delete a rule'; who := 'admins';
    WHEN 'user.add' THEN
        may := has_table_privilege(me, 'users', 'INSERT'); what := 'add a user'; who := 'admins';
    WHEN 'settings.change' THEN
        -- authors and approvers write a refresh's bookkeeping rows only (row-level security), which need no entry
        may := team_is('admin'); what := 'change the workspace settings'; who := 'admins';
    WHEN 'sentiment.rescore' THEN
        -- the engine is a setting; the Settings page's Rescore button is the admin's (TEAM_MAY["rescore"])
        may := team_is('admin'); what := 'rescore the mentions'; who := 'admins';
    WHEN 'crisis.on', 'crisis.off' THEN
        -- the scheduled run posts crisis switches to the team's chat: only who may switch writes them
        may := team_is('admin'); what := 'switch crisis mode'; who := 'admins';
    WHEN 'workspace.import_bundle', 'workspace.policy_weakened', 'workspace.schema_repaired' THEN
        may := team_is('admin'); what := 'import into or repair the workspace'; who := 'admins';
    WHEN 'response.merge_approval' THEN
        may := has_function_privilege(me, 'team_approve(bigint, integer, bigint, text, text, text, text, text)', 'EXECUTE');
        what := 'merge an approval'; who := 'approvers, executives and admins';
    WHEN 'response.create', 'response.edit' THEN
        -- a draft's history (its text is rebuilt from these) is written by its author only
        IF NOT EXISTS (SELECT 1 FROM responses WHERE p_subject_type = 'response' AND id = p_subject_id AND author = me) THEN
            RAISE EXCEPTION '% entries are written by the response''s author only', p_action USING ERRCODE = '42501';
        END IF;
        RETURN;
    WHEN 'user.key', 'evidence.export', 'report.export', 'workspace.export_bundle', 'response.export_approval' THEN
        RETURN;  -- the login's own key (team_audit_insert checks it), or what was read and taken out
    WHEN 'response.submit', 'response.approve', 'response.request_changes', 'response.send',
         'response.discard', 'workspace.key' THEN
        RAISE EXCEPTION '% entries are written by the transition functions only', p_action USING ERRCODE = '42501';
    ELSE
        RAISE EXCEPTION 'no % entries on a team workspace: nothing says who may write them (store/postgres/roles.py)',
            p_action USING ERRCODE = '42501';
    END CASE;
    IF NOT may THEN
        RAISE EXCEPTION '% may not % on this team workspace (% only): the % entry is refused', me, what, who, p_action
            USING ERRCODE = '42501';
    END IF;
    IF p_action IN ('alert.acknowledge', 'alert.reopen') THEN
        SELECT status INTO st FROM alerts WHERE p_subject_type = 'alert' AND id = p_subject_id;
        IF st IS DISTINCT FROM (ARRAY['acknowledged', 'open'])[array_position(ARRAY['alert.acknowledge', 'alert.reopen'], p_action)] THEN
            RAISE EXCEPTION 'alert % is %: an % entry goes with the change, in its transaction', p_subject_id,
                COALESCE(st, 'not there'), p_action USING ERRCODE = '42501';
        END IF;
    ELSIF p_action = 'mention.override' THEN
        -- the mention carries this login's override of this score (or none, for a cleared one)
        score := p_data::jsonb -> 'score';
        SELECT override, override_by INTO ov, ov_by FROM mentions WHERE p_subject_type = 'mention' AND id = p_subject_id;
        matches := FOUND AND CASE WHEN score IS NULL OR jsonb_typeof(score) <> 'number' THEN ov IS NULL
                                  ELSE ov IS NOT NULL AND abs(ov - (score #>> '{}')::double precision) < 1e-6
                                       AND ov_by IS NOT DISTINCT FROM me END;
        IF NOT matches THEN
            RAISE EXCEPTION 'mention % does not carry % override: a mention.override entry goes with the change, '
                'in its transaction', p_subject_id, me USING ERRCODE = '42501';
        END IF;
    ELSIF p_action = 'rule.apply' THEN
        -- {"changed": N, "mentions": [id, ...]} of a rule: at most the 2,000 mentions of one transaction
        -- of Apply to stored mentions (before, any text: a malformed or 10-million-id entry committed)
        BEGIN
            d := p_data::jsonb;
        EXCEPTION WHEN others THEN
            d := NULL;
        END;
        IF p_subject_type IS DISTINCT FROM 'rule' OR NOT EXISTS (SELECT 1 FROM rules WHERE id = p_subject_id)
           OR (CASE WHEN jsonb_typeof(d -> 'mentions') = 'array' THEN jsonb_array_length(d -> 'mentions') > 2000
                    ELSE true END) THEN
            RAISE EXCEPTION 'a rule.apply entry names a rule and lists at most 2,000 mention ids: '
                '{"changed": N, "mentions": [id, ...]}' USING ERRCODE = '22023';
        END IF;
    ELSIF p_action = 'mention.triage' THEN
        -- the mention's triage as it is in this transaction (the change first, then its entry)
        IF p_subject_type IS DISTINCT FROM 'mention' OR NOT team_triage_is(p_data, p_subject_id) THEN
            RAISE EXCEPTION 'mention % does not carry the triage this mention.triage entry says: the entry goes '
                'with the change, in its transaction', p_subject_id USING ERRCODE = '42501';
        END IF;
    ELSIF p_action = 'settings.change' THEN
        -- {"values": {key: value}}: each setting as it is in this transaction (absent: null)
        IF jsonb_typeof(p_data::jsonb -> 'values') IS DISTINCT FROM 'object' THEN
            RAISE EXCEPTION 'a settings.change entry says which settings it set: {"values": {key: value}}'
                USING ERRCODE = '22023';
        END IF;
        FOR k, v IN SELECT * FROM jsonb_each(p_data::jsonb -> 'values') LOOP
            IF COALESCE((SELECT value::jsonb FROM settings WHERE key = k), 'null'::jsonb) IS DISTINCT FROM v THEN
                RAISE EXCEPTION 'setting % is not %: a settings.change entry goes with the change, in its transaction',
                    k, v::text USING ERRCODE = '42501';
            END IF;
        END LOOP;
    END IF;
END $$;

-- 6b. no audited change without its entry ------------------------------------------------------
-- team_audit_rule keeps an entry from claiming a change the login may not make; these keep a
-- change the login MAY make from going in without its entry (before, an author's raw
-- `UPDATE alerts SET status = 'acknowledged'` committed, the log stayed silent and the app said
-- "acknowledged, but the audit log has no record of who did it"). Constraint triggers, deferred
-- to COMMIT: the transaction must by then hold the entry that describes the row as it leaves it,
-- written in this very transaction (audit_log.xmin) through team_audit_append, so in the login's
-- name. The app writes the change and its entry in one transaction. Not held to it: the owner
-- (migrations, team push, schema repairs; the database's root, who could drop the triggers) and
-- what a refresh does as the system: detection opens and withdraws alerts (open <-> withdrawn,
-- redone from the mentions at every refresh) and a refresh's rules score the mentions it has just
-- inserted (noted by team_note_fresh_mentions in a temporary table only the owner can write).
-- (pg_database_owner's members: the database's owner, and superusers, who are members of every
-- role; 0.5 µs. A first version read pg_roles and pg_database in a SECURITY DEFINER sql
-- function, which is planned at every call: 0.3-0.44 ms per changed row.)
CREATE OR REPLACE FUNCTION team_exempt() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.pg_has_role(SESSION_USER, 'pg_database_owner', 'MEMBER')
$$;

-- whether a row version (its xmin) was written by this transaction: the app writes an entry in
-- a savepoint, so its xmin is a subtransaction's, numbered after the transaction's own id (age()
-- counts from it: 0 or below); of the rows visible, only this transaction's are still in progress.
-- (No SET search_path, so that it is inlined: every name is pg_catalog's.) The checks read the
-- subject's newest entry only: writers of the log queue on its lock (team_audit_insert) until
-- they end, so once this transaction wrote an entry every later one is its own.
CREATE OR REPLACE FUNCTION team_this_xact(p_xmin xid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_catalog.age(p_xmin) <= 0
       AND pg_catalog.pg_xact_status((pg_catalog.pg_current_xact_id()::text::bigint
                                      - pg_catalog.age(p_xmin))::text::pg_catalog.xid8) = 'in progress'
$$;

-- The one query every check below asks: the subject's newest entry of these actions, as a row
-- (id, action, data) when this transaction wrote it, no row otherwise (an older transaction's entry,
-- or none). Through the index audit_subject (subject_type, subject_id, id). A set-returning sql
-- function without SECURITY DEFINER or SET is inlined into the caller's query; every name is
-- qualified, as the callers' search_path is theirs.
CREATE OR REPLACE FUNCTION team_xact_entry(p_subject_type text, p_subject_id bigint, p_actions text[])
    RETURNS TABLE (id bigint, action text, data text) LANGUAGE sql STABLE AS $$
    SELECT n.id, n.action, n.data
    FROM (SELECT l.id, l.action, l.data, l.xmin AS x FROM public.audit_log l
          WHERE l.subject_type = p_subject_type AND l.subject_id = p_subject_id AND l.action = ANY (p_actions)
          ORDER BY l.id DESC LIMIT 1) n
    WHERE public.team_this_xact(n.x)
$$;

-- whether this transaction's rule.apply entry p_entry (its data p_data) lists this mention:
-- {"changed": N, "mentions": [id, ...]} (Apply to stored mentions writes one per transaction of at
-- most 2,000 mentions, about 9 KB). The list is read once per entry into a temporary table that
-- only the owner's function writes (a login's own table of that name is refused, as for
-- team_fresh_mentions), not parsed again at every row's check: parsed per row, an override's
-- check took 1.1 ms instead of 0.1 ms (2,000 rows, load 6.7).
CREATE OR REPLACE FUNCTION team_rule_applied_to(p_entry bigint, p_data text, p_mention bigint) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    list jsonb;
BEGIN
    IF to_regclass('pg_temp.team_rule_listed') IS NULL THEN
        CREATE TEMP TABLE team_rule_listed (entry bigint, id bigint, PRIMARY KEY (entry, id)) ON COMMIT DELETE ROWS;
    ELSIF NOT COALESCE((SELECT pg_has_role(c.relowner, 'pg_database_owner', 'MEMBER') FROM pg_class c
                        WHERE c.oid = to_regclass('pg_temp.team_rule_listed')), false) THEN
        RAISE EXCEPTION 'this session has a temporary table team_rule_listed of its own: drop it'
            USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_temp.team_rule_listed WHERE entry = p_entry AND id = -1) THEN
        list := p_data::jsonb -> 'mentions';
        INSERT INTO pg_temp.team_rule_listed (entry, id)
            SELECT p_entry, -1
            UNION SELECT p_entry, v::bigint
                  FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(list) = 'array' THEN list ELSE '[]' END) v
                  WHERE v ~ '^[0-9]{1,18}$'
            ON CONFLICT DO NOTHING;
    END IF;
    -- (-1 is the "read" mark, not a mention: a member's mention of id -1 was listed in every entry)
    RETURN p_mention >= 0 AND EXISTS (SELECT 1 FROM pg_temp.team_rule_listed WHERE entry = p_entry AND id = p_mention);
END $$;

-- whether a mention.triage entry's data are the mention's triage as it is now:
-- {"status", "status_at", "assignee", "tags", "priority", "muted"}, every one (status_at null, or
-- absent as in the entries written before it was added, only for a mention never triaged; before,
-- the entry did not carry it and status_at could be set to any time with an honest entry)
CREATE OR REPLACE FUNCTION team_triage_is(p_data text, p_mention bigint) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT m.status = d ->> 'status' AND m.assignee = d ->> 'assignee' AND m.tags = d ->> 'tags'
                            AND CASE WHEN pg_catalog.jsonb_typeof(d -> 'status_at') = 'number'
                                     THEN m.status_at::numeric = (d ->> 'status_at')::numeric
                                     WHEN COALESCE(pg_catalog.jsonb_typeof(d -> 'status_at'), 'null') = 'null'
                                     THEN m.status_at IS NULL END
                            AND CASE WHEN pg_catalog.jsonb_typeof(d -> 'priority') = 'number'
                                     THEN abs(m.priority - (d ->> 'priority')::double precision) < 1e-9 END
                            AND CASE WHEN pg_catalog.jsonb_typeof(d -> 'muted') = 'number'
                                     THEN m.muted::numeric = (d ->> 'muted')::numeric END
                     FROM public.mentions m, (SELECT p_data::jsonb AS d) j WHERE m.id = p_mention), false)
$$;

-- whether this session's team_fresh_mentions is the one the owner's trigger made (a login may
-- create a temporary table of that name, and fill it, but not as the owner)
CREATE OR REPLACE FUNCTION team_fresh_table_ours() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT pg_catalog.pg_has_role(c.relowner, 'pg_database_owner', 'MEMBER')
                     FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass('pg_temp.team_fresh_mentions')),
                    false)
$$;

-- whether this transaction's refresh inserted mention p_mention (its rules may score and triage
-- it): the checks of overrides and triage let those through. (Two IFs: a query naming the temporary
-- table is planned only once it exists.)
CREATE OR REPLACE FUNCTION team_fresh_mention(p_mention bigint) RETURNS boolean
    LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
BEGIN
    IF to_regclass('pg_temp.team_fresh_mentions') IS NULL OR NOT team_fresh_table_ours() THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM pg_temp.team_fresh_mentions WHERE id = p_mention);
END $$;

CREATE OR REPLACE FUNCTION team_note_fresh_mentions() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    -- only where a rule may score or triage what the refresh inserts (an enabled rule)
    IF team_exempt() OR NOT EXISTS (SELECT 1 FROM rules WHERE enabled <> 0) THEN
        RETURN NULL;
    END IF;
    IF to_regclass('pg_temp.team_fresh_mentions') IS NULL THEN
        CREATE TEMP TABLE team_fresh_mentions (id bigint PRIMARY KEY) ON COMMIT DELETE ROWS;
    ELSIF NOT team_fresh_table_ours() THEN
        RAISE EXCEPTION 'this session has a temporary table team_fresh_mentions of its own: drop it'
            USING ERRCODE = '42501';
    END IF;
    INSERT INTO pg_temp.team_fresh_mentions SELECT id FROM fresh ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS mentions_team_fresh ON mentions;
CREATE TRIGGER mentions_team_fresh AFTER INSERT ON mentions REFERENCING NEW TABLE AS fresh
    FOR EACH STATEMENT EXECUTE FUNCTION team_note_fresh_mentions();

CREATE OR REPLACE FUNCTION team_alert_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    st text;
    act text;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    SELECT status INTO st FROM alerts WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;  -- deleted later in the transaction (admins only)
    END IF;
    SELECT e.action INTO act FROM team_xact_entry('alert', NEW.id, ARRAY['alert.acknowledge', 'alert.reopen']) e;
    IF st = 'acknowledged' THEN
        IF act IS NOT DISTINCT FROM 'alert.acknowledge' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'alert % is acknowledged without its alert.acknowledge entry in the same transaction: '
            'acknowledge it through the app (or write the entry with team_audit_append before COMMIT)', NEW.id
            USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'acknowledged' THEN
        RETURN NULL;  -- it was acknowledged only within this transaction; the change away is its own event
    END IF;
    IF st = 'open' AND act IS NOT DISTINCT FROM 'alert.reopen' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'alert % is no longer acknowledged (now %) without its alert.reopen entry in the same '
        'transaction: reopen it through the app', NEW.id, st USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS alerts_team_logged_insert ON alerts;
DROP TRIGGER IF EXISTS alerts_team_logged_update ON alerts;
CREATE CONSTRAINT TRIGGER alerts_team_logged_insert AFTER INSERT ON alerts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.status = 'acknowledged')
    EXECUTE FUNCTION team_alert_logged();
CREATE CONSTRAINT TRIGGER alerts_team_logged_update AFTER UPDATE OF status ON alerts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status AND (OLD.status = 'acknowledged' OR NEW.status = 'acknowledged'))
    EXECUTE FUNCTION team_alert_logged();

CREATE OR REPLACE FUNCTION team_override_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    ov double precision;
    d text;
    score jsonb;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    IF team_fresh_mention(NEW.id) THEN
        RETURN NULL;  -- inserted by this transaction (a refresh, whose rules score what it fetched)
    END IF;
    SELECT override INTO ov FROM mentions WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT e.data INTO d FROM team_xact_entry('mention', NEW.id, ARRAY['mention.override']) e;
    IF d IS NOT NULL THEN
        score := d::jsonb -> 'score';
        IF (CASE WHEN score IS NULL OR jsonb_typeof(score) <> 'number' THEN ov IS NULL
                 ELSE ov IS NOT NULL AND abs(ov - (score #>> '{}')::double precision) < 1e-6 END) THEN
            RETURN NULL;
        END IF;
    END IF;
    -- a rule applied to the stored mentions: its rule.apply entry in this transaction, listing this
    -- mention, and its score
    IF ov IS NOT NULL AND EXISTS (
            SELECT 1 FROM rules r, team_xact_entry('rule', r.id, ARRAY['rule.apply']) e
            WHERE jsonb_typeof(r.actions::jsonb -> 'sentiment') = 'number'
              AND abs(ov - (r.actions::jsonb ->> 'sentiment')::double precision) < 1e-6
              AND team_rule_applied_to(e.id, e.data, NEW.id)) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'mention %''s sentiment override changed without its mention.override entry (of this score) '
        'in the same transaction: override it through the app', NEW.id USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS mentions_team_override_logged ON mentions;
CREATE CONSTRAINT TRIGGER mentions_team_override_logged AFTER UPDATE OF override ON mentions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.override IS DISTINCT FROM NEW.override)
    EXECUTE FUNCTION team_override_logged();

-- A mention's triage (status and when, assignee, tags, priority, muting): the app writes a
-- mention.triage entry per changed mention with the row's triage as it leaves (Service.set_status,
-- set_statuses, triage); before, triage wrote no entry and a raw `UPDATE mentions SET status =
-- 'archived'` was indistinguishable from the app's. Also vouching, each with its own entry of this
-- transaction: a rule applied to the stored mentions (rule.apply listing the mention), a response
-- sent (response.send of a response to it: team_send marks it responded), a crisis switch of its
-- entity (crisis.on / crisis.off move priorities); and a refresh's rules on the mentions it
-- inserted (team_fresh_mentions), as for overrides. (A bundle import writes no triage.)
CREATE OR REPLACE FUNCTION team_triage_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m record;
    a jsonb;
    d text;
    kept boolean;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    IF team_fresh_mention(NEW.id) THEN
        RETURN NULL;  -- inserted by this transaction (a refresh, whose rules triage what it fetched)
    END IF;
    SELECT entity_id, status, status_at, assignee, tags, priority, muted INTO m FROM mentions WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    -- a status_at that changes is the time of the change, whoever vouches for it (an entry, a rule,
    -- a send): within 5 minutes of the database's clock, as an entry's own time (team_audit_insert).
    -- Before, an honest entry of the rest of the row let `SET status_at = 5` through, and with it
    -- any time to triage or to respond.
    IF m.status_at IS DISTINCT FROM OLD.status_at
       AND NOT COALESCE(abs(m.status_at - extract(epoch FROM clock_timestamp())) <= 300, false) THEN
        RAISE EXCEPTION 'mention %''s status_at (%) is not the time of the change (the database''s clock, '
            'within 5 minutes): triage it through the app', NEW.id, COALESCE(m.status_at::text, 'null')
            USING ERRCODE = '42501';
    END IF;
    SELECT e.data INTO d FROM team_xact_entry('mention', NEW.id, ARRAY['mention.triage']) e;
    IF d IS NOT NULL AND team_triage_is(d, NEW.id) THEN
        RETURN NULL;
    END IF;
    -- the other entries vouch for their own change only, the rest of the triage as this row event
    -- found it (OLD; the first event of a row has the triage the transaction found): a rule its
    -- actions (store/rules.py apply), a send 'responded', a crisis switch the priority. Before,
    -- any of them let any triage through (a rule.apply entry naming any rule and mention, say).
    -- (The comparisons are plpgsql's own expressions: inside the query, which then had 12
    -- parameters, a rule's 2,000 mentions took twice as long.)
    FOR a IN SELECT r.actions::jsonb FROM rules r, team_xact_entry('rule', r.id, ARRAY['rule.apply']) e
             WHERE team_rule_applied_to(e.id, e.data, NEW.id) LOOP
        IF (CASE WHEN COALESCE(a ->> 'status', '') <> '' THEN m.status = a ->> 'status'
                 ELSE m.status = OLD.status AND m.status_at IS NOT DISTINCT FROM OLD.status_at END)
           AND m.assignee = (CASE WHEN COALESCE(a ->> 'assign', '') <> '' THEN a ->> 'assign' ELSE OLD.assignee END)
           AND (CASE WHEN jsonb_typeof(a -> 'priority') = 'number'
                     THEN abs(m.priority - (a ->> 'priority')::double precision) < 1e-9
                     ELSE m.priority = OLD.priority END)
           AND m.muted = (CASE WHEN a -> 'mute' IN ('true', '1') THEN 1 ELSE OLD.muted END)
           AND (CASE WHEN COALESCE(a ->> 'tag', '') <> ''
                     THEN m.tags IN (OLD.tags, CASE WHEN OLD.tags = '' THEN a ->> 'tag'
                                                    ELSE OLD.tags || ',' || (a ->> 'tag') END)
                     ELSE m.tags = OLD.tags END) THEN
            RETURN NULL;
        END IF;
    END LOOP;
    kept := m.assignee = OLD.assignee AND m.tags = OLD.tags AND m.muted = OLD.muted;
    IF (m.status = 'responded' AND kept AND m.priority = OLD.priority
        AND EXISTS (SELECT 1 FROM responses r, team_xact_entry('response', r.id, ARRAY['response.send']) e
                    WHERE r.mention_id = NEW.id))
       OR (kept AND m.status = OLD.status AND m.status_at IS NOT DISTINCT FROM OLD.status_at
           AND EXISTS (SELECT 1 FROM team_xact_entry('entity', m.entity_id, ARRAY['crisis.on', 'crisis.off']))) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'mention %''s triage changed without its mention.triage entry (of this status and its time, '
        'assignee, tags, priority and muting) in the same transaction: triage it through the app', NEW.id USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS mentions_team_triage_logged ON mentions;
CREATE CONSTRAINT TRIGGER mentions_team_triage_logged
    AFTER UPDATE OF status, status_at, assignee, tags, priority, muted ON mentions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.status_at IS DISTINCT FROM NEW.status_at
          OR OLD.assignee IS DISTINCT FROM NEW.assignee OR OLD.tags IS DISTINCT FROM NEW.tags
          OR OLD.priority IS DISTINCT FROM NEW.priority OR OLD.muted IS DISTINCT FROM NEW.muted)
    EXECUTE FUNCTION team_triage_logged();

-- Key messages, templates and rules likewise: a row added, changed or removed by a member needs an
-- entry about it in the same transaction (key_message.*, template.* with its id in the data,
-- rule.*), or the transaction's workspace.import_bundle entry. That the entry's data match the
-- row is not checked here (the row's changed_by names the login all the same).
CREATE OR REPLACE FUNCTION team_config_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    kind text := CASE TG_TABLE_NAME WHEN 'key_messages' THEN 'key_message' WHEN 'rules' THEN 'rule' ELSE 'template' END;
    rid text := CASE WHEN TG_OP = 'DELETE' THEN OLD.id::text ELSE NEW.id::text END;
    e record;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    -- this transaction's entries, newest first: they are the log's newest (writers queue on its lock)
    FOR e IN SELECT action, subject_type, subject_id, data, xmin AS x FROM audit_log ORDER BY id DESC LIMIT 1000 LOOP
        EXIT WHEN NOT team_this_xact(e.x);
        IF e.action = 'workspace.import_bundle' THEN
            RETURN NULL;
        END IF;
        IF e.subject_type = kind AND starts_with(e.action, kind || '.')
           AND (CASE WHEN kind = 'template' THEN e.data::jsonb ->> 'id' ELSE e.subject_id::text END) = rid THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RAISE EXCEPTION '% % changed without its audit entry in the same transaction: change it through the app',
        replace(kind, '_', ' '), rid USING ERRCODE = '42501';
END $$;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['key_messages', 'templates', 'rules'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %I', t || '_team_logged', t);
        EXECUTE format('CREATE CONSTRAINT TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION team_config_logged()',
                       t || '_team_logged', t);
    END LOOP;
END $$;

-- Settings likewise: a setting added, changed or removed by a member (an admin: row-level security
-- above) commits only with a settings.change entry of this transaction naming that key with the
-- value the row has as the transaction leaves it (null: removed); or the transaction's
-- workspace.import_bundle entry, its crisis.on/off entry for that entity's crisis_since_ID, its
-- mention.override entries for pending_overrides (a bundle's overrides landing on articles). Not
-- held: what a refresh or a rescore records about itself (any author may refresh) and the OPML's
-- {query} feeds (feed_templates: feeds themselves have no entries).
CREATE OR REPLACE FUNCTION team_settings_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    k text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
    v jsonb;
    e record;
BEGIN
    IF team_exempt() OR k IN ('last_full_refresh', 'scheduled_last_run', 'rescore_in_progress', 'feed_templates') THEN
        RETURN NULL;
    END IF;
    SELECT value::jsonb INTO v FROM settings WHERE key = k;
    v := COALESCE(v, 'null'::jsonb);
    FOR e IN SELECT action, subject_id, data, xmin AS x FROM audit_log ORDER BY id DESC LIMIT 1000 LOOP
        EXIT WHEN NOT team_this_xact(e.x);
        IF e.action = 'settings.change' THEN
            IF (e.data::jsonb -> 'values' -> k) = v THEN  -- a key it does not name: NULL
                RETURN NULL;
            END IF;
        ELSIF e.action = 'workspace.import_bundle'
              OR (e.action IN ('crisis.on', 'crisis.off') AND k = 'crisis_since_' || e.subject_id)
              OR (e.action = 'mention.override' AND k = 'pending_overrides') THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RAISE EXCEPTION 'setting % changed without its settings.change entry (of this value) in the same transaction: '
        'change it through the app (Settings page or orm-desktop settings set)', k USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS settings_team_logged ON settings;
DROP TRIGGER IF EXISTS settings_team_logged_update ON settings;
CREATE CONSTRAINT TRIGGER settings_team_logged AFTER INSERT OR DELETE ON settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION team_settings_logged();
-- a value written again unchanged (an admin's refresh rewrites pending_overrides as it was) is no change
CREATE CONSTRAINT TRIGGER settings_team_logged_update AFTER UPDATE ON settings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.value IS DISTINCT FROM NEW.value OR OLD.key <> NEW.key)
    EXECUTE FUNCTION team_settings_logged();

-- A mention's score. The effective `sentiment` is what every view, chart and alert reads: it must
-- be the override when there is one, else the machine score (before, an author's
-- `UPDATE mentions SET sentiment = 0.9` committed, a score nobody was accountable for). The
-- machine's scoring (score, engine, evidence, source, confidence) changes only in a rescore, an
-- admin's, whose sentiment.rescore entry in this transaction names the engine and the range of
-- mention ids it covers; a refresh inserts its mentions already scored (no UPDATE: not held,
-- section 10 of docs/team.md). Fires only where a statement changed the machine's scoring or left
-- a row off its scores: an override set or cleared with its score (the app's) costs nothing here.
CREATE OR REPLACE FUNCTION team_score_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    m record;
    d jsonb;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    SELECT sentiment, machine_sentiment, override, engine INTO m FROM mentions WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF m.sentiment IS DISTINCT FROM COALESCE(m.override, m.machine_sentiment) THEN
        RAISE EXCEPTION 'mention %''s sentiment % is neither its override nor its machine score: set a score '
            'through the app (an override, with its entry)', NEW.id, m.sentiment USING ERRCODE = '42501';
    END IF;
    IF TG_OP = 'INSERT' THEN
        RETURN NULL;
    END IF;
    IF OLD.machine_sentiment IS NOT DISTINCT FROM NEW.machine_sentiment AND OLD.engine IS NOT DISTINCT FROM NEW.engine
       AND OLD.evidence IS NOT DISTINCT FROM NEW.evidence AND OLD.score_source IS NOT DISTINCT FROM NEW.score_source
       AND OLD.confidence IS NOT DISTINCT FROM NEW.confidence THEN
        RETURN NULL;  -- this statement left the machine's scoring as it was (the score is checked above)
    END IF;
    -- this transaction's newest rescore entry, among the log's newest (this transaction's entries are
    -- the newest: writers queue on the log's lock). The function takes 46 µs per changed row at load
    -- 1.8, 118-132 under load 5-8 (benchmarks/team_score_settings_checks.py); a loop over the entries, 205.
    SELECT data::jsonb INTO d FROM (SELECT action, data, xmin AS x FROM audit_log ORDER BY id DESC LIMIT 50) newest
        WHERE action = 'sentiment.rescore' AND team_this_xact(x) LIMIT 1;
    IF d ->> 'engine' = m.engine AND jsonb_typeof(d -> 'first_id') = 'number' AND jsonb_typeof(d -> 'last_id') = 'number'
       AND NEW.id BETWEEN (d ->> 'first_id')::numeric AND (d ->> 'last_id')::numeric THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'mention %''s machine score changed without a sentiment.rescore entry (of engine %, covering it) '
        'in the same transaction: rescore through the app (an admin)', NEW.id, m.engine USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS mentions_team_score_insert ON mentions;
DROP TRIGGER IF EXISTS mentions_team_score_update ON mentions;
CREATE CONSTRAINT TRIGGER mentions_team_score_insert AFTER INSERT ON mentions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.sentiment IS DISTINCT FROM COALESCE(NEW.override, NEW.machine_sentiment))
    EXECUTE FUNCTION team_score_logged();
CREATE CONSTRAINT TRIGGER mentions_team_score_update
    AFTER UPDATE OF sentiment, override, machine_sentiment, engine, evidence, score_source, confidence ON mentions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.sentiment IS DISTINCT FROM COALESCE(NEW.override, NEW.machine_sentiment)
          OR OLD.machine_sentiment IS DISTINCT FROM NEW.machine_sentiment OR OLD.engine IS DISTINCT FROM NEW.engine
          OR OLD.evidence IS DISTINCT FROM NEW.evidence OR OLD.score_source IS DISTINCT FROM NEW.score_source
          OR OLD.confidence IS DISTINCT FROM NEW.confidence)
    EXECUTE FUNCTION team_score_logged();

-- A draft's text, by its author (row-level security: nobody else edits it): the app rebuilds it
-- from the draft's history, so a text change commits only with the response.edit entry of this
-- transaction for that response and the version the row has as the transaction leaves it. That
-- the entry's diff yields this text is not checked here (an approval signs the text's SHA-256).
CREATE OR REPLACE FUNCTION team_draft_text_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    ver integer;
    d text;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    SELECT version INTO ver FROM responses WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT e.data INTO d FROM team_xact_entry('response', NEW.id, ARRAY['response.edit']) e;
    IF d IS NOT NULL AND (d::jsonb ->> 'version') = ver::text THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'response %''s text changed without its response.edit entry (of version %) in the same '
        'transaction: edit it through the app', NEW.id, ver USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS responses_team_text_logged ON responses;
CREATE CONSTRAINT TRIGGER responses_team_text_logged AFTER UPDATE OF text ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text)
    EXECUTE FUNCTION team_draft_text_logged();

-- A new draft likewise (before, one INSERTed raw had no response.create entry: its history had no
-- "create" line and workflow.replay could not rebuild its text): it commits only with the
-- response.create entry of this transaction that describes it: its mention, in whose name, and its
-- text (or, when the text was edited in the same transaction, that edit's entry of the row's version).
CREATE OR REPLACE FUNCTION team_draft_created_logged() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r record;
    d jsonb;
    ed text;
BEGIN
    IF team_exempt() THEN
        RETURN NULL;
    END IF;
    SELECT text, version, mention_id, in_name_of INTO r FROM responses WHERE id = NEW.id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT e.data::jsonb INTO d FROM team_xact_entry('response', NEW.id, ARRAY['response.create']) e;
    IF d IS NOT NULL
       AND COALESCE(d -> 'mention', 'null'::jsonb) = COALESCE(to_jsonb(r.mention_id), 'null'::jsonb)
       AND COALESCE(d -> 'in_name_of', 'null'::jsonb) = COALESCE(to_jsonb(r.in_name_of), 'null'::jsonb) THEN
        IF d ->> 'text' = r.text THEN
            RETURN NULL;
        END IF;
        SELECT e.data INTO ed FROM team_xact_entry('response', NEW.id, ARRAY['response.edit']) e;
        IF (ed::jsonb ->> 'version') = r.version::text THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'response % was created without its response.create entry (of this text, mention and name) '
        'in the same transaction: write drafts through the app', NEW.id USING ERRCODE = '42501';
END $$;
DROP TRIGGER IF EXISTS responses_team_created_logged ON responses;
CREATE CONSTRAINT TRIGGER responses_team_created_logged AFTER INSERT ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION team_draft_created_logged();

-- Entries that change no response's state (create, edit, override, export...): a member, in its own
-- name, for what team_audit_rule lets it do. The response transitions have their own functions.
CREATE OR REPLACE FUNCTION team_audit_append(p_at bigint, p_action text, p_subject_type text,
        p_subject_id bigint, p_data text, p_prev text, p_hash text, p_key_id text, p_sig text)
    RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT (team_is('author') OR team_is('approver') OR team_is('executive') OR team_is('admin')) THEN
        RAISE EXCEPTION '% is not a member of this team workspace', session_user USING ERRCODE = '42501';
    END IF;
    PERFORM team_audit_rule(p_action, p_subject_type, p_subject_id, p_data);
    RETURN team_audit_insert(p_at, p_action, p_subject_type, p_subject_id, p_data, p_prev, p_hash, p_key_id, p_sig);
END $$;

-- 7. response state transitions ----------------------------------------------------------------
-- p_data is the audit entry's JSON as the client signed it; its from/to/version/text hash must
-- be the response's real ones. Returns the response's new version.
CREATE OR REPLACE FUNCTION team_transition(p_id bigint, p_action text, p_version integer, p_at bigint,
        p_data text, p_prev text, p_hash text, p_key_id text, p_sig text)
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r responses%ROWTYPE;
    me text := session_user;
    d jsonb := p_data::jsonb;
    target text;
    my_entity bigint;
    speaks_for_me boolean;
BEGIN
    SELECT * INTO r FROM responses WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no response with id %', p_id USING ERRCODE = 'P0002';
    END IF;
    IF r.version <> p_version THEN
        RAISE EXCEPTION 'response % was changed by someone else (version %, now %); reload it', p_id, p_version, r.version
            USING ERRCODE = '40001';
    END IF;
    SELECT entity_id INTO my_entity FROM users WHERE name = me;
    -- the executive: linked to the entity (users.entity_id, which admins write) AND in the executive group
    speaks_for_me := r.in_name_of IS NOT NULL AND my_entity IS NOT DISTINCT FROM r.in_name_of AND team_is('executive');
    target := CASE p_action WHEN 'submit' THEN 'in_review' WHEN 'approve' THEN 'approved'
        WHEN 'request_changes' THEN 'changes_requested' WHEN 'send' THEN 'sent' WHEN 'discard' THEN 'discarded' END;
    IF target IS NULL THEN
        RAISE EXCEPTION 'unknown action %', p_action USING ERRCODE = '22023';
    END IF;
    IF NOT ((p_action = 'submit' AND r.state IN ('draft', 'changes_requested'))
            OR (p_action IN ('approve', 'request_changes') AND r.state = 'in_review')
            OR (p_action = 'send' AND r.state = 'approved')
            OR (p_action = 'discard' AND r.state IN ('draft', 'in_review', 'approved', 'changes_requested'))) THEN
        RAISE EXCEPTION 'cannot % response %: it is %', replace(p_action, '_', ' '), p_id, replace(r.state, '_', ' ')
            USING ERRCODE = '55000';
    END IF;
    IF p_action = 'submit' THEN
        IF r.author <> me OR NOT (team_is('author') OR team_is('approver') OR team_is('admin')) THEN
            RAISE EXCEPTION '% cannot submit response %: only its author submits it', me, p_id USING ERRCODE = '42501';
        END IF;
    ELSIF p_action IN ('approve', 'request_changes') THEN
        IF r.in_name_of IS NOT NULL THEN
            IF NOT speaks_for_me THEN
                RAISE EXCEPTION 'response % speaks in the name of an executive: only that executive can % it',
                    p_id, replace(p_action, '_', ' ') USING ERRCODE = '42501';
            END IF;
        ELSIF NOT (team_is('approver') OR team_is('admin')) THEN
            RAISE EXCEPTION '% is not an approver', me USING ERRCODE = '42501';
        END IF;
        IF p_action = 'approve' AND r.author = me THEN
            RAISE EXCEPTION '% wrote response % and cannot approve it (four-eyes rule)', me, p_id USING ERRCODE = '42501';
        END IF;
        IF p_action = 'request_changes' AND COALESCE(btrim(d->>'comment'), '') = '' THEN
            RAISE EXCEPTION 'say what should change: a comment is required' USING ERRCODE = '22023';
        END IF;
    ELSIF p_action = 'send' THEN
        IF NOT (r.author = me OR team_is('approver') OR team_is('admin')) THEN
            RAISE EXCEPTION '% cannot mark response % sent: its author, an approver or an admin does', me, p_id
                USING ERRCODE = '42501';
        END IF;
        IF COALESCE(btrim(d->>'channel'), '') = '' THEN
            RAISE EXCEPTION 'say where it was sent: a channel is required' USING ERRCODE = '22023';
        END IF;
    ELSIF p_action = 'discard' THEN
        IF NOT (r.author = me OR team_is('approver') OR team_is('admin')) THEN
            RAISE EXCEPTION '% cannot discard response %: its author, an approver or an admin does', me, p_id
                USING ERRCODE = '42501';
        END IF;
    END IF;
    -- the signed entry must describe this very change
    IF d->>'from' IS DISTINCT FROM r.state OR d->>'to' IS DISTINCT FROM target THEN
        RAISE EXCEPTION 'the audit entry does not describe this transition (% -> %)', r.state, target USING ERRCODE = '22023';
    END IF;
    IF p_action IN ('approve', 'send') AND ((d->>'version')::int IS DISTINCT FROM r.version
            OR d->>'text_sha256' IS DISTINCT FROM encode(sha256(convert_to(r.text, 'UTF8')), 'hex')) THEN
        RAISE EXCEPTION 'the audit entry is not for response %''s current version and text', p_id USING ERRCODE = '22023';
    END IF;
    UPDATE responses SET state = target, version = version + 1, updated = p_at,
        submitted_at = CASE WHEN p_action = 'submit' THEN p_at ELSE submitted_at END,
        approver = CASE WHEN p_action = 'approve' THEN me ELSE approver END,
        approved_at = CASE WHEN p_action = 'approve' THEN p_at ELSE approved_at END,
        sent_at = CASE WHEN p_action = 'send' THEN p_at ELSE sent_at END,
        sent_channel = CASE WHEN p_action = 'send' THEN btrim(d->>'channel') ELSE sent_channel END,
        sent_url = CASE WHEN p_action = 'send' THEN COALESCE(btrim(d->>'url'), '') ELSE sent_url END
        WHERE id = p_id;
    PERFORM team_audit_insert(p_at, 'response.' || p_action, 'response', p_id, p_data, p_prev, p_hash, p_key_id, p_sig);
    IF p_action = 'send' AND r.mention_id IS NOT NULL THEN
        UPDATE mentions SET status = 'responded', status_at = p_at, status_by = me WHERE id = r.mention_id;
    END IF;
    RETURN r.version + 1;
END $$;

CREATE OR REPLACE FUNCTION team_submit(p_id bigint, p_version integer, p_at bigint, p_data text,
        p_prev text, p_hash text, p_key_id text, p_sig text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team_transition(p_id, 'submit', p_version, p_at, p_data, p_prev, p_hash, p_key_id, p_sig) $$;
CREATE OR REPLACE FUNCTION team_approve(p_id bigint, p_version integer, p_at bigint, p_data text,
        p_prev text, p_hash text, p_key_id text, p_sig text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team_transition(p_id, 'approve', p_version, p_at, p_data, p_prev, p_hash, p_key_id, p_sig) $$;
CREATE OR REPLACE FUNCTION team_reject(p_id bigint, p_version integer, p_at bigint, p_data text,
        p_prev text, p_hash text, p_key_id text, p_sig text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team_transition(p_id, 'request_changes', p_version, p_at, p_data, p_prev, p_hash, p_key_id, p_sig) $$;
CREATE OR REPLACE FUNCTION team_send(p_id bigint, p_version integer, p_at bigint, p_data text,
        p_prev text, p_hash text, p_key_id text, p_sig text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team_transition(p_id, 'send', p_version, p_at, p_data, p_prev, p_hash, p_key_id, p_sig) $$;
CREATE OR REPLACE FUNCTION team_discard(p_id bigint, p_version integer, p_at bigint, p_data text,
        p_prev text, p_hash text, p_key_id text, p_sig text) RETURNS integer
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT team_transition(p_id, 'discard', p_version, p_at, p_data, p_prev, p_hash, p_key_id, p_sig) $$;

-- 8. users and keys -----------------------------------------------------------------------------
-- Add a login to a group (creating the login when it does not exist yet: p_verifier is the SCRAM
-- verifier the client computed, so no clear-text password reaches the server or its logs).
-- Callable by an admin of this workspace or the owner.
CREATE OR REPLACE FUNCTION team_add_user(p_name text, p_group text, p_verifier text, p_display text DEFAULT '')
    RETURNS text LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    created boolean := false;
    groups text;
BEGIN
    IF NOT (team_is('admin') OR session_user = (SELECT r.rolname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
                                                WHERE d.datname = current_database())) THEN
        RAISE EXCEPTION '% is not an admin of this team workspace', session_user USING ERRCODE = '42501';
    END IF;
    IF p_group NOT IN ('author', 'approver', 'executive', 'admin') THEN
        RAISE EXCEPTION 'roles are author, approver, executive, admin (not %)', p_group USING ERRCODE = '22023';
    END IF;
    IF p_name !~ '^[a-z][a-z0-9_]{0,39}$' OR p_name LIKE '@P@\_%' OR p_name IN ('public', 'workspace') THEN
        RAISE EXCEPTION 'a login name is lower-case letters, digits and _, starts with a letter, has at most 40 '
            'characters and does not start with @P@_ (the group roles): %', p_name USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        IF COALESCE(p_verifier, '') = '' THEN
            RAISE EXCEPTION 'a new login needs a password' USING ERRCODE = '22023';
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_name, p_verifier);
        created := true;
    ELSIF (SELECT rolsuper FROM pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION '% is a superuser and cannot be a team member', p_name USING ERRCODE = '42501';
    END IF;
    EXECUTE format('GRANT %I TO %I', '@P@_' || p_group, p_name);
    SELECT string_agg(g, ',' ORDER BY g) INTO groups FROM unnest(ARRAY['admin', 'approver', 'author', 'executive']) g
        WHERE pg_has_role(p_name, '@P@_' || g, 'MEMBER');
    INSERT INTO users (name, display_name, roles, created)
        VALUES (p_name, COALESCE(NULLIF(p_display, ''), p_name), groups, extract(epoch FROM now())::bigint)
        ON CONFLICT (name) DO UPDATE SET roles = EXCLUDED.roles;
    RETURN CASE WHEN created THEN 'created' ELSE 'granted' END;
END $$;

CREATE OR REPLACE FUNCTION team_remove_user(p_name text, p_group text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE groups text;
BEGIN
    IF NOT team_is('admin') THEN
        RAISE EXCEPTION '% is not an admin of this team workspace', session_user USING ERRCODE = '42501';
    END IF;
    IF p_group NOT IN ('author', 'approver', 'executive', 'admin') THEN
        RAISE EXCEPTION 'roles are author, approver, executive, admin (not %)', p_group USING ERRCODE = '22023';
    END IF;
    EXECUTE format('REVOKE %I FROM %I', '@P@_' || p_group, p_name);
    SELECT COALESCE(string_agg(g, ',' ORDER BY g), '') INTO groups
        FROM unnest(ARRAY['admin', 'approver', 'author', 'executive']) g WHERE pg_has_role(p_name, '@P@_' || g, 'MEMBER');
    UPDATE users SET roles = groups WHERE name = p_name;
END $$;

-- An admin (or the owner) vouches that key p_key_id is p_name's: only then does it sign entries.
CREATE OR REPLACE FUNCTION team_approve_key(p_name text, p_key_id text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE owner_name text;
BEGIN
    SELECT r.rolname INTO owner_name FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE d.datname = current_database();
    IF NOT (team_is('admin') OR session_user = owner_name) THEN
        RAISE EXCEPTION '% is not an admin of this team workspace', session_user USING ERRCODE = '42501';
    END IF;
    IF p_name = session_user AND session_user <> owner_name THEN
        RAISE EXCEPTION 'another admin (or the owner) approves an admin''s own key' USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM user_keys WHERE name = p_name AND key_id = p_key_id) THEN
        RAISE EXCEPTION '% has not registered the key %', p_name, p_key_id USING ERRCODE = 'P0002';
    END IF;
    INSERT INTO team_key_approvals (name, key_id, approved_by) VALUES (p_name, p_key_id, session_user)
        ON CONFLICT DO NOTHING;
END $$;

-- who may run what: nobody by default, members explicitly
DO $$
DECLARE f text;
BEGIN
    FOR f IN SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.proname LIKE 'team\_%' LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END $$;
GRANT EXECUTE ON FUNCTION team_entry_hash(text, bigint, text, text, text, bigint, text, text), team_is(text),
    team_audit_head()
    TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
GRANT EXECUTE ON FUNCTION team_audit_append(bigint, text, text, bigint, text, text, text, text, text)
    TO @P@_author, @P@_approver, @P@_executive, @P@_admin;
GRANT EXECUTE ON FUNCTION team_submit(bigint, integer, bigint, text, text, text, text, text),
    team_send(bigint, integer, bigint, text, text, text, text, text),
    team_discard(bigint, integer, bigint, text, text, text, text, text)
    TO @P@_author, @P@_approver, @P@_admin;
GRANT EXECUTE ON FUNCTION team_approve(bigint, integer, bigint, text, text, text, text, text),
    team_reject(bigint, integer, bigint, text, text, text, text, text)
    TO @P@_approver, @P@_executive, @P@_admin;
GRANT EXECUTE ON FUNCTION team_add_user(text, text, text, text), team_remove_user(text, text),
    team_approve_key(text, text) TO @P@_admin;
"""
