CREATE TABLE "auto_replies" (
	"workspace_id" text NOT NULL,
	"address" text NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kb_articles" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"category" text NOT NULL,
	"ticket_categories" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published" boolean DEFAULT false NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"helpful" integer DEFAULT 0 NOT NULL,
	"not_helpful" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_quarantine" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"reason" text NOT NULL,
	"from_address" text,
	"subject" text,
	"message_id" text,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"size_bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_addresses" (
	"address" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"channel" text DEFAULT 'email' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "support_agents" (
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"tiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"on_shift" boolean DEFAULT true NOT NULL,
	"last_assigned_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "support_agents_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_attachments" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"message_id" text NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"sha256" text NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"last_number" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"kind" text NOT NULL,
	"direction" text NOT NULL,
	"author_type" text NOT NULL,
	"author_id" text,
	"author_name" text,
	"channel" text NOT NULL,
	"body_text" text NOT NULL,
	"body_html" text,
	"email_message_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"number" integer NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"priority" text NOT NULL,
	"category" text,
	"tier" text,
	"channel" text NOT NULL,
	"assignee_id" text,
	"requester_name" text,
	"requester_email" text,
	"requester_phone" text,
	"requester_token_hash" text,
	"account" text,
	"plan" text,
	"locale" text,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"triage" jsonb DEFAULT '{"rule":null,"set":{},"overrides":[]}'::jsonb NOT NULL,
	"pack_id" text,
	"pack_version" text,
	"clocks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"next_due_at" timestamp with time zone,
	"breached" boolean DEFAULT false NOT NULL,
	"first_response_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"reopened_count" integer DEFAULT 0 NOT NULL,
	"reopened_in_window" boolean DEFAULT false NOT NULL,
	"escalated_at" timestamp with time zone,
	"incident" text,
	"merged_into" text,
	"csat_score" integer,
	"csat_comment" text,
	"csat_at" timestamp with time zone,
	"csat_sent_at" timestamp with time zone,
	"message_count" integer DEFAULT 0 NOT NULL,
	"last_message_at" timestamp with time zone,
	"last_customer_message_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "auto_replies" ADD CONSTRAINT "auto_replies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_articles" ADD CONSTRAINT "kb_articles_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mail_quarantine" ADD CONSTRAINT "mail_quarantine_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_addresses" ADD CONSTRAINT "support_addresses_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "support_agents" ADD CONSTRAINT "support_agents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_message_id_ticket_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."ticket_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_counters" ADD CONSTRAINT "ticket_counters_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "auto_replies_address" ON "auto_replies" USING btree ("workspace_id","address","sent_at");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_articles_slug" ON "kb_articles" USING btree ("workspace_id","slug");--> statement-breakpoint
CREATE INDEX "mail_quarantine_received" ON "mail_quarantine" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "support_addresses_workspace" ON "support_addresses" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "ticket_attachments_message" ON "ticket_attachments" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket" ON "ticket_messages" USING btree ("workspace_id","ticket_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_messages_email_id" ON "ticket_messages" USING btree ("workspace_id","email_message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_number" ON "tickets" USING btree ("workspace_id","number");--> statement-breakpoint
CREATE INDEX "tickets_queue" ON "tickets" USING btree ("workspace_id","status","tier","next_due_at");--> statement-breakpoint
CREATE INDEX "tickets_assignee" ON "tickets" USING btree ("workspace_id","assignee_id","status");--> statement-breakpoint
CREATE INDEX "tickets_created" ON "tickets" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "tickets_requester_email" ON "tickets" USING btree ("workspace_id","requester_email");--> statement-breakpoint
CREATE INDEX "tickets_requester_phone" ON "tickets" USING btree ("workspace_id","requester_phone");--> statement-breakpoint

-- Issue 7, the help desk: every table above is a tenant table.
GRANT SELECT, INSERT, UPDATE, DELETE ON tickets, ticket_counters, ticket_messages, ticket_attachments, support_addresses, support_agents, kb_articles TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON auto_replies, mail_quarantine TO opsbook_app;
--> statement-breakpoint
ALTER TABLE tickets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tickets_tenant ON tickets
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE ticket_messages ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_messages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_messages_tenant ON ticket_messages
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE ticket_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_attachments_tenant ON ticket_attachments
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE support_addresses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE support_addresses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY support_addresses_tenant ON support_addresses
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE support_agents ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE support_agents FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY support_agents_tenant ON support_agents
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE auto_replies ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE auto_replies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY auto_replies_tenant ON auto_replies
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE mail_quarantine ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE mail_quarantine FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY mail_quarantine_tenant ON mail_quarantine
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE kb_articles ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE kb_articles FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY kb_articles_tenant ON kb_articles
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- Full-text search of the inbox (title, requester) and of the help centre (title, body).
CREATE INDEX tickets_search ON tickets USING gin (
  to_tsvector('simple', title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(requester_name, '')));
--> statement-breakpoint
CREATE INDEX kb_articles_search ON kb_articles USING gin (to_tsvector('simple', title || ' ' || body));
--> statement-breakpoint
-- Which workspace mail to an address belongs to, before any workspace is known (the SMTP listener's RCPT):
-- a registered support address, else `<slug>@<support domain>`. Answers nothing for an unknown address.
GRANT SELECT ON support_addresses TO opsbook_system;
--> statement-breakpoint
CREATE POLICY support_addresses_system ON support_addresses FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_support_workspace(p_address text, p_domain text)
RETURNS TABLE (workspace_id text, channel text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.workspace_id, a.channel FROM support_addresses a WHERE a.address = lower(p_address)
  UNION ALL
  SELECT w.id, 'email' FROM workspaces w
   WHERE lower(p_address) = lower(w.slug) || '@' || lower(p_domain)
     AND NOT EXISTS (SELECT 1 FROM support_addresses a WHERE a.address = lower(p_address))
  LIMIT 1
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_support_workspace(text, text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_support_workspace(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_support_workspace(text, text) TO opsbook_app;
--> statement-breakpoint
-- A ticket that changed is pushed to the agents' open inboxes (server-sent events) by every API process.
CREATE FUNCTION opsbook_ticket_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsbook_ticket', json_build_object('workspaceId', NEW.workspace_id, 'id', NEW.id, 'number', NEW.number)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tickets_changed AFTER INSERT OR UPDATE ON tickets
  FOR EACH ROW EXECUTE FUNCTION opsbook_ticket_changed();
--> statement-breakpoint
ALTER TABLE ticket_counters ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE ticket_counters FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY ticket_counters_tenant ON ticket_counters
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- The public help centre's `/help/<slug>`: which workspace a slug names, before any workspace is set.
CREATE FUNCTION opsbook_help_workspace(p_slug text)
RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT w.id FROM workspaces w WHERE w.slug = p_slug
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_help_workspace(text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_help_workspace(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_help_workspace(text) TO opsbook_app;
--> statement-breakpoint
-- The inbox at 1,000,000 tickets (measured, docs/benchmarks.md): partial indexes matching queries.ts.
CREATE INDEX tickets_open_due ON tickets (workspace_id, next_due_at, number)
  WHERE status NOT IN ('resolved', 'closed') AND merged_into IS NULL;
--> statement-breakpoint
-- "My tickets" (assignee=me) in due order: 1-2.7 s → < 40 ms.
CREATE INDEX tickets_open_assignee ON tickets (workspace_id, assignee_id, next_due_at, number)
  WHERE status NOT IN ('resolved', 'closed') AND merged_into IS NULL;
--> statement-breakpoint
-- sort=updated pages: 3.4-10 s → < 45 ms.
CREATE INDEX tickets_updated ON tickets (workspace_id, updated_at, number);
--> statement-breakpoint
-- The queues (counts of open work per tier, index-only): 1-1.5 s → 50-100 ms.
CREATE INDEX tickets_open_tier ON tickets (workspace_id, tier) INCLUDE (breached, assignee_id)
  WHERE status NOT IN ('resolved', 'closed') AND merged_into IS NULL;
--> statement-breakpoint
-- Full-text search. Under row-level security PostgreSQL will not use tickets_search (GIN): `@@` is not
-- LEAKPROOF, so it is evaluated after the policy, on every row (q=<email> over 1M tickets: 10-27 s).
-- A SECURITY DEFINER function owned by opsbook_system (the pattern of opsbook_support_workspace) searches
-- the index for the current workspace only (12 ms). queries.ts then uses, instead of the `@@` condition:
--   ${tickets.number} in (select opsbook_ticket_search(${query}::tsquery))
GRANT SELECT ON tickets TO opsbook_system;
--> statement-breakpoint
CREATE POLICY tickets_system_search ON tickets FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_ticket_search(p_query tsquery) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT number FROM tickets
   WHERE workspace_id = opsbook_workspace()
     AND to_tsvector('simple', title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(requester_name, '')) @@ p_query
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_ticket_search(tsquery) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_ticket_search(tsquery) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_ticket_search(tsquery) TO opsbook_app;
