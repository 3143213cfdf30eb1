/** Scenario files: instants and offsets, and every kind of bad input reported at its line, all at once. */
import { describe, expect, it } from 'vitest';
import { parseScenario, readInstant } from './parse.js';

const ok = (text: string) => {
  const result = parseScenario('s.yaml', text, 'Asia/Kolkata');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.scenario;
};
const problems = (text: string) => {
  const result = parseScenario('s.yaml', text, 'Asia/Kolkata');
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(
    (p) => `${p.line}:${p.column} ${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`,
  );
};

describe('instants', () => {
  const start = Date.parse('2025-01-20T10:00:00Z');
  it.each([
    ['+15m', start + 15 * 60_000],
    ['+1h30m', start + 90 * 60_000],
    ['+3d', start + 3 * 86_400_000],
    ['2025-01-20T15:30:00+05:30', start],
    ['2025-01-20T15:30 Asia/Kolkata', start],
    ['2025-01-20T10:00:00Z', start],
    ['2025-01-20T15:30', start],
  ])('%s', (text, expected) => {
    expect(readInstant(text, 'Asia/Kolkata', start)).toBe(expected);
  });
  it('a local time skipped by spring-forward moves forward; a repeated one takes the earlier instant', () => {
    expect(readInstant('2026-03-29T01:30 Europe/London', 'UTC', null)).toBe(
      Date.parse('2026-03-29T01:00:00Z') + 30 * 60_000,
    );
    expect(readInstant('2026-10-25T01:30 Europe/London', 'UTC', null)).toBe(
      Date.parse('2026-10-25T00:30:00Z'),
    );
  });
  it.each(['+15 minuets', 'tomorrow', '2025-01-20', '+'])('%s does not parse', (text) => {
    expect(readInstant(text, 'UTC', start)).toBeNull();
  });
});

describe('parseScenario', () => {
  it('reads events with their subjects, initial facts first, and expectations', () => {
    const s = ok(`
start: '2025-01-20T10:00:00+05:30'
until: +1d
facts: { 'user:U1': { customers_added: 3 } }
events:
  - { at: +0m, type: ticket.created, ticket: T1, priority: p1, channel: whatsapp }
  - { at: +5m, type: ticket.replied, ticket: T1, by: agent }
expect:
  - { at: +5m, type: clock.met, subject: T1, clock: first-response }
  - { window: [+0m, +1d], type: escalate, absent: true }
`);
    expect(s.events.map((e) => [e.type, e.subject, e.atMs - s.startMs])).toEqual([
      ['fact.set', 'user:U1', 0],
      ['ticket.created', 'ticket:T1', 0],
      ['ticket.replied', 'ticket:T1', 300_000],
    ]);
    expect(s.untilMs - s.startMs).toBe(86_400_000);
    expect(s.expectations.map((e) => [e.type, e.absent, e.fields])).toEqual([
      ['clock.met', false, { clock: 'first-response' }],
      ['escalate', true, {}],
    ]);
  });

  it('reports every problem at once, each at its line, and runs nothing', () => {
    const found = problems(`start: '2025-01-20T10:00:00+05:30'
events:
  - { at: +0m, type: ticket.creatd, ticket: T1 }
  - { at: +15 minuets, type: ticket.created, ticket: T2, priority: p1, channel: email }
  - { at: +10m, type: ticket.created, ticket: T3, priority: p1, channel: email, colour: red }
  - { at: +5m, type: ticket.replied, ticket: T3, by: agent }
  - { at: +20m, type: ticket.replied, ticket: T9, by: agent }
  - { at: +30m, type: ticket.replied, ticket: T3, by: robot }
  - { at: +40m, type: ticket.created, ticket: T4, channel: email }
`);
    expect(found).toEqual([
      '3:22 events[0].type: unknown event type "ticket.creatd" (did you mean "ticket.created"? docs/scenarios.md lists the event types)',
      '4:11 events[1].at: "+15 minuets" is neither an offset from start nor an instant (write an offset like +15m, +2h, +1h30m, +3d, or an instant with its offset)',
      '5:81 events[2].colour: ticket.created has no field "colour" (its fields: ticket, priority, channel, account, plan, category, subject, body, customer, locale, tier)',
      '6:11 events[3].at: events must be in time order (move this event before the ones that happen after it)',
      '7:47 events[4].ticket: ticket:T9 was never created before this event (first send an event that creates it, e.g. ticket.created)',
      '8:55 events[5].by: by is one of agent, customer (got "robot")',
      '9:5 events[6]: ticket.created needs "priority"',
    ]);
  });

  it('needs a start with an offset or zone', () => {
    expect(problems('start: tomorrow\nevents: []\n')[0]).toMatch(/^1:8 start: start must be an instant/);
  });
});
