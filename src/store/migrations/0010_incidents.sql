CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"source" text NOT NULL,
	"dedup_key" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"summary" text NOT NULL,
	"service" text,
	"labels" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"count" integer DEFAULT 1 NOT NULL,
	"flaps" integer DEFAULT 0 NOT NULL,
	"incident_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "check_results" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "check_results_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"check_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"ok" boolean NOT NULL,
	"latency_ms" integer,
	"status_code" integer,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "component_status_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "component_status_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"component_id" text NOT NULL,
	"status" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"cause" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "component_uptime_days" (
	"workspace_id" text NOT NULL,
	"component_id" text NOT NULL,
	"day" date NOT NULL,
	"major_seconds" integer DEFAULT 0 NOT NULL,
	"partial_seconds" integer DEFAULT 0 NOT NULL,
	"degraded_seconds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "component_uptime_days_workspace_id_component_id_day_pk" PRIMARY KEY("workspace_id","component_id","day")
);
--> statement-breakpoint
CREATE TABLE "escalation_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"repeat" integer DEFAULT 0 NOT NULL,
	"severities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "health_checks" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pack_check" text,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"interval_ms" integer NOT NULL,
	"timeout_ms" integer NOT NULL,
	"expect_status" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"keyword" text,
	"latency_threshold_ms" integer,
	"failure_threshold" integer DEFAULT 1 NOT NULL,
	"recovery_threshold" integer DEFAULT 1 NOT NULL,
	"severity" text,
	"component" text,
	"status" text DEFAULT 'unknown' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"consecutive_successes" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"last_run_at" timestamp with time zone,
	"last_change_at" timestamp with time zone,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "heartbeat_pings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "heartbeat_pings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"heartbeat_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"duration_ms" integer,
	"body" text,
	"remote_address" text
);
--> statement-breakpoint
CREATE TABLE "heartbeats" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pack_heartbeat" text,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"period_ms" integer,
	"schedule" text,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"grace_ms" integer NOT NULL,
	"severity" text,
	"component" text,
	"status" text DEFAULT 'new' NOT NULL,
	"last_ping_at" timestamp with time zone,
	"last_start_at" timestamp with time zone,
	"down_at" timestamp with time zone,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_counters" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_reviews" (
	"workspace_id" text NOT NULL,
	"incident_id" text NOT NULL,
	"sections" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"due_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"published_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_reviews_workspace_id_incident_id_pk" PRIMARY KEY("workspace_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "incident_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"incident_id" text NOT NULL,
	"status" text NOT NULL,
	"audience" text NOT NULL,
	"body" jsonb NOT NULL,
	"template" text,
	"approval" text DEFAULT 'approved' NOT NULL,
	"approved_by" text,
	"posted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"kind" text,
	"service" text,
	"restricted" boolean DEFAULT false NOT NULL,
	"roles" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"pack_id" text,
	"pack_version" text,
	"clocks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"next_due_at" timestamp with time zone,
	"breached" boolean DEFAULT false NOT NULL,
	"group_key" text,
	"declared_by" text NOT NULL,
	"started_at" timestamp with time zone,
	"detected_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"mitigated_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_prefix" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_alert_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "maintenance_windows" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "oncall_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"schedule_id" text NOT NULL,
	"user_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oncall_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"rotation" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text NOT NULL,
	"layers" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pages" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"incident_id" text NOT NULL,
	"policy_id" text NOT NULL,
	"status" text DEFAULT 'triggered' NOT NULL,
	"step" integer DEFAULT 0 NOT NULL,
	"pass" integer DEFAULT 0 NOT NULL,
	"log" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"acknowledged_by" text,
	"acknowledged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_components" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"group_name" text,
	"position" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'operational' NOT NULL,
	"uptime_target" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "status_subscribers" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"token_hash" text NOT NULL,
	"confirmed_at" timestamp with time zone,
	"unsubscribed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threshold_states" (
	"workspace_id" text NOT NULL,
	"series" text NOT NULL,
	"threshold" text NOT NULL,
	"last_value" real NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"breaching_since" timestamp with time zone,
	"firing" boolean DEFAULT false NOT NULL,
	CONSTRAINT "threshold_states_workspace_id_series_pk" PRIMARY KEY("workspace_id","series")
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "check_results" ADD CONSTRAINT "check_results_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "component_status_changes" ADD CONSTRAINT "component_status_changes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "component_uptime_days" ADD CONSTRAINT "component_uptime_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_policies" ADD CONSTRAINT "escalation_policies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_checks" ADD CONSTRAINT "health_checks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heartbeat_pings" ADD CONSTRAINT "heartbeat_pings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "heartbeats" ADD CONSTRAINT "heartbeats_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_counters" ADD CONSTRAINT "incident_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_reviews" ADD CONSTRAINT "incident_reviews_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_updates" ADD CONSTRAINT "incident_updates_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_overrides" ADD CONSTRAINT "oncall_overrides_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oncall_schedules" ADD CONSTRAINT "oncall_schedules_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_components" ADD CONSTRAINT "status_components_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_subscribers" ADD CONSTRAINT "status_subscribers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threshold_states" ADD CONSTRAINT "threshold_states_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts" USING btree ("workspace_id","dedup_key") WHERE "alerts"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_key" ON "alerts" USING btree ("workspace_id","dedup_key","created_at");--> statement-breakpoint
CREATE INDEX "alerts_incident" ON "alerts" USING btree ("workspace_id","incident_id");--> statement-breakpoint
CREATE INDEX "alerts_open" ON "alerts" USING btree ("workspace_id","last_seen_at") WHERE "alerts"."status" <> 'resolved';--> statement-breakpoint
CREATE INDEX "check_results_check" ON "check_results" USING btree ("workspace_id","check_id","at");--> statement-breakpoint
CREATE INDEX "component_status_changes_component" ON "component_status_changes" USING btree ("workspace_id","component_id","at");--> statement-breakpoint
CREATE INDEX "escalation_policies_workspace" ON "escalation_policies" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "health_checks_workspace" ON "health_checks" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "health_checks_due" ON "health_checks" USING btree ("next_run_at") WHERE "health_checks"."enabled";--> statement-breakpoint
CREATE INDEX "heartbeat_pings_heartbeat" ON "heartbeat_pings" USING btree ("workspace_id","heartbeat_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "heartbeats_token" ON "heartbeats" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "heartbeats_workspace" ON "heartbeats" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "incident_updates_incident" ON "incident_updates" USING btree ("workspace_id","incident_id","created_at");--> statement-breakpoint
CREATE INDEX "incident_updates_published" ON "incident_updates" USING btree ("workspace_id","published_at") WHERE "incident_updates"."published_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_number" ON "incidents" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "incidents_open" ON "incidents" USING btree ("workspace_id","detected_at") WHERE "incidents"."resolved_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_open_group" ON "incidents" USING btree ("workspace_id","group_key") WHERE "incidents"."resolved_at" is null and "incidents"."group_key" is not null;--> statement-breakpoint
CREATE INDEX "incidents_detected" ON "incidents" USING btree ("workspace_id","detected_at");--> statement-breakpoint
CREATE UNIQUE INDEX "integrations_token" ON "integrations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "integrations_workspace" ON "integrations" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "maintenance_windows_time" ON "maintenance_windows" USING btree ("workspace_id","ends_at");--> statement-breakpoint
CREATE INDEX "oncall_overrides_schedule" ON "oncall_overrides" USING btree ("workspace_id","schedule_id","ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "oncall_schedules_rotation" ON "oncall_schedules" USING btree ("workspace_id","rotation");--> statement-breakpoint
CREATE UNIQUE INDEX "pages_incident_policy" ON "pages" USING btree ("workspace_id","incident_id","policy_id");--> statement-breakpoint
CREATE INDEX "status_components_workspace" ON "status_components" USING btree ("workspace_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "status_subscribers_address" ON "status_subscribers" USING btree ("workspace_id","kind","address");--> statement-breakpoint
CREATE UNIQUE INDEX "status_subscribers_token" ON "status_subscribers" USING btree ("token_hash");--> statement-breakpoint

-- The app role's grants. History tables (results, pings, status changes) are append-only for it.
GRANT SELECT, INSERT, UPDATE, DELETE ON incidents, incident_counters, incident_updates, integrations, alerts,
  health_checks, heartbeats, threshold_states, maintenance_windows, status_components, component_uptime_days,
  status_subscribers, oncall_schedules, oncall_overrides, escalation_policies, pages, incident_reviews TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON check_results, heartbeat_pings, component_status_changes TO opsbook_app;
--> statement-breakpoint
-- Row-level security on every incident table (S2).
ALTER TABLE incidents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE incidents FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY incidents_tenant ON incidents
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE incident_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE incident_counters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY incident_counters_tenant ON incident_counters
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE incident_updates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE incident_updates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY incident_updates_tenant ON incident_updates
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE integrations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE integrations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY integrations_tenant ON integrations
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE alerts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE alerts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY alerts_tenant ON alerts
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE health_checks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE health_checks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY health_checks_tenant ON health_checks
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE check_results ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE check_results FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY check_results_tenant ON check_results
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE heartbeats ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE heartbeats FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY heartbeats_tenant ON heartbeats
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE heartbeat_pings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE heartbeat_pings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY heartbeat_pings_tenant ON heartbeat_pings
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE threshold_states ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE threshold_states FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY threshold_states_tenant ON threshold_states
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE maintenance_windows ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE maintenance_windows FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY maintenance_windows_tenant ON maintenance_windows
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE status_components ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE status_components FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY status_components_tenant ON status_components
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE component_status_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE component_status_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY component_status_changes_tenant ON component_status_changes
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE component_uptime_days ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE component_uptime_days FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY component_uptime_days_tenant ON component_uptime_days
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE status_subscribers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE status_subscribers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY status_subscribers_tenant ON status_subscribers
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE oncall_schedules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE oncall_schedules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY oncall_schedules_tenant ON oncall_schedules
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE oncall_overrides ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE oncall_overrides FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY oncall_overrides_tenant ON oncall_overrides
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE escalation_policies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE escalation_policies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY escalation_policies_tenant ON escalation_policies
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE pages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY pages_tenant ON pages
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE incident_reviews ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE incident_reviews FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY incident_reviews_tenant ON incident_reviews
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- Which workspace a token names, before any workspace is known: an alert integration's token (its URL or
-- its PagerDuty routing key), a heartbeat's ping URL, a status-page subscriber's confirm/unsubscribe link.
GRANT SELECT ON integrations, heartbeats, status_subscribers TO opsbook_system;
--> statement-breakpoint
CREATE POLICY integrations_system ON integrations FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE POLICY heartbeats_system ON heartbeats FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE POLICY status_subscribers_system ON status_subscribers FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_integration_by_token(p_hash text)
RETURNS TABLE (id text, workspace_id text, kind text, enabled boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, workspace_id, kind, enabled FROM integrations WHERE token_hash = p_hash
$$;
--> statement-breakpoint
CREATE FUNCTION opsbook_heartbeat_by_token(p_hash text)
RETURNS TABLE (id text, workspace_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, workspace_id FROM heartbeats WHERE token_hash = p_hash
$$;
--> statement-breakpoint
CREATE FUNCTION opsbook_subscriber_by_token(p_hash text)
RETURNS TABLE (id text, workspace_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, workspace_id FROM status_subscribers WHERE token_hash = p_hash
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_integration_by_token(text) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_heartbeat_by_token(text) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_subscriber_by_token(text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_integration_by_token(text), opsbook_heartbeat_by_token(text),
  opsbook_subscriber_by_token(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_integration_by_token(text), opsbook_heartbeat_by_token(text),
  opsbook_subscriber_by_token(text) TO opsbook_app;
--> statement-breakpoint
-- The health-check scheduler claims due checks of every workspace under a lease, as the timer worker does
-- (0005): picked by ctid, "now" as statement_timestamp() unless given. The runs are then recorded inside
-- each check's workspace.
GRANT SELECT, UPDATE ON health_checks TO opsbook_system;
--> statement-breakpoint
CREATE POLICY health_checks_system ON health_checks TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_claim_checks(p_worker text, p_limit integer, p_lease_seconds integer, p_now timestamptz)
RETURNS SETOF health_checks LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH due AS (
    SELECT ctid FROM health_checks
     WHERE enabled
       AND next_run_at <= coalesce(p_now, statement_timestamp())
       AND (locked_until IS NULL OR locked_until <= coalesce(p_now, statement_timestamp()))
     ORDER BY next_run_at
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED)
  UPDATE health_checks c
     SET locked_by = p_worker,
         locked_until = coalesce(p_now, statement_timestamp()) + make_interval(secs => p_lease_seconds)
   WHERE c.ctid = ANY (ARRAY(SELECT ctid FROM due))
  RETURNING c.*;
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_claim_checks(text, integer, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_claim_checks(text, integer, integer, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_claim_checks(text, integer, integer, timestamptz) TO opsbook_app;
