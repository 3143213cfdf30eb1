/** /healthz, /readyz, /metrics and the OpenAPI document, through inject(). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';
import { postgresAvailable, postgresSkipReason } from '../support/databases.js';

describe('operations endpoints', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('answers /healthz', async () => {
    const r = await t.app.inject({ url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok', version: 'test' });
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ready', engine: 'pglite' });
  });

  it('serves Prometheus metrics, counting requests by route', async () => {
    await t.app.inject({ url: '/healthz' });
    const r = await t.app.inject({ url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.body).toMatch(
      /opsbook_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} [1-9]/,
    );
    expect(r.body).toContain('opsbook_process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3.1 document covering every API route', async () => {
    const r = await t.app.inject({ url: '/api/openapi.json' });
    const doc = r.json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/api/v1/auth/mfa',
        '/api/v1/auth/sign-in',
        '/api/v1/auth/sign-out',
        '/api/v1/auth/sign-up',
        '/api/v1/auth/sms',
        '/api/v1/auth/sms/verify',
        '/api/v1/invitations/{token}',
        '/api/v1/invitations/{token}/accept',
        '/api/v1/me',
        '/api/v1/me/mfa/recovery-codes',
        '/api/v1/me/mfa/totp',
        '/api/v1/me/mfa/totp/confirm',
        '/api/v1/me/mfa/totp/disable',
        '/api/v1/me/password',
        '/api/v1/me/phone',
        '/api/v1/me/phone/verify',
        '/api/v1/me/sessions',
        '/api/v1/me/sessions/{sessionId}',
        '/api/v1/me/workspace',
        '/api/v1/me/workspaces',
        '/api/v1/workspaces',
        '/api/v1/workspaces/{workspaceId}',
        '/api/v1/workspaces/{workspaceId}/audit',
        '/api/v1/workspaces/{workspaceId}/audit/export',
        '/api/v1/workspaces/{workspaceId}/audit/verify',
        '/api/v1/workspaces/{workspaceId}/events',
        '/api/v1/workspaces/{workspaceId}/inbound/email',
        '/api/v1/workspaces/{workspaceId}/invitations',
        '/api/v1/workspaces/{workspaceId}/invitations/{invitationId}',
        '/api/v1/workspaces/{workspaceId}/members',
        '/api/v1/workspaces/{workspaceId}/members/{userId}',
        '/api/v1/workspaces/{workspaceId}/membership',
        '/api/v1/workspaces/{workspaceId}/packs',
        '/api/v1/workspaces/{workspaceId}/packs/{packId}',
        '/api/v1/workspaces/{workspaceId}/packs/{packId}/diff',
        '/api/v1/workspaces/{workspaceId}/personal-data',
        '/api/v1/workspaces/{workspaceId}/personal-data/erase',
        '/api/v1/workspaces/{workspaceId}/roles',
        '/api/v1/workspaces/{workspaceId}/secrets/{secretId}',
        '/api/v1/workspaces/{workspaceId}/settings',
        '/api/v1/workspaces/{workspaceId}/subjects/{key}',
        '/api/v1/workspaces/{workspaceId}/tasks',
        '/api/v1/workspaces/{workspaceId}/tasks/{taskId}/complete',
        '/api/v1/workspaces/{workspaceId}/checklist-runs',
        '/api/v1/workspaces/{workspaceId}/checklist-runs/{runId}',
        '/api/v1/workspaces/{workspaceId}/checklist-runs/{runId}/items/{itemId}/approve',
        '/api/v1/workspaces/{workspaceId}/checklist-runs/{runId}/items/{itemId}/assign',
        '/api/v1/workspaces/{workspaceId}/checklist-runs/{runId}/items/{itemId}/complete',
        '/api/v1/workspaces/{workspaceId}/checklist-runs/{runId}/items/{itemId}/skip',
        '/api/v1/workspaces/{workspaceId}/checklists/calendar.ics',
        '/api/v1/workspaces/{workspaceId}/my-work',
        '/api/v1/workspaces/{workspaceId}/compliance',
        '/api/v1/workspaces/{workspaceId}/compliance/report.html',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/tasks',
        '/api/v1/workspaces/{workspaceId}/bugs',
        '/api/v1/workspaces/{workspaceId}/bugs/{bugId}',
        '/api/v1/workspaces/{workspaceId}/bugs/{bugId}/steps',
        '/api/v1/workspaces/{workspaceId}/bugs/{bugId}/links',
        '/api/v1/workspaces/{workspaceId}/releases',
        '/api/v1/workspaces/{workspaceId}/releases/{releaseId}',
        '/api/v1/workspaces/{workspaceId}/releases/{releaseId}/steps',
        '/api/v1/workspaces/{workspaceId}/releases/{releaseId}/links',
        '/api/v1/workspaces/{workspaceId}/releases/{releaseId}/go-no-go',
        '/api/v1/workspaces/{workspaceId}/releases/deployments',
        '/api/v1/workspaces/{workspaceId}/tokens',
        '/api/v1/workspaces/{workspaceId}/tokens/{tokenId}',
        '/api/v1/hooks/twilio/{workspaceId}/status',
        '/api/v1/hooks/twilio/{workspaceId}/inbound',
        '/api/v1/chat/{workspaceId}/conversations',
        '/api/v1/chat/{workspaceId}/conversations/{number}',
        '/api/v1/chat/{workspaceId}/conversations/{number}/csat',
        '/api/v1/chat/{workspaceId}/conversations/{number}/messages',
        '/api/v1/chat/{workspaceId}/conversations/{number}/stream',
        '/api/v1/help/{workspaceSlug}/articles',
        '/api/v1/help/{workspaceId}/csat/{number}',
        '/api/v1/workspaces/{workspaceId}/knowledge/articles',
        '/api/v1/workspaces/{workspaceId}/knowledge/articles/{articleId}',
        '/api/v1/workspaces/{workspaceId}/support/addresses',
        '/api/v1/workspaces/{workspaceId}/support/addresses/{address}',
        '/api/v1/workspaces/{workspaceId}/support/agents/{userId}',
        '/api/v1/workspaces/{workspaceId}/support/agents',
        '/api/v1/workspaces/{workspaceId}/support/metrics',
        '/api/v1/workspaces/{workspaceId}/support/metrics.csv',
        '/api/v1/workspaces/{workspaceId}/support/templates',
        '/api/v1/workspaces/{workspaceId}/tickets',
        '/api/v1/workspaces/{workspaceId}/tickets/bulk',
        '/api/v1/workspaces/{workspaceId}/tickets/queues',
        '/api/v1/workspaces/{workspaceId}/tickets/stream',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/attachments/{attachmentId}',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/escalate',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/merge',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/messages',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/reopen',
        '/api/v1/workspaces/{workspaceId}/tickets/{number}/resolve',
        '/api/v1/workspaces/{workspaceId}/incidents',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/updates',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/updates/{updateId}/decision',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/roles/{role}',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/stages/{stage}/done',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/severity',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/stages/{stage}/steps/{index}',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/acknowledge',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/resolve',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/reports',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/tickets',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/review',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/action-items',
        '/api/v1/workspaces/{workspaceId}/incidents/{number}/action-items/{taskId}/done',
        '/api/v1/workspaces/{workspaceId}/incident-metrics',
        '/api/v1/workspaces/{workspaceId}/oncall/now',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules/{scheduleId}',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules/{scheduleId}/shifts',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules/{scheduleId}/calendar.ics',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules/{scheduleId}/overrides',
        '/api/v1/workspaces/{workspaceId}/oncall/schedules/{scheduleId}/overrides/{overrideId}',
        '/api/v1/workspaces/{workspaceId}/escalation-policies',
        '/api/v1/workspaces/{workspaceId}/escalation-policies/{policyId}',
        '/api/v1/workspaces/{workspaceId}/pages',
        '/api/v1/workspaces/{workspaceId}/pages/{pageId}',
        '/api/v1/intake/alertmanager',
        '/api/v1/intake/alertmanager/{token}',
        '/api/v1/intake/generic',
        '/api/v1/intake/generic/{token}',
        '/api/v1/intake/pagerduty/v2/enqueue',
        '/api/v1/workspaces/{workspaceId}/integrations',
        '/api/v1/workspaces/{workspaceId}/integrations/{integrationId}',
        '/api/v1/workspaces/{workspaceId}/integrations/{integrationId}/token',
        '/api/v1/workspaces/{workspaceId}/alerts',
        '/api/v1/workspaces/{workspaceId}/alerts/{alertId}',
        '/api/v1/workspaces/{workspaceId}/alerts/{alertId}/acknowledge',
        '/api/v1/workspaces/{workspaceId}/alerts/{alertId}/resolve',
        '/api/v1/workspaces/{workspaceId}/metrics',
        '/api/v1/me/notification-settings',
        '/api/v1/unsubscribe/{workspaceId}/{messageId}',
        '/api/v1/workspaces/{workspaceId}/deliveries',
        '/api/v1/workspaces/{workspaceId}/deliveries/{messageId}',
        '/api/v1/workspaces/{workspaceId}/deliveries/{messageId}/retry',
        '/api/v1/workspaces/{workspaceId}/destinations',
        '/api/v1/workspaces/{workspaceId}/destinations/{destinationId}',
        '/api/v1/workspaces/{workspaceId}/destinations/{destinationId}/secret',
        '/api/v1/workspaces/{workspaceId}/mailbox',
        '/api/v1/workspaces/{workspaceId}/messaging-provider',
        '/api/v1/workspaces/{workspaceId}/notifications',
        '/api/v1/workspaces/{workspaceId}/notifications/feed',
        '/api/v1/workspaces/{workspaceId}/notifications/read',
        '/api/v1/workspaces/{workspaceId}/notifications/stream',
        '/api/v1/workspaces/{workspaceId}/templates',
        '/api/v1/workspaces/{workspaceId}/templates/{templateId}/preview',
        '/api/v1/workspaces/{workspaceId}/status/components',
        '/api/v1/workspaces/{workspaceId}/status/components/from-pack',
        '/api/v1/workspaces/{workspaceId}/status/components/order',
        '/api/v1/workspaces/{workspaceId}/status/components/{componentId}',
        '/api/v1/workspaces/{workspaceId}/status/maintenance',
        '/api/v1/workspaces/{workspaceId}/status/maintenance/{maintenanceId}',
        '/api/v1/workspaces/{workspaceId}/status/subscribers',
        '/api/v1/workspaces/{workspaceId}/status/subscribers/{subscriberId}',
        '/healthz',
        '/metrics',
        '/readyz',
        '/api/v1/workspaces/{workspaceId}/checks',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}/pause',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}/resume',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}/run',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}/results',
        '/api/v1/workspaces/{workspaceId}/checks/{checkId}/uptime',
        '/api/v1/workspaces/{workspaceId}/heartbeats',
        '/api/v1/workspaces/{workspaceId}/heartbeats/{heartbeatId}',
        '/api/v1/workspaces/{workspaceId}/heartbeats/{heartbeatId}/pause',
        '/api/v1/workspaces/{workspaceId}/heartbeats/{heartbeatId}/resume',
        '/api/v1/workspaces/{workspaceId}/heartbeats/{heartbeatId}/token',
        '/api/v1/workspaces/{workspaceId}/heartbeats/{heartbeatId}/pings',
        '/api/v1/workspaces/{workspaceId}/monitors/import',
        '/ping/{token}',
        '/ping/{token}/{signal}',
        '/api/v1/workspaces/{workspaceId}/accounts',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/access',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/timeline',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/journeys',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/contacts',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/contacts/{contactId}',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/facts',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/contacts/import',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/signup/decision',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/payments/manual',
        '/api/v1/workspaces/{workspaceId}/signups',
        '/api/v1/workspaces/{workspaceId}/customer-metrics',
        '/api/v1/workspaces/{workspaceId}/facts',
        '/api/v1/workspaces/{workspaceId}/payment-webhooks',
        '/api/v1/workspaces/{workspaceId}/payment-webhooks/{webhookId}',
        '/api/v1/workspaces/{workspaceId}/payment-webhooks/{webhookId}/rotate',
        '/api/v1/hooks/payments/{workspaceId}/{webhookId}',
        '/api/v1/surveys/{workspaceId}/{surveyInvitationId}',
        '/api/v1/workspaces/{workspaceId}/survey-invitations/{surveyInvitationId}/answer',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/surveys',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/export',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/checkout',
        '/api/v1/workspaces/{workspaceId}/accounts/{accountId}/checkouts',
        '/api/v1/checkout/sandbox/{workspaceId}/{checkoutId}',
        '/api/v1/workspaces/{workspaceId}/template-values',
        '/api/v1/workspaces/{workspaceId}/surveys',
        '/api/v1/workspaces/{workspaceId}/vendors',
        '/api/v1/workspaces/{workspaceId}/vendors/{vendorId}',
        '/api/v1/workspaces/{workspaceId}/vendors/{vendorId}/scorecards',
        '/api/v1/workspaces/{workspaceId}/backups',
        '/api/v1/workspaces/{workspaceId}/backups/drills',
      ].sort(),
    );
    const signIn = doc.paths['/api/v1/auth/sign-in']!.post as {
      requestBody: {
        content: Record<string, { schema: { additionalProperties: unknown; required: string[] } }>;
      };
    };
    expect(signIn.requestBody.content['application/json']!.schema).toMatchObject({
      additionalProperties: false,
      required: ['email', 'password'],
    });
  });

  it('says shutting down on /readyz once SIGTERM arrived, so load balancers drain it', async () => {
    t.lifecycle.shuttingDown = true;
    const r = await t.app.inject({ url: '/readyz' });
    t.lifecycle.shuttingDown = false;
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'OPS_SHUTTING_DOWN', retryable: true });
  });
});

describe('readiness when something is wrong', () => {
  it('is not ready while migrations are pending', async () => {
    const t = await buildTestApp({}, { database: await openPglite({ migrate: false }), demo: false });
    try {
      const r = await t.app.inject({ url: '/readyz' });
      expect(r.statusCode).toBe(503);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json()).toMatchObject({
        code: 'OPS_NOT_READY',
        detail: expect.stringMatching(/^0 of \d+ migrations applied/),
      });
    } finally {
      await t.close();
    }
  });

  it('is not ready, and does not crash, when the database is gone', async () => {
    const t = await buildTestApp({}, { demo: false });
    await t.database.close();
    const r = await t.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'OPS_DATABASE_UNAVAILABLE' });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    await t.app.close();
  });
});

describe('a database that goes away', () => {
  it('answers 503 OPS_DATABASE_UNAVAILABLE on API routes (embedded engine closed)', async () => {
    const t = await buildTestApp();
    const { cookie } = await signInAs(t.app, DEMO_ADMIN_EMAIL, DEMO_PASSWORD);
    await t.database.close();
    const r = await t.app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ code: 'OPS_DATABASE_UNAVAILABLE', retryable: true });
    await t.app.close();
  });

  it.runIf(postgresAvailable)(
    `answers 503 when PostgreSQL refuses connections${postgresSkipReason}`,
    async () => {
      const database = await openPostgres({ url: 'postgres://postgres@127.0.0.1:1/gone', migrate: false });
      const t = await buildTestApp({}, { database, demo: false });
      try {
        const r = await t.app.inject({ url: '/api/v1/me', headers: { cookie: 'opsbook_session=anything' } });
        expect(r.statusCode).toBe(503);
        expect(r.json()).toMatchObject({ code: 'OPS_DATABASE_UNAVAILABLE' });
        expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(503);
      } finally {
        await t.close();
      }
    },
  );
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy and the usual hardening headers', async () => {
    const t = await buildTestApp({}, { demo: false });
    try {
      const r = await t.app.inject({ url: '/healthz' });
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(r.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['x-powered-by']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
