/** What a health check's alert says: its key, severity, component and one line naming what is down and why. */
import type { healthChecks } from '../../store/schema-incidents.js';
import type { AlertSubject } from './alerting.js';

type CheckFields = Pick<
  typeof healthChecks.$inferSelect,
  'id' | 'name' | 'kind' | 'target' | 'severity' | 'component' | 'lastError' | 'consecutiveFailures'
>;

/** @example checkSummary(row).summary // 'Checkout API is down: HTTP 503, expected a 2xx status' */
export function checkSummary(row: CheckFields): Omit<AlertSubject, 'down' | 'alerting'> {
  return {
    key: `check:${row.id}`,
    severity: row.severity,
    component: row.component,
    summary: `${row.name} is down${row.lastError ? `: ${row.lastError}` : ''}`.slice(0, 500),
    details: {
      check: row.id,
      kind: row.kind,
      target: row.target,
      consecutiveFailures: row.consecutiveFailures,
    },
  };
}
