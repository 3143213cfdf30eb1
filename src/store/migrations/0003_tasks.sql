CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"title" text NOT NULL,
	"detail" text DEFAULT '' NOT NULL,
	"subject" text NOT NULL,
	"assignee" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_key" ON "tasks" USING btree ("workspace_id","key");--> statement-breakpoint
CREATE INDEX "tasks_open" ON "tasks" USING btree ("workspace_id","status");--> statement-breakpoint
GRANT SELECT, INSERT ON tasks TO opsbook_app;
--> statement-breakpoint
GRANT UPDATE (status, completed_at, assignee, due_at) ON tasks TO opsbook_app;
--> statement-breakpoint
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tasks_tenant ON tasks
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
