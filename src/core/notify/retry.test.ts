import { describe, expect, it } from 'vitest';
import { PEOPLE_RETRY, WEBHOOK_RETRY, retryScheduleOf, totalRetryWindowMs } from './retry.js';

const HOUR = 3_600_000;

describe('retry schedules', () => {
  it('keeps trying a webhook at least 10 times over at least 72 hours, whatever the jitter (R5)', () => {
    expect(WEBHOOK_RETRY.maxAttempts).toBeGreaterThanOrEqual(10);
    expect(totalRetryWindowMs(WEBHOOK_RETRY, 0)).toBeGreaterThanOrEqual(72 * HOUR);
    expect(totalRetryWindowMs(WEBHOOK_RETRY, 0.999)).toBeLessThanOrEqual(120 * HOUR);
  });

  it('jitters each webhook wait by at most 20 %', () => {
    expect(WEBHOOK_RETRY.delayMs(1, 0)).toBe(4_000);
    expect(WEBHOOK_RETRY.delayMs(1, 1)).toBe(6_000);
    expect(WEBHOOK_RETRY.delayMs(12, 0.5)).toBe(12 * HOUR);
  });

  it('retries people channels from seconds up to a 30-minute cap', () => {
    expect(PEOPLE_RETRY.delayMs(1, 0)).toBe(2_500);
    expect(PEOPLE_RETRY.delayMs(19, 1)).toBe(30 * 60_000);
    expect(retryScheduleOf('email')).toBe(PEOPLE_RETRY);
    expect(retryScheduleOf('webhook')).toBe(WEBHOOK_RETRY);
  });
});
