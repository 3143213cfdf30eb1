CREATE TABLE "pack_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"pack_id" text NOT NULL,
	"version" text NOT NULL,
	"title" text NOT NULL,
	"hash" text NOT NULL,
	"document" jsonb NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone,
	"activated_by" text
);
--> statement-breakpoint
ALTER TABLE "pack_versions" ADD CONSTRAINT "pack_versions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "pack_versions_hash" ON "pack_versions" USING btree ("workspace_id","pack_id","hash");--> statement-breakpoint
CREATE UNIQUE INDEX "pack_versions_one_active" ON "pack_versions" USING btree ("workspace_id","pack_id") WHERE "pack_versions"."active";--> statement-breakpoint
-- Stored versions are history: the app may add them and move the active flag, never rewrite them.
GRANT SELECT, INSERT ON pack_versions TO opsbook_app;
--> statement-breakpoint
GRANT UPDATE (active, activated_at, activated_by) ON pack_versions TO opsbook_app;
--> statement-breakpoint
ALTER TABLE pack_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pack_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY pack_versions_tenant ON pack_versions
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
