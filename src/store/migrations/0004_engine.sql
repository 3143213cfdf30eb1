CREATE TABLE "effects" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "effects_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"subject" text NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subjects" (
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"pack_id" text NOT NULL,
	"pack_version" text NOT NULL,
	"pack_hash" text NOT NULL,
	"state" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subjects_workspace_id_key_pk" PRIMARY KEY("workspace_id","key")
);
--> statement-breakpoint
ALTER TABLE "effects" ADD CONSTRAINT "effects_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subjects" ADD CONSTRAINT "subjects_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "effects_key" ON "effects" USING btree ("workspace_id","key");--> statement-breakpoint
CREATE INDEX "effects_subject" ON "effects" USING btree ("workspace_id","subject","id");--> statement-breakpoint
CREATE INDEX "subjects_kind" ON "subjects" USING btree ("workspace_id","kind");--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON subjects TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON effects TO opsbook_app;
--> statement-breakpoint
ALTER TABLE subjects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE subjects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY subjects_tenant ON subjects
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE effects ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE effects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY effects_tenant ON effects
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- Effects are append-only, whatever the role (as the timeline).
CREATE TRIGGER effects_append_only BEFORE UPDATE OR DELETE ON effects
  FOR EACH ROW EXECUTE FUNCTION opsbook_refuse_change();
--> statement-breakpoint
CREATE TRIGGER effects_no_truncate BEFORE TRUNCATE ON effects
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_refuse_change();
--> statement-breakpoint

-- How long an idle worker may sleep: milliseconds until the earliest timer or pending message becomes
-- claimable (due, and not under a live lease), at most p_cap_ms. p_now NULL means the database's clock.
-- Leased rows are due by construction (they were claimed), so only rows with run_at <= now are searched
-- for the earliest lapsing lease: the in-flight batches, a bounded set.
CREATE FUNCTION opsbook_next_wake_ms(p_now timestamptz, p_cap_ms integer)
RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n timestamptz := coalesce(p_now, clock_timestamp());
  next_at timestamptz := n + make_interval(secs => p_cap_ms / 1000.0);
  t timestamptz;
BEGIN
  SELECT run_at INTO t FROM timers
   WHERE locked_until IS NULL OR locked_until <= n
   ORDER BY run_at LIMIT 1;
  IF t IS NOT NULL AND t <= n THEN RETURN 0; END IF;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  SELECT next_attempt_at INTO t FROM outbox
   WHERE status = 'pending' AND (locked_until IS NULL OR locked_until <= n)
   ORDER BY next_attempt_at LIMIT 1;
  IF t IS NOT NULL AND t <= n THEN RETURN 0; END IF;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  SELECT min(locked_until) INTO t FROM timers WHERE run_at <= n AND locked_until > n;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  SELECT min(locked_until) INTO t FROM outbox
   WHERE status = 'pending' AND next_attempt_at <= n AND locked_until > n;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  RETURN greatest(0, ceil(extract(epoch FROM next_at - n) * 1000))::integer;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_next_wake_ms(timestamptz, integer) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_next_wake_ms(timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_next_wake_ms(timestamptz, integer) TO opsbook_app;
