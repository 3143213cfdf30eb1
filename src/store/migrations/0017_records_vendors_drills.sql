CREATE TABLE "record_counters" (
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"last_number" integer NOT NULL,
	CONSTRAINT "record_counters_workspace_id_kind_pk" PRIMARY KEY("workspace_id","kind")
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"number" integer NOT NULL,
	"ref" text NOT NULL,
	"title" text NOT NULL,
	"state" text NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"pack_id" text NOT NULL,
	"pack_version" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"clocks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"next_due_at" timestamp with time zone,
	"breached" boolean DEFAULT false NOT NULL,
	"ended_at" timestamp with time zone,
	"shipped_at" timestamp with time zone,
	"monitoring_ends_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "restore_drills" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"check" text NOT NULL,
	"objective" text,
	"backup_set" text,
	"run_id" text,
	"pack_id" text NOT NULL,
	"pack_version" text NOT NULL,
	"performed_at" timestamp with time zone NOT NULL,
	"restore_ms" integer NOT NULL,
	"data_loss_ms" integer NOT NULL,
	"rto_ms" integer,
	"rpo_ms" integer,
	"met_rto" boolean,
	"met_rpo" boolean,
	"succeeded" boolean NOT NULL,
	"note" text,
	"recorded_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vendor_scorecards" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"vendor" text NOT NULL,
	"pack_id" text NOT NULL,
	"pack_version" text NOT NULL,
	"scores" jsonb NOT NULL,
	"weights" jsonb NOT NULL,
	"weighted" double precision NOT NULL,
	"note" text,
	"scored_by" text NOT NULL,
	"scored_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "record_counters" ADD CONSTRAINT "record_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restore_drills" ADD CONSTRAINT "restore_drills_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vendor_scorecards" ADD CONSTRAINT "vendor_scorecards_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "records_number" ON "records" USING btree ("workspace_id","kind","number");--> statement-breakpoint
CREATE UNIQUE INDEX "records_ref" ON "records" USING btree ("workspace_id","ref");--> statement-breakpoint
CREATE INDEX "records_state" ON "records" USING btree ("workspace_id","kind","state","created_at");--> statement-breakpoint
CREATE INDEX "records_monitoring" ON "records" USING btree ("workspace_id","monitoring_ends_at");--> statement-breakpoint
CREATE INDEX "restore_drills_check" ON "restore_drills" USING btree ("workspace_id","check","performed_at");--> statement-breakpoint
CREATE INDEX "vendor_scorecards_vendor" ON "vendor_scorecards" USING btree ("workspace_id","vendor","scored_at");
--> statement-breakpoint
-- A record keeps what people wrote; its state, clocks and links change as it is worked. Scorecards and
-- drills are history: added, never changed.
GRANT SELECT, INSERT ON records TO opsbook_app;
--> statement-breakpoint
GRANT UPDATE (title, state, fields, attachments, links, updated_at, clocks, next_due_at, breached, ended_at, shipped_at, monitoring_ends_at) ON records TO opsbook_app;
--> statement-breakpoint
ALTER TABLE records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE records FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY records_tenant ON records
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (last_number) ON record_counters TO opsbook_app;
--> statement-breakpoint
ALTER TABLE record_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE record_counters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY record_counters_tenant ON record_counters
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
GRANT SELECT, INSERT ON vendor_scorecards TO opsbook_app;
--> statement-breakpoint
ALTER TABLE vendor_scorecards ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE vendor_scorecards FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY vendor_scorecards_tenant ON vendor_scorecards
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
GRANT SELECT, INSERT ON restore_drills TO opsbook_app;
--> statement-breakpoint
ALTER TABLE restore_drills ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE restore_drills FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY restore_drills_tenant ON restore_drills
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- A release's go/no-go item is owned by the release type's approver, which only the release knows: the
-- records module sets the item's owner when the release's checklist opens.
GRANT UPDATE (owner) ON checklist_items TO opsbook_app;
