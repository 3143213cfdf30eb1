CREATE TABLE "checkout_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"account_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"provider" text NOT NULL,
	"amount" double precision NOT NULL,
	"currency" text NOT NULL,
	"description" text,
	"status" text DEFAULT 'open' NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "survey_invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"survey" text NOT NULL,
	"scale" text NOT NULL,
	"subject" text NOT NULL,
	"account_id" text,
	"message_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	"answered_at" timestamp with time zone,
	"score" integer,
	"comment" text,
	"answered_via" text
);
--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "script" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "completed_by" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "template_values" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "account_contacts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "survey_invitations" ADD CONSTRAINT "survey_invitations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkout_sessions_account" ON "checkout_sessions" USING btree ("workspace_id","account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "survey_invitations_message" ON "survey_invitations" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "survey_invitations_survey" ON "survey_invitations" USING btree ("workspace_id","survey","sent_at");--> statement-breakpoint
CREATE INDEX "survey_invitations_account" ON "survey_invitations" USING btree ("workspace_id","account_id","sent_at");--> statement-breakpoint
CREATE INDEX "tasks_subject" ON "tasks" USING btree ("workspace_id","subject");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON survey_invitations TO opsbook_app;
--> statement-breakpoint
ALTER TABLE survey_invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE survey_invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY survey_invitations_tenant ON survey_invitations
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON checkout_sessions TO opsbook_app;
--> statement-breakpoint
ALTER TABLE checkout_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE checkout_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY checkout_sessions_tenant ON checkout_sessions
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- Who marked a task done and their note are written when it is done; the rest stays as the engine raised it.
GRANT UPDATE (completed_by, note) ON tasks TO opsbook_app;
