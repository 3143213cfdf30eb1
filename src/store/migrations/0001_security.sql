-- Tenant isolation, roles and the cross-tenant work queue functions.
--
-- opsbook_app: what the application runs as on both engines (SET ROLE on PGlite, the `role` startup
--   option on PostgreSQL). Not a superuser, not BYPASSRLS, owns nothing, so row-level security applies.
-- opsbook_system: NOLOGIN. Owns only the SECURITY DEFINER functions that claim due timers and messages
--   across workspaces; it may read and update timers and outbox, nothing else.
DO $$ BEGIN
  CREATE ROLE opsbook_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$ BEGIN
  CREATE ROLE opsbook_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
GRANT opsbook_app TO CURRENT_USER;
--> statement-breakpoint
GRANT opsbook_system TO CURRENT_USER;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO opsbook_app, opsbook_system;
--> statement-breakpoint
GRANT USAGE ON SCHEMA drizzle TO opsbook_app;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON workspaces, users, memberships, sessions, timers, outbox TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON timeline_events TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, UPDATE ON timers, outbox TO opsbook_system;
--> statement-breakpoint

-- The tenant of the current transaction, set with set_config(..., true) by Database.inWorkspace.
CREATE FUNCTION opsbook_workspace() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('opsbook.workspace_id', true), '') $$;
--> statement-breakpoint
CREATE FUNCTION opsbook_user() RETURNS text LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('opsbook.user_id', true), '') $$;
--> statement-breakpoint

ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A workspace row is changed only inside its own transactions; its members may also read it (to list
-- "my workspaces"). Permissive policies OR together per command, so the member clause is SELECT-only.
CREATE POLICY workspaces_tenant ON workspaces
  USING (id = opsbook_workspace()) WITH CHECK (id = opsbook_workspace());
--> statement-breakpoint
CREATE POLICY workspaces_member_read ON workspaces FOR SELECT
  USING (id IN (SELECT m.workspace_id FROM memberships m WHERE m.user_id = opsbook_user()));
--> statement-breakpoint
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY memberships_tenant ON memberships
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
CREATE POLICY memberships_own_read ON memberships FOR SELECT USING (user_id = opsbook_user());
--> statement-breakpoint
ALTER TABLE timeline_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE timeline_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY timeline_events_tenant ON timeline_events
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE timers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE timers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY timers_tenant ON timers
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
CREATE POLICY timers_system ON timers TO opsbook_system USING (true) WITH CHECK (true);
--> statement-breakpoint
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY outbox_tenant ON outbox
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
CREATE POLICY outbox_system ON outbox TO opsbook_system USING (true) WITH CHECK (true);
--> statement-breakpoint

-- The timeline is append-only, whatever the role.
CREATE FUNCTION opsbook_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER timeline_events_append_only BEFORE UPDATE OR DELETE ON timeline_events
  FOR EACH ROW EXECUTE FUNCTION opsbook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER timeline_events_no_truncate BEFORE TRUNCATE ON timeline_events
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_refuse_change();
--> statement-breakpoint

-- Wake sleeping workers when work is added or moved (delivered at commit; repeats in one commit fold).
CREATE FUNCTION opsbook_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsbook_wake', TG_TABLE_NAME);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER timers_wake AFTER INSERT OR UPDATE OF run_at ON timers
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_wake();
--> statement-breakpoint
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_wake();
--> statement-breakpoint

-- Claim due timers across workspaces under a lease. p_now NULL means the database's own clock.
CREATE FUNCTION opsbook_claim_timers(p_worker text, p_limit integer, p_lease_seconds integer, p_now timestamptz)
RETURNS SETOF timers LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH due AS (
    SELECT workspace_id, key FROM timers
     WHERE run_at <= coalesce(p_now, clock_timestamp())
       AND (locked_until IS NULL OR locked_until <= coalesce(p_now, clock_timestamp()))
     ORDER BY run_at
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED)
  UPDATE timers t
     SET locked_by = p_worker,
         locked_until = coalesce(p_now, clock_timestamp()) + make_interval(secs => p_lease_seconds),
         attempts = t.attempts + 1
    FROM due
   WHERE t.workspace_id = due.workspace_id AND t.key = due.key
  RETURNING t.*;
$$;
--> statement-breakpoint
CREATE FUNCTION opsbook_claim_outbox(p_worker text, p_limit integer, p_lease_seconds integer, p_now timestamptz)
RETURNS SETOF outbox LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH due AS (
    SELECT id FROM outbox
     WHERE status = 'pending'
       AND next_attempt_at <= coalesce(p_now, clock_timestamp())
       AND (locked_until IS NULL OR locked_until <= coalesce(p_now, clock_timestamp()))
     ORDER BY next_attempt_at
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED)
  UPDATE outbox o
     SET locked_by = p_worker,
         locked_until = coalesce(p_now, clock_timestamp()) + make_interval(secs => p_lease_seconds),
         attempts = o.attempts + 1
    FROM due
   WHERE o.id = due.id
  RETURNING o.*;
$$;
--> statement-breakpoint
-- Heartbeat: push the lease of the rows claimed under p_worker (a worker claims each batch under its own
-- token, so rows of a batch it abandoned are not kept alive); returns how many rows that still is.
CREATE FUNCTION opsbook_extend_leases(p_worker text, p_lease_seconds integer, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n integer; m integer;
BEGIN
  UPDATE timers SET locked_until = coalesce(p_now, clock_timestamp()) + make_interval(secs => p_lease_seconds)
   WHERE locked_by = p_worker;
  GET DIAGNOSTICS n = ROW_COUNT;
  UPDATE outbox SET locked_until = coalesce(p_now, clock_timestamp()) + make_interval(secs => p_lease_seconds)
   WHERE locked_by = p_worker AND status = 'pending';
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END $$;
--> statement-breakpoint
-- Hand back what a batch token (or, given a worker id, every batch `<worker>:<n>` of it) holds, so others
-- take it at once: at shutdown, and after a batch was cut short.
CREATE FUNCTION opsbook_release_leases(p_worker text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n integer; m integer;
BEGIN
  UPDATE timers SET locked_by = NULL, locked_until = NULL, attempts = greatest(attempts - 1, 0)
   WHERE locked_by = p_worker OR starts_with(locked_by, p_worker || ':');
  GET DIAGNOSTICS n = ROW_COUNT;
  UPDATE outbox SET locked_by = NULL, locked_until = NULL, attempts = greatest(attempts - 1, 0)
   WHERE (locked_by = p_worker OR starts_with(locked_by, p_worker || ':')) AND status = 'pending';
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_claim_timers(text, integer, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_claim_outbox(text, integer, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_extend_leases(text, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_release_leases(text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_claim_timers(text, integer, integer, timestamptz), opsbook_claim_outbox(text, integer, integer, timestamptz), opsbook_extend_leases(text, integer, timestamptz), opsbook_release_leases(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_claim_timers(text, integer, integer, timestamptz), opsbook_claim_outbox(text, integer, integer, timestamptz), opsbook_extend_leases(text, integer, timestamptz), opsbook_release_leases(text) TO opsbook_app;
