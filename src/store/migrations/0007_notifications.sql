CREATE TABLE "delivery_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "delivery_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"message_id" text NOT NULL,
	"attempt" integer NOT NULL,
	"channel" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"outcome" text NOT NULL,
	"code" integer,
	"provider_id" text,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "destinations" (
	"workspace_id" text NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"url_sealed" text NOT NULL,
	"url_hint" text NOT NULL,
	"secrets_sealed" text,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "destinations_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "mailbox" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"message_id" text,
	"from_address" text NOT NULL,
	"to_addresses" jsonb NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text,
	"headers" jsonb NOT NULL,
	"size_bytes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messaging_providers" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"base_url" text NOT NULL,
	"account_sid" text NOT NULL,
	"auth_token_sealed" text NOT NULL,
	"sms_from" text,
	"whatsapp_from" text,
	"voice_from" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text,
	"message_id" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"level" text,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "unsubscribes" (
	"workspace_id" text NOT NULL,
	"address" text NOT NULL,
	"message_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unsubscribes_workspace_id_address_pk" PRIMARY KEY("workspace_id","address")
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "parent_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "recipient" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "provider_status" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "critical" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "quiet_hours" jsonb;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "destinations" ADD CONSTRAINT "destinations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailbox" ADD CONSTRAINT "mailbox_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messaging_providers" ADD CONSTRAINT "messaging_providers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unsubscribes" ADD CONSTRAINT "unsubscribes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "delivery_attempts_message" ON "delivery_attempts" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "mailbox_received" ON "mailbox" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_message" ON "notifications" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "notifications_user" ON "notifications" USING btree ("workspace_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "outbox_pending_channel" ON "outbox" USING btree ("channel","next_attempt_at") WHERE "outbox"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_parent" ON "outbox" USING btree ("workspace_id","parent_id");--> statement-breakpoint
CREATE INDEX "outbox_provider_id" ON "outbox" USING btree ("provider_id") WHERE "outbox"."provider_id" is not null;--> statement-breakpoint
-- Issue 6: notifications. Custom SQL below (drizzle-kit writes the tables above).
-- The attempt log is evidence: the app may add to it, never change it.
GRANT SELECT, INSERT ON delivery_attempts TO opsbook_app;
--> statement-breakpoint
-- Except personal-data erasure, which blanks an error that named an erased address.
GRANT UPDATE (error) ON delivery_attempts TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON destinations, messaging_providers TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON notifications TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON mailbox, unsubscribes TO opsbook_app;
--> statement-breakpoint
ALTER TABLE unsubscribes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE unsubscribes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY unsubscribes_tenant ON unsubscribes
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE delivery_attempts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE delivery_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY delivery_attempts_tenant ON delivery_attempts
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE destinations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE destinations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY destinations_tenant ON destinations
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE messaging_providers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE messaging_providers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY messaging_providers_tenant ON messaging_providers
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY notifications_tenant ON notifications
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE mailbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE mailbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY mailbox_tenant ON mailbox
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- One channel's due messages: each channel has its own lane, so a slow provider never holds up the others.
CREATE FUNCTION opsbook_claim_channel(p_worker text, p_channel text, p_limit integer, p_lease_seconds integer, p_now timestamptz)
RETURNS SETOF outbox LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH due AS (
    SELECT ctid FROM outbox
     WHERE status = 'pending'
       AND channel = p_channel
       AND next_attempt_at <= coalesce(p_now, statement_timestamp())
       AND (locked_until IS NULL OR locked_until <= coalesce(p_now, statement_timestamp()))
     ORDER BY next_attempt_at
     LIMIT p_limit
     FOR UPDATE SKIP LOCKED)
  UPDATE outbox o
     SET locked_by = p_worker,
         locked_until = coalesce(p_now, statement_timestamp()) + make_interval(secs => p_lease_seconds),
         attempts = o.attempts + 1
   WHERE o.ctid = ANY (ARRAY(SELECT ctid FROM due))
  RETURNING o.*;
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_claim_channel(text, text, integer, integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_claim_channel(text, text, integer, integer, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_claim_channel(text, text, integer, integer, timestamptz) TO opsbook_app;
--> statement-breakpoint
-- Milliseconds until one channel's earliest message can be claimed (its lane's idle sleep), at most p_cap_ms.
CREATE FUNCTION opsbook_channel_wake_ms(p_channel text, p_now timestamptz, p_cap_ms integer)
RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n timestamptz := coalesce(p_now, clock_timestamp());
  next_at timestamptz := n + make_interval(secs => p_cap_ms / 1000.0);
  t timestamptz;
BEGIN
  SELECT next_attempt_at INTO t FROM outbox
   WHERE status = 'pending' AND channel = p_channel AND (locked_until IS NULL OR locked_until <= n)
   ORDER BY next_attempt_at LIMIT 1;
  IF t IS NOT NULL AND t <= n THEN RETURN 0; END IF;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  SELECT min(locked_until) INTO t FROM outbox
   WHERE status = 'pending' AND channel = p_channel AND next_attempt_at <= n AND locked_until > n;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  RETURN greatest(0, ceil(extract(epoch FROM next_at - n) * 1000))::integer;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_channel_wake_ms(text, timestamptz, integer) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_channel_wake_ms(text, timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_channel_wake_ms(text, timestamptz, integer) TO opsbook_app;
--> statement-breakpoint
-- A new in-app notification is pushed to the person's open pages (server-sent events) by every API process.
CREATE FUNCTION opsbook_notification_pushed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsbook_notification', json_build_object('workspaceId', NEW.workspace_id, 'userId', NEW.user_id, 'id', NEW.id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER notifications_push AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION opsbook_notification_pushed();

--> statement-breakpoint
-- The timer worker no longer sends messages (the dispatcher's lanes do), so it wakes for timers only: a
-- message due on a channel nobody serves must not keep it spinning.
CREATE OR REPLACE FUNCTION opsbook_next_wake_ms(p_now timestamptz, p_cap_ms integer)
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
  SELECT min(locked_until) INTO t FROM timers WHERE run_at <= n AND locked_until > n;
  IF t IS NOT NULL THEN next_at := least(next_at, t); END IF;
  RETURN greatest(0, ceil(extract(epoch FROM next_at - n) * 1000))::integer;
END $$;
--> statement-breakpoint
-- Wake only the lanes of the channels a statement inserted into (`outbox:<channel>`), not every lane for
-- every message: idle lanes stay idle under load.
CREATE OR REPLACE FUNCTION opsbook_outbox_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('opsbook_wake', 'outbox:' || c) FROM (SELECT DISTINCT channel AS c FROM inserted) s;
  RETURN NULL;
END $$;
--> statement-breakpoint
DROP TRIGGER outbox_wake ON outbox;
--> statement-breakpoint
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_outbox_wake();
