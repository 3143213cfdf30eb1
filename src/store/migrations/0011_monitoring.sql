CREATE TABLE "check_days" (
	"workspace_id" text NOT NULL,
	"check_id" text NOT NULL,
	"day" date NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"latency_sum_ms" bigint DEFAULT 0 NOT NULL,
	"latency_max_ms" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "check_days_workspace_id_check_id_day_pk" PRIMARY KEY("workspace_id","check_id","day")
);
--> statement-breakpoint
CREATE TABLE "check_status_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "check_status_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"check_id" text NOT NULL,
	"status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"reason" text
);
--> statement-breakpoint
ALTER TABLE "health_checks" ADD COLUMN "last_latency_ms" integer;--> statement-breakpoint
ALTER TABLE "health_checks" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "health_checks" ADD COLUMN "missed_runs" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "health_checks" ADD COLUMN "alerting" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD COLUMN "alerting" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "check_days" ADD CONSTRAINT "check_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_status_changes" ADD CONSTRAINT "check_status_changes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "check_status_changes_check" ON "check_status_changes" USING btree ("workspace_id","check_id","at");--> statement-breakpoint
CREATE INDEX "check_results_at" ON "check_results" USING brin ("at");--> statement-breakpoint
CREATE INDEX "heartbeat_pings_at" ON "heartbeat_pings" USING brin ("at");--> statement-breakpoint

-- The app role's grants: status changes are append-only history; day roll-ups are upserted as results come.
GRANT SELECT, INSERT, DELETE ON check_status_changes TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON check_days TO opsbook_app;
--> statement-breakpoint
ALTER TABLE check_status_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE check_status_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY check_status_changes_tenant ON check_status_changes
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE check_days ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE check_days FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY check_days_tenant ON check_days
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- Retention (docs/monitoring.md): raw check results and heartbeat pings older than the cut-offs are deleted
-- across workspaces, at most p_limit of each per call, by the health-check scheduler. Status changes and day
-- roll-ups are kept. The BRIN indexes on `at` find the old rows.
GRANT SELECT, DELETE ON check_results, heartbeat_pings TO opsbook_system;
--> statement-breakpoint
CREATE POLICY check_results_system ON check_results TO opsbook_system USING (true);
--> statement-breakpoint
CREATE POLICY heartbeat_pings_system ON heartbeat_pings TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_purge_monitoring(p_results_before timestamptz, p_pings_before timestamptz, p_limit integer)
RETURNS TABLE (results integer, pings integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r integer;
  p integer;
BEGIN
  -- One purge at a time: a second scheduler finds the lock taken and leaves the work to the first.
  IF NOT pg_try_advisory_xact_lock(7311907011) THEN
    RETURN QUERY SELECT 0, 0;
    RETURN;
  END IF;
  DELETE FROM check_results WHERE id IN (
    SELECT id FROM check_results WHERE at < p_results_before LIMIT p_limit);
  GET DIAGNOSTICS r = ROW_COUNT;
  DELETE FROM heartbeat_pings WHERE id IN (
    SELECT id FROM heartbeat_pings WHERE at < p_pings_before LIMIT p_limit);
  GET DIAGNOSTICS p = ROW_COUNT;
  RETURN QUERY SELECT r, p;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_purge_monitoring(timestamptz, timestamptz, integer) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_purge_monitoring(timestamptz, timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_purge_monitoring(timestamptz, timestamptz, integer) TO opsbook_app;
--> statement-breakpoint
-- A stopping scheduler hands back the checks it claimed and has not run, in every workspace at once.
CREATE FUNCTION opsbook_release_checks(p_worker text)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  UPDATE health_checks SET locked_by = NULL, locked_until = NULL WHERE locked_by = p_worker;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_release_checks(text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_release_checks(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_release_checks(text) TO opsbook_app;
--> statement-breakpoint
-- The scheduler's lease heartbeat: a check in flight (a slow target, up to its timeout) stays leased, and
-- a killed scheduler's checks are free again a lease (30 s) later.
CREATE FUNCTION opsbook_extend_check_leases(p_worker text, p_lease_seconds integer, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  UPDATE health_checks
     SET locked_until = coalesce(p_now, statement_timestamp()) + make_interval(secs => p_lease_seconds)
   WHERE locked_by = p_worker;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_extend_check_leases(text, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_extend_check_leases(text, integer, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_extend_check_leases(text, integer, timestamptz) TO opsbook_app;
