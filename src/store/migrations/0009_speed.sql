ALTER TABLE "tickets" ADD COLUMN "first_response_verdict" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_verdict" text;--> statement-breakpoint
-- Existing tickets: the verdicts their clocks already carry (the mirror keeps them from now on). As the
-- table's owner outside row-level security, without one live-inbox NOTIFY per ticket.
ALTER TABLE tickets NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tickets DISABLE TRIGGER tickets_changed;
--> statement-breakpoint
UPDATE "tickets" SET
  "first_response_verdict" = (SELECT c->>'phase' FROM jsonb_array_elements("clocks") c
    WHERE c->>'id' IN ('first-response', 'response') AND c->>'phase' IN ('met', 'breached') LIMIT 1),
  "resolution_verdict" = (SELECT c->>'phase' FROM jsonb_array_elements("clocks") c
    WHERE c->>'id' = 'resolution' AND c->>'phase' IN ('met', 'breached') LIMIT 1)
WHERE "clocks" <> '[]'::jsonb;
--> statement-breakpoint
ALTER TABLE tickets ENABLE TRIGGER tickets_changed;
--> statement-breakpoint
ALTER TABLE tickets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Under row-level security every query reads opsbook_workspace(); as PARALLEL UNSAFE (the default) it
-- kept every such query from running in parallel: metrics over 1,000,000 tickets ran on one core. It only
-- reads a setting, which parallel workers receive from their leader.
ALTER FUNCTION opsbook_workspace() PARALLEL SAFE;
--> statement-breakpoint
ALTER FUNCTION opsbook_user() PARALLEL SAFE;
--> statement-breakpoint
-- Metrics over a period read these columns only: an index-only scan of about 200 bytes a ticket instead
-- of the ~700-byte rows (days and percentiles; the sums also read tags, from the rows).
-- (No tags: a btree entry must stay under 2.7 kB, and a ticket's tags are not bounded.)
CREATE INDEX tickets_metrics ON tickets (workspace_id, created_at) INCLUDE (priority, channel, assignee_id,
  tier, status, first_response_at, resolved_at, first_response_verdict, resolution_verdict, csat_score,
  reopened_in_window, reopened_count)
  WHERE merged_into IS NULL;
--> statement-breakpoint
-- Searching open work (the inbox's default view) through an index of open tickets only: a common word
-- ("refund", 1 ticket in 8) matched 125,000 tickets of the whole history, all read, to keep the ~1,200
-- open ones (4 s → see docs/benchmarks.md).
CREATE INDEX tickets_open_search ON tickets USING gin (
  to_tsvector('simple', title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(requester_name, '')))
  WHERE status NOT IN ('resolved', 'closed') AND merged_into IS NULL;
--> statement-breakpoint
-- The one-argument version stays for processes of the previous release during a rolling upgrade.
-- p_open_only: only open work (status not resolved or closed, not merged), through tickets_open_search.
CREATE FUNCTION opsbook_ticket_search(p_query tsquery, p_open_only boolean) RETURNS SETOF integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT number FROM tickets
   WHERE p_open_only AND workspace_id = opsbook_workspace()
     AND status NOT IN ('resolved', 'closed') AND merged_into IS NULL
     AND to_tsvector('simple', title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(requester_name, '')) @@ p_query
  UNION ALL
  SELECT number FROM tickets
   WHERE NOT p_open_only AND workspace_id = opsbook_workspace()
     AND to_tsvector('simple', title || ' ' || coalesce(requester_email, '') || ' ' || coalesce(requester_name, '')) @@ p_query
$$;
--> statement-breakpoint
ALTER FUNCTION opsbook_ticket_search(tsquery, boolean) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_ticket_search(tsquery, boolean) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_ticket_search(tsquery, boolean) TO opsbook_app;
