/**
 * The clocks a "first response" figure reads: ShopSmart's SLA names it `first-response`, SofaCover's
 * `response` (src/core/decide/sla.ts CLOCK_OF_TARGET). The mirror records each group's verdict on the
 * ticket row (first_response_verdict, resolution_verdict), which metrics and the list's drill-down read.
 */
export const CLOCK_GROUPS = {
  'first-response': ['first-response', 'response'],
  resolution: ['resolution'],
} as const;
export type ClockGroup = keyof typeof CLOCK_GROUPS;

/** The verdict of each group once given: that of the group's first clock whose phase is met or breached. */
export function clockVerdicts(clocks: readonly { readonly id: string; readonly phase: string }[]): {
  firstResponseVerdict: string | null;
  resolutionVerdict: string | null;
} {
  const verdict = (group: ClockGroup) =>
    clocks.find(
      (c) =>
        (CLOCK_GROUPS[group] as readonly string[]).includes(c.id) &&
        (c.phase === 'met' || c.phase === 'breached'),
    )?.phase ?? null;
  return { firstResponseVerdict: verdict('first-response'), resolutionVerdict: verdict('resolution') };
}
