-- The scheduler's lease heartbeat extends only the checks it still holds in memory (waiting for their slot,
-- being probed, or their result waiting to be recorded). Extending every check locked by the worker kept
-- the leases of runs it had dropped (their results could not be recorded for 20 s, a database failover)
-- alive for ever: those checks were never claimed again until the process restarted.
DROP FUNCTION opsbook_extend_check_leases(text, integer, timestamptz);
--> statement-breakpoint
CREATE FUNCTION opsbook_extend_check_leases(p_worker text, p_ids text[], p_lease_seconds integer, p_now timestamptz)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  n integer;
BEGIN
  UPDATE health_checks
     SET locked_until = coalesce(p_now, statement_timestamp()) + make_interval(secs => p_lease_seconds)
   WHERE locked_by = p_worker AND id = ANY (p_ids);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
--> statement-breakpoint
ALTER FUNCTION opsbook_extend_check_leases(text, text[], integer, timestamptz) OWNER TO opsbook_system;
--> statement-breakpoint
REVOKE ALL ON FUNCTION opsbook_extend_check_leases(text, text[], integer, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION opsbook_extend_check_leases(text, text[], integer, timestamptz) TO opsbook_app;
