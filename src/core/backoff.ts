/**
 * Retry delays: exponential with full jitter, capped. Pure: the random draw is passed in, so tests and the
 * simulator get the same answer for the same draw.
 */

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** 5 s doubling up to 1 h: a failed send or timer is retried soon, and then no more than hourly. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 5_000, maxMs: 3_600_000 };

/**
 * The delay before retry number `attempt` (1 = the first retry), drawn uniformly from the upper half of
 * the exponential window so retries never bunch at zero.
 *
 * @example retryDelayMs(3, 0.5) // 5 s · 2² = 20 s window → 15 000 ms
 */
export function retryDelayMs(
  attempt: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const windowMs = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  const unit = Math.min(Math.max(random, 0), 1);
  return Math.round(windowMs / 2 + (windowMs / 2) * unit);
}
