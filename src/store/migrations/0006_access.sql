CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"scope" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "audit_heads" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"workspace_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text DEFAULT '' NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_keys" (
	"owner" text NOT NULL,
	"version" integer NOT NULL,
	"wrapped" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "data_keys_owner_version_pk" PRIMARY KEY("owner","version")
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" text,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "masked_secrets" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"subject" text NOT NULL,
	"field" text NOT NULL,
	"kind" text NOT NULL,
	"sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"user_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recovery_codes_user_id_code_hash_pk" PRIMARY KEY("user_id","code_hash")
);
--> statement-breakpoint
CREATE TABLE "sign_in_challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"code_hash" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "sign_in_challenges_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "method" text DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "ip" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "user_agent" text;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "device_hash" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "phone" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_secret" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "totp_last_step" bigint;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "failed_sign_ins" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "workspaces" ADD COLUMN "require_mfa" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "masked_secrets" ADD CONSTRAINT "masked_secrets_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_challenges" ADD CONSTRAINT "sign_in_challenges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_workspace" ON "api_tokens" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_seq" ON "audit_log" USING btree ("workspace_id","seq");--> statement-breakpoint
CREATE INDEX "invitations_workspace" ON "invitations" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "masked_secrets_subject" ON "masked_secrets" USING btree ("workspace_id","subject");--> statement-breakpoint
CREATE INDEX "sign_in_challenges_user" ON "sign_in_challenges" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_device" ON "sessions" USING btree ("device_hash");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_phone_unique" UNIQUE("phone");--> statement-breakpoint

-- Access and security (issue 5). Grants: people's own rows are global tables; the rest are tenant tables
-- with row-level security forced, like every other tenant table.
GRANT SELECT, INSERT, UPDATE, DELETE ON recovery_codes, sign_in_challenges TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON invitations, api_tokens, data_keys, audit_heads TO opsbook_app;
--> statement-breakpoint
GRANT DELETE ON invitations TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON masked_secrets TO opsbook_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_log TO opsbook_app;
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY invitations_tenant ON invitations
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE api_tokens ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_tokens FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_tokens_tenant ON api_tokens
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE masked_secrets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE masked_secrets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY masked_secrets_tenant ON masked_secrets
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_log_tenant ON audit_log
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY audit_heads_tenant ON audit_heads
  USING (workspace_id = opsbook_workspace()) WITH CHECK (workspace_id = opsbook_workspace());
--> statement-breakpoint
-- The audit log never changes, not even for an erasure (it records erasures by a hash of the identifier).
CREATE FUNCTION opsbook_refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION opsbook_refuse_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION opsbook_refuse_audit_change();
--> statement-breakpoint
-- Personal data erasure (GDPR, the POS data-retention rules) may rewrite the data of history rows, and
-- nothing else: only inside a transaction that declared itself an erasure (opsbook.erasure = 'on',
-- transaction-local), and only the `data` column. Every other change stays refused.
CREATE OR REPLACE FUNCTION opsbook_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('opsbook.erasure', true) = 'on'
     AND (to_jsonb(NEW) - 'data') = (to_jsonb(OLD) - 'data') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
--> statement-breakpoint
GRANT UPDATE (data) ON timeline_events, effects TO opsbook_app;
--> statement-breakpoint

-- The hash of one audit entry: the previous hash and every field, separated by a unit separator. The
-- instant counts in microseconds and jsonb prints its keys in one order, so the text is canonical.
CREATE FUNCTION opsbook_audit_hash(p_prev text, p_seq bigint, p_at timestamptz, p_actor text, p_action text,
  p_target text, p_data jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31), p_prev, p_seq::text,
    floor(extract(epoch FROM p_at) * 1000000)::bigint::text, p_actor, p_action, p_target, p_data::text), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Append to the chain of the current transaction's workspace. Writers of one chain queue on an advisory
-- lock (held to commit), so concurrent appends never fork the chain.
CREATE FUNCTION opsbook_audit_append(p_at timestamptz, p_actor text, p_action text, p_target text, p_data jsonb)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE ws text := opsbook_workspace(); head audit_heads; next_seq bigint; prev text; h text;
BEGIN
  IF ws IS NULL THEN
    RAISE EXCEPTION 'opsbook_audit_append needs a workspace (inWorkspace)';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('opsbook_audit:' || ws, 0));
  SELECT * INTO head FROM audit_heads WHERE workspace_id = ws;
  next_seq := coalesce(head.seq, 0) + 1;
  prev := coalesce(head.hash, 'genesis');
  h := opsbook_audit_hash(prev, next_seq, p_at, p_actor, p_action, p_target, p_data);
  INSERT INTO audit_log (workspace_id, seq, at, actor, action, target, data, prev_hash, hash)
    VALUES (ws, next_seq, p_at, p_actor, p_action, p_target, p_data, prev, h);
  INSERT INTO audit_heads (workspace_id, seq, hash) VALUES (ws, next_seq, h)
    ON CONFLICT (workspace_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash;
  RETURN next_seq;
END $$;
--> statement-breakpoint

-- Bearer tokens and invitation links arrive before anyone knows their workspace: these look one up by
-- the SHA-256 of its secret, across workspaces, returning only what authentication needs.
GRANT SELECT, UPDATE ON api_tokens TO opsbook_system;
--> statement-breakpoint
GRANT SELECT ON invitations, workspaces TO opsbook_system;
--> statement-breakpoint
CREATE POLICY api_tokens_system ON api_tokens TO opsbook_system USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY invitations_system ON invitations TO opsbook_system USING (true);
--> statement-breakpoint
CREATE POLICY workspaces_system ON workspaces FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_token_by_hash(p_hash text)
RETURNS TABLE (id text, workspace_id text, scope text, expires_at timestamptz, revoked_at timestamptz,
  last_used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT id, workspace_id, scope, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = p_hash
$$;
--> statement-breakpoint
CREATE FUNCTION opsbook_invitation_by_hash(p_hash text)
RETURNS TABLE (id text, workspace_id text, workspace_name text, email text, role text, expires_at timestamptz,
  accepted_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT i.id, i.workspace_id, w.name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
    FROM invitations i JOIN workspaces w ON w.id = i.workspace_id WHERE i.token_hash = p_hash
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_token_by_hash(text) OWNER TO opsbook_system;
--> statement-breakpoint
ALTER FUNCTION opsbook_invitation_by_hash(text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_token_by_hash(text), opsbook_invitation_by_hash(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_token_by_hash(text), opsbook_invitation_by_hash(text) TO opsbook_app;
--> statement-breakpoint
-- A person's membership of one workspace, read on every authorised request: one statement instead of a
-- transaction that sets the tenant first. Returns nothing for non-members.
GRANT SELECT ON memberships TO opsbook_system;
--> statement-breakpoint
CREATE POLICY memberships_system ON memberships FOR SELECT TO opsbook_system USING (true);
--> statement-breakpoint
CREATE FUNCTION opsbook_membership(p_user text, p_workspace text)
RETURNS TABLE (id text, slug text, name text, time_zone text, role text, require_mfa boolean, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT w.id, w.slug, w.name, w.time_zone, m.role, w.require_mfa, w.created_at
    FROM memberships m JOIN workspaces w ON w.id = m.workspace_id
   WHERE m.user_id = p_user AND m.workspace_id = p_workspace
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_membership(text, text) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_membership(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_membership(text, text) TO opsbook_app;
