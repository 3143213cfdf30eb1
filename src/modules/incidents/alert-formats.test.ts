import { describe, expect, it } from 'vitest';
import {
  AlertmanagerWebhook,
  asGenericBatch,
  fromAlertmanager,
  fromGeneric,
  fromPagerDuty,
  GenericBatch,
  PagerDutyEvent,
} from './alert-formats.js';

const webhook = (over: Record<string, unknown> = {}) =>
  AlertmanagerWebhook.parse({
    version: '4',
    groupKey: '{}:{alertname="HighCPU"}',
    status: 'firing',
    receiver: 'opsbook',
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: 'HighCPU',
          severity: 'warning',
          service: 'api',
          component: 'web',
          instance: 'a',
        },
        annotations: { summary: 'CPU over 80% on a' },
        startsAt: '2026-03-02T04:00:00.5Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: 'abc123',
      },
      { status: 'resolved', labels: { alertname: 'Other' }, endsAt: '2026-03-02T04:05:00Z' },
    ],
    ...over,
  });

describe('fromAlertmanager', () => {
  it('reads each alert of the group: firing → trigger, resolved → resolve, keyed by fingerprint', () => {
    const [firing, resolved] = fromAlertmanager(webhook(), {});
    expect(firing).toEqual({
      action: 'trigger',
      dedupKey: 'abc123',
      summary: 'CPU over 80% on a',
      severity: 'warning',
      service: 'api',
      component: 'web',
      labels: { alertname: 'HighCPU', severity: 'warning', service: 'api', component: 'web', instance: 'a' },
      details: {
        annotations: { summary: 'CPU over 80% on a' },
        startsAt: '2026-03-02T04:00:00.5Z',
        receiver: 'opsbook',
      },
      startedAt: new Date('2026-03-02T04:00:00.500Z'),
      groupKey: '{}:{alertname="HighCPU"}',
    });
    // No fingerprint (Alertmanager before 0.19): a stable hash of the label set; no summary: the name.
    expect(resolved).toMatchObject({
      action: 'resolve',
      summary: 'Other',
      dedupKey: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(fromAlertmanager(webhook(), {})[1]!.dedupKey).toBe(resolved!.dedupKey);
  });

  it("falls back on the integration's severity and service, and drops Alertmanager's zero time", () => {
    const [, second] = fromAlertmanager(webhook(), { severity: 'critical', service: 'billing' });
    expect(second).toMatchObject({ severity: 'critical', service: 'billing' });
    expect(second!.details).toMatchObject({ endsAt: '2026-03-02T04:05:00Z' });
    expect(second!.startedAt).toBeUndefined();
  });

  it('refuses another payload version and malformed alerts, naming the field', () => {
    const bad = AlertmanagerWebhook.safeParse({
      version: '3',
      status: 'firing',
      alerts: [{ status: 'on', labels: [] }],
    });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('/')).sort()).toEqual([
      'alerts/0/labels',
      'alerts/0/status',
      'version',
    ]);
  });
});

describe('fromPagerDuty', () => {
  const read = (body: Record<string, unknown>) =>
    fromPagerDuty(PagerDutyEvent.parse(body), { service: 'shop' });
  const trigger = {
    routing_key: 'opsi_x',
    event_action: 'trigger',
    payload: {
      summary: 'Disk full',
      source: 'db-1',
      severity: 'critical',
      timestamp: '2015-07-17T08:42:58.315+0000',
      class: 'disk',
    },
  };

  it('reads a trigger, generating the dedup key when none is sent', () => {
    const r = read(trigger);
    if (!r.ok) throw new Error('expected a valid event');
    expect(r.dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect(r.event).toMatchObject({
      action: 'trigger',
      dedupKey: r.dedupKey,
      summary: 'Disk full',
      severity: 'critical',
      service: 'shop',
      labels: { source: 'db-1', alertname: 'disk' },
      startedAt: new Date('2015-07-17T08:42:58.315Z'),
    });
    expect(read(trigger).ok && read(trigger)).not.toEqual(r); // a new key each time, as PagerDuty does
  });

  it('names every problem at once, in its own words and as pointers', () => {
    const r = read({ event_action: 'fire', dedup_key: '', payload: { summary: '' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.pointer)).toEqual([
      '/body/routing_key',
      '/body/event_action',
      '/body/dedup_key',
      '/body/payload/summary',
      '/body/payload/source',
      '/body/payload/severity',
    ]);
    expect(r.problems[3]!.message).toMatch(/^'payload\.summary' /);
  });

  it('needs the key to acknowledge or resolve, and no payload then', () => {
    expect(read({ routing_key: 'k', event_action: 'resolve' })).toMatchObject({
      ok: false,
      problems: [{ pointer: '/body/dedup_key', message: "'dedup_key' is required to resolve" }],
    });
    expect(read({ routing_key: 'k', event_action: 'acknowledge', dedup_key: 'd' })).toMatchObject({
      ok: true,
      event: { action: 'acknowledge', dedupKey: 'd' },
    });
  });
});

describe('generic alerts', () => {
  it('reads one alert as a batch of one, and derives the same key for the same alert', () => {
    const one = GenericBatch.parse(asGenericBatch({ summary: 'Queue stuck', labels: { q: 'mail' } }));
    const again = GenericBatch.parse(asGenericBatch({ summary: 'Queue stuck', labels: { q: 'mail' } }));
    const other = GenericBatch.parse(asGenericBatch({ summary: 'Queue stuck', labels: { q: 'sms' } }));
    const key = (b: GenericBatch) => fromGeneric(b.alerts, {}, '/body/alerts').events[0]!.dedupKey;
    expect(key(one)).toBe(key(again));
    expect(key(one)).not.toBe(key(other));
    expect(asGenericBatch({ alerts: [] })).toEqual({ alerts: [] });
  });

  it('needs a summary to trigger and a key to resolve', () => {
    const batch = GenericBatch.parse({ alerts: [{ action: 'trigger' }, { action: 'resolve' }] });
    expect(fromGeneric(batch.alerts, {}, '/body/alerts').problems.map((p) => p.pointer)).toEqual([
      '/body/alerts/0/summary',
      '/body/alerts/1/dedupKey',
    ]);
  });
});
