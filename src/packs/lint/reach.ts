/**
 * `escalation-reaches-nobody`: a route notifies through its channels, each honouring its own hours. When
 * every channel of a route is closed at the same time, a critical alert raised then waits, unseen, until
 * one opens: the SOP promised a response it cannot give. An escalation addressed to a channel
 * (`to: channel:<id>`) is checked the same way, only at the hours its timer can fire. Channels without a
 * calendar, or on a 24/7 one, are always open; holidays are not considered (they are dates, not hours of
 * a week).
 */
import type { Pack } from '../schema/pack.js';
import { openSpans, type Calendar } from './calendars.js';
import { finding, type LintFinding } from './finding.js';
import {
  ALL_WEEK,
  complement,
  formatHours,
  formatSpans,
  intersect,
  normalize,
  shift,
  totalMinutes,
  zoneOffsetMinutes,
  type Span,
} from './week.js';

interface Hours {
  /** Open minutes of the week in UTC. */
  readonly utc: Span[];
  readonly zone: string;
}

interface Context {
  readonly pack: Pack;
  readonly now: Date;
  readonly calendars: ReadonlyMap<string, Calendar>;
}

export function escalationReachesNobody(pack: Pack, now: Date): LintFinding[] {
  const context: Context = { pack, now, calendars: new Map((pack.calendars ?? []).map((c) => [c.id, c])) };
  return [...routeFindings(context), ...escalationFindings(context)];
}

function routeFindings(context: Context): LintFinding[] {
  return (context.pack.routes ?? []).flatMap((route, i) => {
    const hours = route.channels.map((id) => channelHours(context, id));
    const closed = closedWhile(context, hours, ALL_WEEK);
    if (!closed) return [];
    const who =
      route.channels.length === 1
        ? `the only channel of route \`${route.id}\` (\`${route.channels[0]}\`) is`
        : `all channels of route \`${route.id}\` (${route.channels.map((c) => `\`${c}\``).join(', ')}) are`;
    return [
      finding(
        'escalation-reaches-nobody',
        ['routes', i, 'channels'],
        `${who} closed ${closed}: a notification raised then reaches nobody until one opens`,
        'add a channel that is always staffed (no `calendar`, or a 24/7 one), or widen the hours of one',
      ),
    ];
  });
}

function escalationFindings(context: Context): LintFinding[] {
  return (context.pack.escalations ?? []).flatMap((escalation, i) => {
    const [kind, channel] = escalation.to.split(':');
    if (kind !== 'channel' || !channel) return [];
    const trigger = escalation.trigger;
    const timer =
      'after' in trigger && trigger.calendar ? calendarHours(context, trigger.calendar) : undefined;
    const closed = closedWhile(context, [channelHours(context, channel)], timer?.utc ?? ALL_WEEK);
    if (!closed) return [];
    return [
      finding(
        'escalation-reaches-nobody',
        ['escalations', i, 'to'],
        `escalation \`${escalation.id}\` goes only to channel \`${channel}\`, closed ${closed} at hours the escalation can fire: it then reaches nobody until the channel opens`,
        'escalate to a person, tier or rotation as well, or to a channel that is always staffed',
      ),
    ];
  });
}

/** When every channel is closed within `window` (UTC), as text in the first channel's zone; else null. */
function closedWhile(
  context: Context,
  hours: readonly (Hours | undefined)[],
  window: readonly Span[],
): string | null {
  if (hours.length === 0 || hours.some((h) => h === undefined)) return null;
  const known = hours as Hours[];
  const closedUtc = intersect(complement(normalize(known.flatMap((h) => h.utc))), window);
  if (closedUtc.length === 0) return null;
  const zone = known[0]!.zone;
  const local = shift(closedUtc, zoneOffsetMinutes(zone, context.now));
  return `${formatSpans(local)} (${zone} time; ${formatHours(totalMinutes(closedUtc))} a week)`;
}

/** A channel's open hours; `undefined` when it is always open (or unknown, which validate reports). */
function channelHours(context: Context, id: string): Hours | undefined {
  const channel = context.pack.channels?.find((c) => c.id === id);
  return channel?.calendar ? calendarHours(context, channel.calendar) : undefined;
}

function calendarHours(context: Context, id: string): Hours | undefined {
  const calendar = context.calendars.get(id);
  if (!calendar || calendar.hours === '24/7') return undefined;
  const zone = calendar.timeZone ?? context.pack.pack.timeZone;
  return { zone, utc: shift(openSpans(calendar), -zoneOffsetMinutes(zone, context.now)) };
}
