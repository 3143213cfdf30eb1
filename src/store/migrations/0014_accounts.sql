CREATE TABLE "account_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"account_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"locale" text,
	"role" text,
	"unit" text,
	"status" text DEFAULT 'active' NOT NULL,
	"registered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text DEFAULT 'organisation' NOT NULL,
	"plan" text,
	"owner_user_id" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"facts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"facts_at" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"lifecycles" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'new' NOT NULL,
	"billing_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "fact_receipts" (
	"workspace_id" text NOT NULL,
	"key" text NOT NULL,
	"account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fact_receipts_workspace_id_key_pk" PRIMARY KEY("workspace_id","key")
);
--> statement-breakpoint
CREATE TABLE "payment_deliveries" (
	"workspace_id" text NOT NULL,
	"webhook_id" text NOT NULL,
	"delivery_id" text NOT NULL,
	"type" text,
	"account" text,
	"reference" text,
	"occurred_at" timestamp with time zone,
	"outcome" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_deliveries_workspace_id_webhook_id_delivery_id_pk" PRIMARY KEY("workspace_id","webhook_id","delivery_id")
);
--> statement-breakpoint
CREATE TABLE "payment_webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"secrets_sealed" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_delivery_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "account_contacts" ADD CONSTRAINT "account_contacts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fact_receipts" ADD CONSTRAINT "fact_receipts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_deliveries" ADD CONSTRAINT "payment_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_webhooks" ADD CONSTRAINT "payment_webhooks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_contacts_account" ON "account_contacts" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "account_contacts_phone" ON "account_contacts" USING btree ("workspace_id","phone");--> statement-breakpoint
CREATE INDEX "account_contacts_email" ON "account_contacts" USING btree ("workspace_id",lower("email"));--> statement-breakpoint
CREATE INDEX "accounts_state" ON "accounts" USING btree ("workspace_id","state");--> statement-breakpoint
CREATE INDEX "accounts_name" ON "accounts" USING btree ("workspace_id",lower("name"));--> statement-breakpoint
CREATE INDEX "fact_receipts_time" ON "fact_receipts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "payment_deliveries_reference" ON "payment_deliveries" USING btree ("workspace_id","account","type","reference");--> statement-breakpoint
CREATE INDEX "payment_deliveries_time" ON "payment_deliveries" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "payment_webhooks_workspace" ON "payment_webhooks" USING btree ("workspace_id");--> statement-breakpoint
-- A contact belongs to an account of its own workspace; deleting the account deletes its people.
ALTER TABLE "account_contacts" ADD CONSTRAINT "account_contacts_account_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON accounts, account_contacts, fact_receipts, payment_webhooks TO opsbook_app;
--> statement-breakpoint
-- Deliveries are a log: kept, never changed.
GRANT SELECT, INSERT, DELETE ON payment_deliveries TO opsbook_app;
--> statement-breakpoint
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY accounts_tenant ON accounts
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE account_contacts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE account_contacts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY account_contacts_tenant ON account_contacts
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE fact_receipts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE fact_receipts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY fact_receipts_tenant ON fact_receipts
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE payment_webhooks ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE payment_webhooks FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY payment_webhooks_tenant ON payment_webhooks
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE payment_deliveries ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE payment_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY payment_deliveries_tenant ON payment_deliveries
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
