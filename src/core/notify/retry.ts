/**
 * How long each transport keeps trying. Pure: the random draw for jitter is passed in.
 *
 * - Webhooks follow the Standard Webhooks / Svix schedule, stretched to about three to four days: 13
 *   tries, waiting 5 s, 5 min, 30 min, 2 h, 5 h, then 12 h, each ±20 % (so 73-110 h in all: RELIABILITY
 *   R5 asks for ≥ 10 attempts over ≥ 72 h).
 * - People's channels (email, SMS, WhatsApp, voice, Slack) retry from 5 s doubling to 30 min, 20 tries
 *   (about 7 hours): a message about an incident is worth little a day late; the owners are told instead.
 * - In-app writes to our own database: 10 quick tries.
 */
import type { DeliveryKind } from './kinds.js';
import { retryDelayMs } from '../backoff.js';

export interface RetrySchedule {
  readonly maxAttempts: number;
  delayMs(attempt: number, random: number): number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Waits after try 1, 2, …: the last repeats. */
const WEBHOOK_WAITS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 12 * HOUR];

export const WEBHOOK_RETRY: RetrySchedule = {
  maxAttempts: 13,
  delayMs(attempt, random) {
    const base = WEBHOOK_WAITS_MS[Math.min(attempt, WEBHOOK_WAITS_MS.length) - 1] ?? WEBHOOK_WAITS_MS[0]!;
    return Math.round(base * (0.8 + 0.4 * Math.min(Math.max(random, 0), 1)));
  },
};

export const PEOPLE_RETRY: RetrySchedule = {
  maxAttempts: 20,
  delayMs: (attempt, random) => retryDelayMs(attempt, random, { baseMs: 5 * SECOND, maxMs: 30 * MINUTE }),
};

export const LOCAL_RETRY: RetrySchedule = {
  maxAttempts: 10,
  delayMs: (attempt, random) => retryDelayMs(attempt, random, { baseMs: SECOND, maxMs: MINUTE }),
};

export function retryScheduleOf(kind: DeliveryKind | 'notify'): RetrySchedule {
  if (kind === 'webhook') return WEBHOOK_RETRY;
  if (kind === 'in-app' || kind === 'notify') return LOCAL_RETRY;
  return PEOPLE_RETRY;
}

/** The total wait over every retry at the mean draw, for docs and tests. */
export function totalRetryWindowMs(schedule: RetrySchedule, random = 0.5): number {
  let total = 0;
  for (let attempt = 1; attempt < schedule.maxAttempts; attempt++) total += schedule.delayMs(attempt, random);
  return total;
}
