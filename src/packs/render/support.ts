/** Hours, holidays, channels, notification routes, escalation rules and common issues. */
import type { z } from 'zod';
import type { WeeklyHours } from '../schema/calendars.js';
import type { RenderContext } from './context.js';
import { labelOf, levelLabel } from './context.js';
import { code, list, section, table } from './markdown.js';
import { describeCondition, describeDuration, describeRecipient, describeSince } from './words.js';

type Pack = RenderContext['pack'];

const DAY_WORDS: Record<string, string> = { daily: 'every day', weekdays: 'weekdays' };

/** `{ daily: [09:00-21:00] }` → "every day 09:00-21:00"; an empty day is "closed". */
export function describeHours(hours: '24/7' | z.output<typeof WeeklyHours>): string {
  if (hours === '24/7') return '24/7';
  return Object.entries(hours)
    .map(([day, spans]) => `${DAY_WORDS[day] ?? day} ${(spans ?? []).join(', ') || 'closed'}`)
    .join('; ');
}

function hoursOf(pack: Pack, calendar: string | undefined): string {
  if (calendar === undefined) return '24/7';
  const found = pack.calendars?.find((c) => c.id === calendar);
  return found ? describeHours(found.hours) : calendar;
}

export function calendars({ pack }: RenderContext): string[] {
  if (!pack.calendars?.length) return [];
  return section('Hours', [
    table(
      ['Calendar', 'Open', 'Time zone', 'Closed on'],
      pack.calendars.map((c) => [
        c.label,
        describeHours(c.hours),
        c.timeZone ?? pack.pack.timeZone,
        (c.holidays ?? []).map((h) => labelOf(pack.holidaySets, h)).join(', '),
      ]),
    ),
  ]);
}

export function holidaySets({ pack }: RenderContext): string[] {
  return (pack.holidaySets ?? []).flatMap((set) =>
    section(`Holidays: ${set.label}`, [
      table(
        ['Date', 'Holiday'],
        set.dates.map((d) => [d.date, d.name]),
      ),
    ]),
  );
}

export function channels({ pack, target }: RenderContext): string[] {
  if (!pack.channels?.length) return [];
  return section('Channels', [
    table(
      ['Channel', 'Kind', 'For', 'Hours', 'Response goal', 'Address', 'Use'],
      pack.channels.map((c) => [
        c.label,
        c.kind,
        c.audience,
        hoursOf(pack, c.calendar) +
          (c.fallback ? `; when closed: ${labelOf(pack.channels, c.fallback)}` : ''),
        !c.responseGoal
          ? ''
          : 'bot' in c.responseGoal
            ? `bot ${target(c.responseGoal.bot)}, human ${target(c.responseGoal.human)}`
            : target(c.responseGoal),
        c.address ?? '',
        c.purpose ?? '',
      ]),
    ),
  ]);
}

export function routes({ pack }: RenderContext): string[] {
  if (!pack.routes?.length) return [];
  return section('Notification routes', [
    'Each notification goes out on the channels of its level, within the hours of each channel.',
    '',
    table(
      ['Route', 'Levels', 'Channels', 'Recipients'],
      pack.routes.map((r) => [
        r.label ?? r.id,
        r.levels.map((l) => levelLabel(pack, l, r.scale)).join(', '),
        r.channels.map((c) => labelOf(pack.channels, c)).join(', '),
        (r.recipients ?? []).map(describeRecipient).join(', '),
      ]),
    ),
  ]);
}

export function delivery({ pack }: RenderContext): string[] {
  const to = pack.delivery?.undeliverable;
  if (!to?.length) return [];
  return section('When a message cannot be delivered', [
    `If a message about the most urgent level cannot be delivered after its retries, or a webhook endpoint gives up or answers 410 Gone, ${to.map(describeRecipient).join(', ')} ${to.length === 1 ? 'is' : 'are'} told in the app and by email.`,
  ]);
}

type Escalation = NonNullable<Pack['escalations']>[number];

function escalationTrigger({ trigger }: Escalation, alwaysOpen: ReadonlySet<string>): string {
  if ('after' in trigger) {
    const hours = trigger.calendar && !alwaysOpen.has(trigger.calendar) ? ` (${trigger.calendar} hours)` : '';
    const open = trigger.onlyIfOpen ? ', if still open' : '';
    return `${describeDuration(trigger.after)} after ${describeSince(trigger.since)}${hours}${open}`;
  }
  return 'event' in trigger ? `on ${code(trigger.event)}` : `by hand: ${trigger.manual}`;
}

export function escalations({ pack, alwaysOpen }: RenderContext): string[] {
  if (!pack.escalations?.length) return [];
  return section('Escalation', [
    table(
      ['Rule', 'From', 'To', 'When', 'Only if', 'Repeat'],
      pack.escalations.map((e) => [
        e.label ?? e.id,
        e.from === 'any' ? 'anyone' : labelOf([...(pack.tiers ?? []), ...(pack.roles ?? [])], e.from),
        describeRecipient(e.to),
        escalationTrigger(e, alwaysOpen),
        e.when ? describeCondition(e.when) : '',
        e.repeat ? `every ${describeDuration(e.repeat.every)}, up to ${e.repeat.times} times` : '',
      ]),
    ),
  ]);
}

export function knowledge({ pack }: RenderContext): string[] {
  return section(
    'Common issues',
    (pack.knowledge ?? []).flatMap((k) => [
      `### ${k.issue}`,
      '',
      ...(k.categories?.length ? [`Ticket categories: ${k.categories.join(', ')}.`, ''] : []),
      'Check first:',
      '',
      ...list(k.firstChecks, true),
    ]),
  );
}
