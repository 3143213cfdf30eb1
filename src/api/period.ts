/**
 * The period of a metrics route (support, incidents, customers): `from` and `to` as ISO instants in the
 * query string, by default the 30 days up to now; an empty period is refused.
 */
import { z } from 'zod';
import { OpsError } from '../errors/catalog.js';

const DEFAULT_PERIOD_MS = 30 * 86_400_000;

export const PeriodQuery = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};

export function periodOf(q: { from?: string | undefined; to?: string | undefined }, now: Date) {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_PERIOD_MS);
  if (from.getTime() >= to.getTime())
    throw new OpsError('OPS_VALIDATION', '`to` must be after `from`.', [
      { pointer: '/querystring/to', message: 'must be after `from`' },
    ]);
  return { from, to };
}
