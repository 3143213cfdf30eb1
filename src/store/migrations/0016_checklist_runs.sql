CREATE TABLE "checklist_items" (
	"workspace_id" text NOT NULL,
	"run_id" text NOT NULL,
	"item" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"owner" text,
	"evidence_kind" text DEFAULT 'none' NOT NULL,
	"due_at" timestamp with time zone,
	"status" text DEFAULT 'open' NOT NULL,
	"done_by" text,
	"done_at" timestamp with time zone,
	"evidence" text,
	"note" text,
	"approval_role" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	CONSTRAINT "checklist_items_run_id_item_pk" PRIMARY KEY("run_id","item")
);
--> statement-breakpoint
CREATE TABLE "checklist_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"checklist" text NOT NULL,
	"label" text NOT NULL,
	"pack_id" text NOT NULL,
	"pack_hash" text NOT NULL,
	"subject" text NOT NULL,
	"effect_key" text NOT NULL,
	"ordered" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_items" ADD CONSTRAINT "checklist_items_run_id_checklist_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."checklist_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checklist_runs" ADD CONSTRAINT "checklist_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "checklist_runs_effect" ON "checklist_runs" USING btree ("workspace_id","effect_key");--> statement-breakpoint
CREATE INDEX "checklist_runs_subject" ON "checklist_runs" USING btree ("workspace_id","subject","opened_at");--> statement-breakpoint
CREATE INDEX "checklist_runs_status" ON "checklist_runs" USING btree ("workspace_id","status","opened_at");
--> statement-breakpoint
-- A run is opened with its items by the engine's observer; working it writes only the status and when, and
-- each item's outcome: who did it, its evidence and note, its approval. The rest stays as the pack gave it.
GRANT SELECT, INSERT ON checklist_runs TO opsbook_app;
--> statement-breakpoint
GRANT UPDATE (status, completed_at) ON checklist_runs TO opsbook_app;
--> statement-breakpoint
ALTER TABLE checklist_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE checklist_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY checklist_runs_tenant ON checklist_runs
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
GRANT SELECT, INSERT ON checklist_items TO opsbook_app;
--> statement-breakpoint
GRANT UPDATE (status, done_by, done_at, evidence, note, approved_by, approved_at) ON checklist_items TO opsbook_app;
--> statement-breakpoint
ALTER TABLE checklist_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE checklist_items FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY checklist_items_tenant ON checklist_items
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
