/** The help desk section of the rendered SOP: triage rules in order and in words, and every desk rule. */
import { describe, expect, it } from 'vitest';
import { renderPack } from '../../src/packs/render.js';
import { PackSchema } from '../../src/packs/schema/pack.js';

const pack = PackSchema.parse({
  pack: {
    id: 'desk',
    title: 'Desk',
    version: '1.0.0',
    owner: 'Ops',
    approver: 'Lead',
    effective: '2026-01',
    review: { every: 'year' },
    timeZone: 'UTC',
    locales: ['en'],
    changelog: [{ version: '1.0.0', date: '2026-01', author: 'Ops', changes: 'First' }],
  },
  scales: [
    {
      id: 'ticket',
      label: 'Ticket priority',
      for: 'ticket',
      levels: [
        { id: 'p1', label: 'P1 - Critical' },
        { id: 'p3', label: 'P3 - Medium' },
      ],
    },
  ],
  tiers: [
    { id: 'l1', label: 'L1 Support', responsibilities: ['First response'] },
    { id: 'l3', label: 'L3 Tech', responsibilities: ['Code fixes'] },
  ],
  channels: [{ id: 'chat', label: 'In-App Chat', kind: 'in-app-chat', audience: 'customer' }],
  desk: {
    defaultPriority: 'p3',
    categories: [{ id: 'technical', label: 'Technical issue' }],
    triage: [
      {
        id: 'app-down',
        label: 'P1 - Critical (App down)',
        when: {
          all: [
            { field: 'text', contains: ['app down', 'data loss'] },
            { field: 'channel', ne: 'chat' },
          ],
        },
        set: { priority: 'p1', category: 'technical', tags: ['outage'] },
        quote: 'P1 - Critical | App down, data loss',
      },
    ],
    assignment: [
      { tier: 'l1', strategy: 'round-robin' },
      { tier: 'l3', strategy: 'manual' },
    ],
    reopenWindow: '7d',
    autoReply: { template: 'ack', maxPerSenderPerHour: 2 },
    bot: { channel: 'chat', template: 'bot', quote: '< 15 min (bot), < 1 hr (human)' },
    csat: { template: 'csat', delay: '1h', target: 4.5, quote: 'CSAT Score | > 4.5/5' },
    firstContactResolution: { tag: 'fcr', target: 80 },
  },
});

describe('render: help desk', () => {
  const doc = renderPack(pack);
  const section = doc.slice(doc.indexOf('\n## Help desk\n'));

  it('lists the triage rules in order, with word lists that cannot be misread next to "and"', () => {
    expect(section).toContain(
      '| 1 | P1 - Critical (App down) | text contains any of "app down", "data loss" and channel ≠ chat | priority P1 - Critical, category Technical issue (`technical`), tags `outage` | P1 - Critical \\| App down, data loss |',
    );
    expect(section).toContain('A ticket no rule prioritises is P3 - Medium.');
    expect(section).toContain('- Technical issue (`technical`)');
  });

  it('says how each tier assigns, and every automatic message with its limits', () => {
    expect(section).toContain('- L1 Support: in turn among its agents on shift (round-robin)');
    expect(section).toContain('- L3 Tech: by hand: a lead assigns, or an agent takes it');
    expect(section).toContain('A resolved ticket reopened within 7d counts toward the reopen rate');
    expect(section).toContain(
      'acknowledged at once with `ack`: at most 2 automatic replies to one sender an hour',
    );
    expect(section).toContain(
      'A bot answers In-App Chat first with `bot`, suggesting up to 3 help-centre articles',
    );
    expect(section).toContain('*“< 15 min (bot), < 1 hr (human)”*');
    expect(section).toContain(
      'A satisfaction survey (1-5), `csat`, goes over the channel the ticket came from 1h after the ticket is resolved; the goal is an average over 4.5/5.',
    );
    expect(section).toContain('tags it `fcr`; the goal is over 80 % of resolved tickets.');
    expect(doc).not.toMatch(/\n{3,}/);
  });
});
