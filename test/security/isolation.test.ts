/**
 * RELIABILITY S1: every route of the OpenAPI document, tried from another workspace (a member's session
 * and an admin API token of workspace A against workspace B) and by every role and token scope that
 * should not have it, on both database engines. 0 leaks: each answer is 404 (other workspace) or 403
 * (role), B's data is unchanged afterwards, and the roles that should have access do get past the check.
 * A route added without a case here fails the test.
 */
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_ROLES, TOKEN_SCOPES, type Permission, type TokenScope } from '../../src/core/access.js';
import type { AccessRule } from '../../src/api/session.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashPassword } from '../../src/modules/admin/passwords.js';
import { enqueueMessage, messageId } from '../../src/engine/outbox.js';
import { newId } from '../../src/shared/ids.js';
import { memberships, outbox, users } from '../../src/store/schema.js';
import { alerts, incidents, pages } from '../../src/store/schema-incidents.js';
import { inviteToSurvey } from '../../src/modules/customers/surveys.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

/** Public routes, reviewed one by one: they show nothing of a workspace beyond what they are for. */
const PUBLIC = new Set([
  'POST /api/v1/auth/sign-up',
  'POST /api/v1/auth/sign-in',
  'POST /api/v1/auth/mfa',
  'POST /api/v1/auth/sms',
  'POST /api/v1/auth/sms/verify',
  'GET /api/v1/invitations/:token',
  'GET /api/openapi.json',
  // Signed by the SMS provider with the workspace's auth token (X-Twilio-Signature); answers 401 otherwise.
  'POST /api/v1/hooks/twilio/:workspaceId/status',
  // Acts only with the random token stored on the message the link was in; 404 otherwise.
  'GET /api/v1/unsubscribe/:workspaceId/:messageId',
  'POST /api/v1/unsubscribe/:workspaceId/:messageId',
  // Signed like the status callback; 404 without a provider, 403 for a bad signature.
  'POST /api/v1/hooks/twilio/:workspaceId/inbound',
  // A billing provider's delivery, signed with the endpoint's secret (Stripe-Signature or Standard
  // Webhooks) over the exact body; 404 without the endpoint, 403 for a bad or stale signature.
  'POST /api/v1/hooks/payments/:workspaceId/:webhookId',
  // A survey invitation's answer acts only with the token of its link (404 otherwise, nothing changed).
  'POST /api/v1/surveys/:workspaceId/:surveyInvitationId',
  // The sandbox checkout's Pay / Decline act only with the token of the checkout's link (404 otherwise).
  'POST /api/v1/checkout/sandbox/:workspaceId/:checkoutId',
  // The chat widget on a customer's site: anyone may start a conversation (rate-limited per address) in a
  // workspace whose pack has an in-app chat channel; the rest act only with that conversation's token (404
  // otherwise) and show only its visible messages. The preflight says only that any origin may call.
  'POST /api/v1/chat/:workspaceId/conversations',
  'GET /api/v1/chat/:workspaceId/conversations/:number',
  'POST /api/v1/chat/:workspaceId/conversations/:number/messages',
  'GET /api/v1/chat/:workspaceId/conversations/:number/stream',
  'POST /api/v1/chat/:workspaceId/conversations/:number/csat',
  'OPTIONS /api/v1/chat/*',
  // The help centre: published articles only (drafts never leave). The survey answer acts only with the
  // token of the link sent when the ticket was resolved; 404 otherwise, and nothing changes.
  'GET /api/v1/help/:workspaceSlug/articles',
  'POST /api/v1/help/:workspaceId/csat/:number',
  // Alert intake (docs/alerts.md): acts only with an integration's token (header, path or routing_key),
  // and then only in that integration's workspace; 401/404 otherwise, before the body is read.
  'POST /api/v1/intake/alertmanager',
  'POST /api/v1/intake/alertmanager/:token',
  'POST /api/v1/intake/generic',
  'POST /api/v1/intake/generic/:token',
  'POST /api/v1/intake/pagerduty/v2/enqueue',
]);

/** Public routes that do change a workspace for anyone, by design: not attacks when tried across workspaces. */
const OPEN_TO_ANYONE = new Set([
  'POST /api/v1/chat/:workspaceId/conversations',
  // Anyone may post to a payment webhook; without its signing secret the delivery is refused (403) and
  // nothing is recorded (the snapshot of B is compared after every other attack).
  'POST /api/v1/hooks/payments/:workspaceId/:webhookId',
]);

const LEAVE = '/api/v1/workspaces/:workspaceId/membership';

/** A person's own in-app notifications: API tokens act for no person, so they are refused these. */
const PERSON_ONLY = new Set([
  'GET /api/v1/workspaces/:workspaceId/notifications',
  'POST /api/v1/workspaces/:workspaceId/notifications/read',
  'GET /api/v1/workspaces/:workspaceId/notifications/stream',
  // My work is the signed-in person's list.
  'GET /api/v1/workspaces/:workspaceId/my-work',
]);

const ISO_SCHEDULE = {
  rotation: 'incident-commander',
  timeZone: 'UTC',
  layers: [
    {
      users: ['usr_isolation'],
      handoff: 'weekly',
      handoffDay: 1,
      handoffTime: '09:00',
      startsAt: '2030-01-01T00:00:00Z',
    },
  ],
};
const ISO_POLICY = { name: 'Isolation', steps: [{ delayMinutes: 5, targets: ['role:owner'] }] };
let isoIncidents = 900_000;

/** Bodies for the workspace routes that take one: valid, so a permitted caller gets past validation. */
/** A valid Indian mobile number, different each call. */
const randomMobile = () => `+9198${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

const BODIES: Record<string, (has: ReadonlySet<string>) => unknown> = {
  // An ingest-only caller sends what integrations send: an alert.
  'POST /api/v1/workspaces/:workspaceId/events': (has) =>
    has.has('events.write') || !has.has('ingest')
      ? {
          type: 'ticket.created',
          ticket: `ISO-${Math.random().toString(36).slice(2, 8)}`,
          priority: 'p2',
          channel: 'email-support',
        }
      : { type: 'alert.fired', key: `iso-${Math.random().toString(36).slice(2, 8)}`, title: 'Isolation' },
  'PATCH /api/v1/workspaces/:workspaceId/members/:userId': () => ({ role: 'viewer' }),
  'POST /api/v1/workspaces/:workspaceId/invitations': () => ({
    email: `invitee-${Math.random().toString(36).slice(2, 8)}@example.com`,
    role: 'viewer',
  }),
  'POST /api/v1/workspaces/:workspaceId/tokens': () => ({ name: 'isolation', scope: 'read' }),
  'PUT /api/v1/workspaces/:workspaceId/settings': () => ({ requireMfa: false }),
  'POST /api/v1/workspaces/:workspaceId/personal-data/erase': () => ({ email: 'nobody-at-all@example.com' }),
  'POST /api/v1/workspaces/:workspaceId/notifications/read': () => ({ all: true }),
  // A literal public address: checked (not contacted) when saved.
  'PUT /api/v1/workspaces/:workspaceId/destinations/:destinationId': () => ({
    kind: 'webhook',
    url: 'https://8.8.8.8/opsbook-isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/destinations/:destinationId/secret': () => ({ action: 'rotate' }),
  'PUT /api/v1/workspaces/:workspaceId/messaging-provider': () => ({
    baseUrl: 'https://8.8.8.8',
    accountSid: 'AC-isolation',
    authToken: 'isolation-token',
    smsFrom: '+14155550100',
  }),
  'POST /api/v1/workspaces/:workspaceId/deliveries/:messageId/retry': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/templates/:templateId/preview': () => ({}),
  'POST /api/v1/hooks/twilio/:workspaceId/status': () => ({ MessageSid: 'SM1', MessageStatus: 'delivered' }),
  'POST /api/v1/unsubscribe/:workspaceId/:messageId': () => ({ 'List-Unsubscribe': 'One-Click' }),
  // Takes raw message/rfc822, which this walker cannot send: a JSON body passes the access check and then
  // gets 415 (test/support-desk/mail-http.test.ts sends real mail).
  'POST /api/v1/workspaces/:workspaceId/inbound/email': () => ({ raw: 'From: iso@example.com' }),
  'PUT /api/v1/workspaces/:workspaceId/support/agents/:userId': () => ({ tiers: [], onShift: true }),
  'POST /api/v1/workspaces/:workspaceId/support/addresses': () => ({
    address: `iso-${Math.random().toString(36).slice(2, 8)}@example.com`,
  }),
  'POST /api/v1/workspaces/:workspaceId/knowledge/articles': () => ({
    title: 'Isolation',
    body: 'Isolation article',
    category: 'Isolation',
  }),
  'PATCH /api/v1/workspaces/:workspaceId/knowledge/articles/:articleId': () => ({ title: 'Changed' }),
  'POST /api/v1/help/:workspaceId/csat/:number': () => ({ t: 'not-the-survey-token', score: 5 }),
  'POST /api/v1/hooks/twilio/:workspaceId/inbound': () => ({
    MessageSid: 'SMisolation0001',
    From: 'whatsapp:+919876543210',
    Body: 'Isolation',
  }),
  'POST /api/v1/chat/:workspaceId/conversations': () => ({ text: 'Isolation' }),
  'POST /api/v1/chat/:workspaceId/conversations/:number/messages': () => ({
    t: 'x'.repeat(32),
    text: 'Isolation',
  }),
  'POST /api/v1/chat/:workspaceId/conversations/:number/csat': () => ({ t: 'x'.repeat(32), score: 5 }),
  // The agent help desk (issue 7).
  'POST /api/v1/workspaces/:workspaceId/tickets': () => ({
    title: 'Isolation',
    text: 'Isolation',
    requester: { email: 'iso@example.com' },
  }),
  'PATCH /api/v1/workspaces/:workspaceId/tickets/:number': () => ({ title: 'Isolation' }),
  'POST /api/v1/workspaces/:workspaceId/tickets/:number/messages': () => ({
    kind: 'note',
    text: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/tickets/:number/escalate': () => ({ to: 'role:management' }),
  'POST /api/v1/workspaces/:workspaceId/tickets/:number/resolve': () => ({}),
  'POST /api/v1/workspaces/:workspaceId/tickets/:number/reopen': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/tickets/:number/merge': () => ({ into: 1 }),
  // The incident room (issue 8). `:number` is a ticket's number: in A an incident of that number may not
  // exist (404 passes the access check), in B it is 404 like everything else.
  'POST /api/v1/workspaces/:workspaceId/incidents': () => ({ title: 'Isolation', severity: 'sev3' }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/updates': () => ({
    audience: 'internal',
    body: { en: 'Isolation' },
  }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/updates/:updateId/decision': () => ({
    decision: 'approve',
  }),
  'PUT /api/v1/workspaces/:workspaceId/incidents/:number/roles/:role': () => ({ userId: null }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/stages/:stage/done': () => undefined,
  'PUT /api/v1/workspaces/:workspaceId/incidents/:number/severity': () => ({ severity: 'sev3' }),
  'PUT /api/v1/workspaces/:workspaceId/incidents/:number/stages/:stage/steps/:index': () => ({ done: true }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/acknowledge': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/resolve': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/reports': () => ({ clock: 'cert-in' }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/tickets': () => ({ tickets: [1] }),
  'PUT /api/v1/workspaces/:workspaceId/incidents/:number/review': () => ({ sections: {} }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/action-items': () => ({
    title: 'Isolation',
    ownerId: 'usr_isolation',
    dueAt: '2030-01-01T00:00:00Z',
  }),
  'POST /api/v1/workspaces/:workspaceId/incidents/:number/action-items/:taskId/done': () => undefined,
  // On-call: a valid schedule for ShopSmart's rotation (its user need not exist: 400 past the access check).
  'POST /api/v1/workspaces/:workspaceId/oncall/schedules': () => ISO_SCHEDULE,
  'PUT /api/v1/workspaces/:workspaceId/oncall/schedules/:scheduleId': () => ISO_SCHEDULE,
  'POST /api/v1/workspaces/:workspaceId/oncall/schedules/:scheduleId/overrides': () => ({
    userId: 'usr_isolation',
    startsAt: '2030-01-01T00:00:00Z',
    endsAt: '2030-01-02T00:00:00Z',
  }),
  'POST /api/v1/workspaces/:workspaceId/escalation-policies': () => ISO_POLICY,
  'PUT /api/v1/workspaces/:workspaceId/escalation-policies/:policyId': () => ISO_POLICY,
  // Monitoring: a literal public address, checked (not contacted) when saved.
  'POST /api/v1/workspaces/:workspaceId/checks': () => ({
    name: 'Isolation',
    kind: 'http',
    target: 'https://8.8.8.8/opsbook-isolation',
  }),
  'PATCH /api/v1/workspaces/:workspaceId/checks/:checkId': () => ({ name: 'Changed' }),
  'POST /api/v1/workspaces/:workspaceId/checks/:checkId/pause': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/checks/:checkId/resume': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/checks/:checkId/run': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/heartbeats': () => ({ name: 'Isolation' }),
  'POST /api/v1/workspaces/:workspaceId/monitors/import': () => undefined,
  'PATCH /api/v1/workspaces/:workspaceId/heartbeats/:heartbeatId': () => ({ name: 'Changed' }),
  'POST /api/v1/workspaces/:workspaceId/heartbeats/:heartbeatId/pause': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/heartbeats/:heartbeatId/resume': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/heartbeats/:heartbeatId/token': () => undefined,
  // The status page's setup: a literal public address for a webhook subscriber (checked, not contacted).
  'POST /api/v1/workspaces/:workspaceId/status/components': () => ({
    name: `Isolation ${Math.random().toString(36).slice(2, 8)}`,
  }),
  'POST /api/v1/workspaces/:workspaceId/status/components/from-pack': () => undefined,
  'PUT /api/v1/workspaces/:workspaceId/status/components/order': () => ({ ids: [] }),
  'PATCH /api/v1/workspaces/:workspaceId/status/components/:componentId': () => ({ description: 'Changed' }),
  'POST /api/v1/workspaces/:workspaceId/status/maintenance': () => ({
    title: 'Isolation',
    startsAt: '2030-01-01T00:00:00Z',
    endsAt: '2030-01-01T02:00:00Z',
  }),
  'PATCH /api/v1/workspaces/:workspaceId/status/maintenance/:maintenanceId': () => ({ title: 'Changed' }),
  'POST /api/v1/workspaces/:workspaceId/status/subscribers': () => ({
    url: `https://8.8.8.8/opsbook-isolation-${Math.random().toString(36).slice(2, 8)}`,
  }),
  // Customers: a random account id and phone each time, so repeated calls never collide.
  'POST /api/v1/workspaces/:workspaceId/accounts': () => ({
    id: `iso-${Math.random().toString(36).slice(2, 10)}`,
    name: 'Isolation',
  }),
  'PATCH /api/v1/workspaces/:workspaceId/accounts/:accountId': () => ({ plan: 'changed' }),
  'PATCH /api/v1/workspaces/:workspaceId/template-values': () => ({ values: {} }),
  'POST /api/v1/workspaces/:workspaceId/tasks/:taskId/complete': () => ({ note: 'Isolation' }),
  'POST /api/v1/workspaces/:workspaceId/checklist-runs': () => ({ checklist: 'qa-sign-off' }),
  'POST /api/v1/workspaces/:workspaceId/bugs': () => ({ title: 'Isolation' }),
  'POST /api/v1/workspaces/:workspaceId/bugs/:bugId/steps': () => ({ action: 'triage' }),
  'POST /api/v1/workspaces/:workspaceId/bugs/:bugId/links': () => ({ links: ['bug:BUG-1'] }),
  'POST /api/v1/workspaces/:workspaceId/releases': () => ({
    title: 'Isolation',
    fields: { version: '0.0.1' },
  }),
  'POST /api/v1/workspaces/:workspaceId/releases/:releaseId/steps': () => ({ action: 'deployed' }),
  'POST /api/v1/workspaces/:workspaceId/releases/:releaseId/links': () => ({ links: ['bug:BUG-1'] }),
  'POST /api/v1/workspaces/:workspaceId/releases/:releaseId/go-no-go': () => ({
    decision: 'no-go',
    note: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/releases/deployments': () => ({
    version: '0.0.1',
    status: 'deployed',
  }),
  'POST /api/v1/workspaces/:workspaceId/vendors/:vendorId/scorecards': () => ({
    scores: { 'reliability-uptime': 4, cost: 3, security: 5, support: 4, scalability: 3, integration: 5 },
  }),
  'POST /api/v1/workspaces/:workspaceId/backups/drills': () => ({
    check: 'restore-test-sample',
    objective: 'single-record-recovery',
    restoreMinutes: 10,
    dataLossMinutes: 5,
    succeeded: true,
  }),
  'POST /api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/complete': () => ({
    evidence: { kind: 'note', value: 'Isolation' },
  }),
  'POST /api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/skip': () => ({
    reason: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/approve': () => ({
    note: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/checklist-runs/:runId/items/:itemId/assign': () => ({
    assignee: null,
  }),
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/contacts': () => ({
    name: 'Isolation',
    phone: randomMobile(),
  }),
  'PATCH /api/v1/workspaces/:workspaceId/accounts/:accountId/contacts/:contactId': () => ({ unit: 'B-2' }),
  // A CSV body (text/csv); sent without one it is refused (415) after the access check.
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/contacts/import': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/signups': () => ({
    account: `iso-${Math.random().toString(36).slice(2, 10)}`,
    name: 'Isolation estate',
    location: 'Nowhere',
    units: 10,
    type: 'apartments',
    admin: { name: 'Isolation admin', phone: randomMobile() },
  }),
  // Refused by the pack (409) unless the signup is pending: what matters here is who may try.
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/signup/decision': () => ({
    decision: 'suspend',
    reason: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/payments/manual': () => ({
    amount: 1,
    reference: 'ISO-1',
    note: 'Isolation',
  }),
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/facts': () => ({ facts: { app_opens: 1 } }),
  // Without the link's token: refused (404) whoever sends it.
  'POST /api/v1/surveys/:workspaceId/:surveyInvitationId': () => ({ t: 'not-the-token', score: 9 }),
  'POST /api/v1/checkout/sandbox/:workspaceId/:checkoutId': () => ({ t: 'not-the-token', outcome: 'pay' }),
  'POST /api/v1/workspaces/:workspaceId/accounts/:accountId/checkout': () => ({
    webhookId: 'pwh_isolation',
    amount: 1,
    currency: 'INR',
  }),
  'POST /api/v1/workspaces/:workspaceId/survey-invitations/:surveyInvitationId/answer': () => ({ score: 9 }),
  'POST /api/v1/workspaces/:workspaceId/payment-webhooks': () => ({ kind: 'generic', name: 'Isolation' }),
  'POST /api/v1/workspaces/:workspaceId/payment-webhooks/:webhookId/rotate': () => ({ action: 'add' }),
  // Unsigned: refused (403) whoever sends it.
  'POST /api/v1/hooks/payments/:workspaceId/:webhookId': () => ({
    id: 'evt_isolation',
    type: 'payment.failed',
    account: 'iso-account',
    occurredAt: '2026-01-01T00:00:00Z',
  }),
  'POST /api/v1/workspaces/:workspaceId/facts': () => ({
    items: [{ account: 'iso-facts', facts: { app_opens: 1 } }],
  }),
  'POST /api/v1/workspaces/:workspaceId/tickets/bulk': () => ({
    numbers: [1],
    action: 'tag',
    value: 'isolation',
  }),
  // Alert integrations and alerts (docs/alerts.md).
  'POST /api/v1/workspaces/:workspaceId/integrations': () => ({ kind: 'generic', name: 'Isolation' }),
  'PATCH /api/v1/workspaces/:workspaceId/integrations/:integrationId': () => ({ name: 'Changed' }),
  'POST /api/v1/workspaces/:workspaceId/integrations/:integrationId/token': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/alerts/:alertId/acknowledge': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/alerts/:alertId/resolve': () => undefined,
  'POST /api/v1/workspaces/:workspaceId/metrics': () => ({ samples: [{ metric: 'isolation', value: 1 }] }),
};

interface Target {
  readonly workspaceId: string;
  /** Fresh ids for each call, so destructive routes always have something to act on. */
  fresh(param: string): Promise<string>;
}

for (const engine of ENGINES) {
  describe.skipIf(!engine.available)(`isolation (S1): ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let t: TestApp;
    let app: FastifyInstance;
    const sessions = new Map<string, Awaited<ReturnType<typeof signInAs>>>();
    const tokens = new Map<string, string>();
    let a: Target;
    let b: Target;
    let ownerB: Awaited<ReturnType<typeof signInAs>>;
    let bTokenAdmin = '';

    const asSession = (s: Awaited<ReturnType<typeof signInAs>>) => ({
      cookie: s.cookie,
      'x-csrf-token': s.csrfToken,
    });
    const asToken = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      opened = await engine.open();
      t = await buildTestApp({}, { database: opened.database });
      app = t.app;
      const database = opened.database;
      const owner = await signInAs(app, 'owner@sofacover.demo', DEMO_PASSWORD);
      ownerB = await signInAs(app, 'owner@shopsmart.demo', DEMO_PASSWORD);
      const idA = owner.me.workspaces[0]!.id;
      const idB = ownerB.me.workspaces[0]!.id;
      // One member of A per built-in role.
      const hash = await hashPassword(DEMO_PASSWORD);
      for (const role of BUILT_IN_ROLES) {
        const email = `${role.id}@iso.test`;
        const id = newId('usr', Date.now());
        await database.db.insert(users).values({ id, email, name: role.label, passwordHash: hash });
        await database.inWorkspace(idA, (tx) =>
          tx.insert(memberships).values({ workspaceId: idA, userId: id, role: role.id }),
        );
        sessions.set(role.id, await signInAs(app, email, DEMO_PASSWORD, `10.1.0.${sessions.size + 1}`));
      }
      const mint = async (owner: Awaited<ReturnType<typeof signInAs>>, ws: string, scope: TokenScope) => {
        const r = await app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/tokens`,
          headers: asSession(owner),
          payload: { name: `iso-${scope}`, scope },
        });
        expect(r.statusCode).toBe(201);
        return r.json<{ id: string; token: string }>();
      };
      for (const scope of Object.keys(TOKEN_SCOPES) as TokenScope[])
        tokens.set(scope, (await mint(owner, idA, scope)).token);
      bTokenAdmin = (await mint(ownerB, idB, 'admin')).token;
      // A record in each workspace, for the record routes.
      for (const [s, ws, priority, channel] of [
        [owner, idA, 'p2', 'email-support'],
        [ownerB, idB, 'p2', 'email'],
      ] as const) {
        const r = await app.inject({
          method: 'POST',
          url: `/api/v1/workspaces/${ws}/events`,
          headers: asSession(s),
          payload: { type: 'ticket.created', ticket: 'ISO-1', priority, channel },
        });
        expect(r.statusCode, r.body).toBeLessThan(300);
      }
      const target = (workspaceId: string, ownerSession: Awaited<ReturnType<typeof signInAs>>): Target => ({
        workspaceId,
        fresh: async (param) => {
          switch (param) {
            case 'workspaceId':
              return workspaceId;
            case 'packId': {
              const r = await app.inject({
                url: `/api/v1/workspaces/${workspaceId}/packs`,
                headers: asSession(ownerSession),
              });
              return r.json<{ items: { packId: string }[] }>().items[0]!.packId;
            }
            case 'key':
              return 'ticket:ISO-1';
            case 'userId': {
              const id = newId('usr', Date.now());
              await database.db
                .insert(users)
                .values({ id, email: `${id}@iso.test`, name: 'Target', passwordHash: hash });
              await database.inWorkspace(workspaceId, (tx) =>
                tx.insert(memberships).values({ workspaceId, userId: id, role: 'viewer' }),
              );
              return id;
            }
            case 'invitationId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/invitations`,
                headers: asSession(ownerSession),
                payload: { email: `t-${Math.random().toString(36).slice(2)}@example.com`, role: 'viewer' },
              });
              return r.json<{ id: string }>().id;
            }
            case 'tokenId':
              return (await mint(ownerSession, workspaceId, 'read')).id;
            case 'secretId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/events`,
                headers: asSession(ownerSession),
                payload: {
                  type: 'ticket.replied',
                  ticket: 'ISO-1',
                  by: 'customer',
                  body: 'my password: Hunter2-Secret!',
                },
              });
              return r.json<{ masked: { secretId: string }[] }>().masked[0]!.secretId;
            }
            case 'messageId': {
              // A dead message, so the retry route has something to retry.
              const key = `iso:${Math.random().toString(36).slice(2)}`;
              await database.inWorkspace(workspaceId, async (tx) => {
                await enqueueMessage(tx, workspaceId, {
                  idempotencyKey: key,
                  channel: 'pigeon',
                  payload: {},
                });
                await tx.update(outbox).set({ status: 'dead' }).where(eq(outbox.idempotencyKey, key));
              });
              return messageId(workspaceId, key);
            }
            case 'destinationId': {
              const id = `iso-${Math.random().toString(36).slice(2, 8)}`;
              const r = await app.inject({
                method: 'PUT',
                url: `/api/v1/workspaces/${workspaceId}/destinations/${id}`,
                headers: asSession(ownerSession),
                payload: BODIES['PUT /api/v1/workspaces/:workspaceId/destinations/:destinationId']!(
                  new Set(),
                ) as object,
              });
              expect(r.statusCode, r.body).toBe(200);
              return id;
            }
            case 'templateId':
              return 'incident-acknowledgment';
            case 'number': {
              // A ticket of its own (also the number of a chat conversation: without its token, 404).
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/tickets`,
                headers: asSession(ownerSession),
                payload: BODIES['POST /api/v1/workspaces/:workspaceId/tickets']!(new Set()) as object,
              });
              expect(r.statusCode, r.body).toBe(201);
              return String(r.json<{ number: number }>().number);
            }
            // The incident room's sub-resources: ids and names its incident need not have (404 or 400 to
            // those allowed, past the access check).
            case 'updateId':
              return 'upd_isolation';
            case 'role':
              return 'comms-lead';
            case 'stage':
              return 'assess-severity';
            case 'taskId':
              return 'tsk_isolation';
            case 'index':
              return '0';
            // No API uploads one (mail does): an id the ticket does not have, answered 404 to those allowed.
            // On-call: B (ShopSmart, which has a rotation) gets real ones; A (SofaCover, none) ids that
            // answer 404 to those allowed.
            case 'scheduleId': {
              const url = `/api/v1/workspaces/${workspaceId}/oncall/schedules`;
              const list = await app.inject({ url, headers: asSession(ownerSession) });
              const found = list.json<{ items: { id: string }[] }>().items[0];
              if (found) return found.id;
              const [member] = await database.inWorkspace(workspaceId, (tx) =>
                tx.select({ userId: memberships.userId }).from(memberships).limit(1),
              );
              const body = {
                ...ISO_SCHEDULE,
                layers: [{ ...ISO_SCHEDULE.layers[0]!, users: [member!.userId] }],
              };
              const r = await app.inject({
                method: 'POST',
                url,
                headers: asSession(ownerSession),
                payload: body,
              });
              return r.statusCode === 201 ? r.json<{ id: string }>().id : 'onc_isolation';
            }
            case 'overrideId': {
              const scheduleId = await target(workspaceId, ownerSession).fresh('scheduleId');
              if (scheduleId === 'onc_isolation') return 'ovr_isolation';
              const userId = await target(workspaceId, ownerSession).fresh('userId');
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/oncall/schedules/${scheduleId}/overrides`,
                headers: asSession(ownerSession),
                payload: { userId, startsAt: '2030-01-01T00:00:00Z', endsAt: '2030-01-02T00:00:00Z' },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ id: string }>().id;
            }
            case 'policyId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/escalation-policies`,
                headers: asSession(ownerSession),
                payload: ISO_POLICY,
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ id: string }>().id;
            }
            case 'pageId': {
              const incidentId = newId('inc', Date.now());
              const pageId = newId('pg', Date.now());
              await database.inWorkspace(workspaceId, async (tx) => {
                await tx.insert(incidents).values({
                  id: incidentId,
                  workspaceId,
                  number: ++isoIncidents,
                  title: 'Isolation',
                  status: 'declared',
                  severity: 'sev3',
                  declaredBy: 'user:isolation',
                  detectedAt: new Date(),
                });
                await tx
                  .insert(pages)
                  .values({ id: pageId, workspaceId, incidentId, policyId: 'esc_isolation' });
              });
              return pageId;
            }
            case 'checkId':
            case 'heartbeatId': {
              const kind = param === 'checkId' ? 'checks' : 'heartbeats';
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/${kind}`,
                headers: asSession(ownerSession),
                payload: BODIES[`POST /api/v1/workspaces/:workspaceId/${kind}`]!(new Set()) as object,
              });
              expect(r.statusCode, r.body).toBe(201);
              const made = r.json<{ id?: string; heartbeat?: { id: string } }>();
              return made.id ?? made.heartbeat!.id;
            }
            case 'componentId':
            case 'maintenanceId':
            case 'subscriberId': {
              const what = {
                componentId: 'components',
                maintenanceId: 'maintenance',
                subscriberId: 'subscribers',
              }[param];
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/status/${what}`,
                headers: asSession(ownerSession),
                payload: BODIES[`POST /api/v1/workspaces/:workspaceId/status/${what}`]!(new Set()) as object,
              });
              expect(r.statusCode, r.body).toBe(201);
              const made = r.json<{ id?: string; subscriber?: { id: string } }>();
              return made.id ?? made.subscriber!.id;
            }
            case 'integrationId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/integrations`,
                headers: asSession(ownerSession),
                payload: { kind: 'generic', name: 'Isolation target' },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ integration: { id: string } }>().integration.id;
            }
            case 'alertId': {
              // A firing alert of its own (no incident), so acknowledge and resolve have one to act on.
              const id = newId('alr', Date.now());
              const now = new Date();
              await database.inWorkspace(workspaceId, (tx) =>
                tx.insert(alerts).values({
                  id,
                  workspaceId,
                  source: 'generic:int_isolation',
                  dedupKey: `iso-${id}`,
                  status: 'firing',
                  severity: 'sev3',
                  summary: 'Isolation',
                  startedAt: now,
                  lastSeenAt: now,
                }),
              );
              return id;
            }
            case 'accountId': {
              // One account per workspace, made on first use, so a contact made for `contactId` is its own.
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/accounts`,
                headers: asSession(ownerSession),
                payload: { id: 'iso-account', name: 'Isolation' },
              });
              expect([201, 409], r.body).toContain(r.statusCode);
              return 'iso-account';
            }
            case 'contactId': {
              const accountId = await target(workspaceId, ownerSession).fresh('accountId');
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/accounts/${accountId}/contacts`,
                headers: asSession(ownerSession),
                payload: { name: 'Isolation', phone: randomMobile() },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ id: string }>().id;
            }
            case 'webhookId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/payment-webhooks`,
                headers: asSession(ownerSession),
                payload: { kind: 'generic', name: 'Isolation target' },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ webhook: { id: string } }>().webhook.id;
            }
            case 'surveyInvitationId': {
              // As a journey's survey records one when its message is expanded (no route makes one).
              const made = await opened.database.inWorkspace(workspaceId, (tx) =>
                inviteToSurvey(tx, workspaceId, {
                  survey: 'nps-isolation',
                  scale: 'nps',
                  subject: 'user:iso-survey',
                  accountId: 'iso-account',
                  messageId: `msg_iso_${Math.random().toString(36).slice(2, 10)}`,
                  at: new Date(),
                }),
              );
              return made.id;
            }
            case 'checkoutId': {
              const t = target(workspaceId, ownerSession);
              const webhookId = await t.fresh('webhookId');
              const accountId = await t.fresh('accountId');
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/accounts/${accountId}/checkout`,
                headers: asSession(ownerSession),
                payload: { webhookId, amount: 10, currency: 'INR' },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ checkout: { id: string } }>().checkout.id;
            }
            // Runs are opened by the engine for a pack's one-off checklist (no route opens one): ids that
            // answer 404 to those allowed.
            case 'runId':
              return 'ckr_isolation';
            // Bugs and releases answer 404 to those allowed when there is none by the id.
            case 'bugId':
              return 'BUG-999999';
            case 'releaseId':
              return 'REL-999999';
            // A vendor of ShopSmart's register (B); A's pack has none, so it answers 404 there.
            case 'vendorId':
              return 'aws';
            case 'itemId':
              return 'receive-signup';
            case 'attachmentId':
              return 'att_isolation';
            case 'articleId': {
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/knowledge/articles`,
                headers: asSession(ownerSession),
                payload: { title: 'Isolation target', body: 'b', category: 'c', published: true },
              });
              expect(r.statusCode, r.body).toBe(201);
              return r.json<{ id: string }>().id;
            }
            case 'address': {
              const address = `iso-${Math.random().toString(36).slice(2, 8)}@example.com`;
              const r = await app.inject({
                method: 'POST',
                url: `/api/v1/workspaces/${workspaceId}/support/addresses`,
                headers: asSession(ownerSession),
                payload: { address },
              });
              expect(r.statusCode, r.body).toBe(201);
              return address;
            }
            default:
              throw new Error(`no isolation value for :${param}: add one to fresh() in ${import.meta.url}`);
          }
        },
      });
      a = target(idA, owner);
      // B's ids are made once, before the snapshot: attacks on them must change nothing.
      const made = target(idB, ownerB);
      const bIds = new Map<string, string>();
      for (const param of [
        'workspaceId',
        'packId',
        'key',
        'userId',
        'invitationId',
        'tokenId',
        'secretId',
        'messageId',
        'destinationId',
        'templateId',
        'number',
        'updateId',
        'role',
        'stage',
        'taskId',
        'index',
        'articleId',
        'address',
        'componentId',
        'maintenanceId',
        'subscriberId',
        'attachmentId',
        'scheduleId',
        'overrideId',
        'policyId',
        'pageId',
        'checkId',
        'heartbeatId',
        'integrationId',
        'alertId',
        'accountId',
        'contactId',
        'webhookId',
        'surveyInvitationId',
        'checkoutId',
        'runId',
        'itemId',
        'bugId',
        'releaseId',
        'vendorId',
      ]) {
        bIds.set(param, await made.fresh(param));
      }
      b = {
        workspaceId: idB,
        fresh: async (param) => {
          const id = bIds.get(param);
          if (!id) throw new Error(`no isolation value for :${param} in B`);
          return id;
        },
      };
      sessions.set('owner-a', owner);
    }, 300_000);

    afterAll(async () => {
      await t?.app.close();
      await opened?.close();
    });

    /** Everything of B an attacker could change or learn, read as B's owner. */
    async function snapshotB() {
      const read = async (path: string) =>
        (await app.inject({ url: `/api/v1/workspaces/${b.workspaceId}${path}`, headers: asSession(ownerB) }))
          .body;
      const subjects = await opened.database.inWorkspace(b.workspaceId, (tx) =>
        tx.execute(sql`select key, revision from subjects order by key`),
      );
      return {
        members: await read('/members'),
        invitations: (await read('/invitations')).replace(/"lastUsedAt":"[^"]*"/g, ''),
        tokens: (await read('/tokens')).replace(/"lastUsedAt":("[^"]*"|null)/g, ''),
        settings: await read('/settings'),
        audit: await read('/audit/verify'),
        subjects: JSON.stringify(subjects),
      };
    }

    function routes(): { method: string; url: string; rule: AccessRule }[] {
      const list = [...app.accessRules.entries()]
        .filter(([key]) => !key.startsWith('HEAD '))
        .map(([key, rule]) => {
          const [method, url] = key.split(' ') as [string, string];
          return { method, url, rule };
        });
      return list;
    }

    async function call(
      method: string,
      url: string,
      target: Target,
      headers: Record<string, string>,
      has: ReadonlySet<string> = new Set(),
    ) {
      let path = url;
      for (const param of url.match(/:[A-Za-z]+/g) ?? []) {
        path = path.replace(param, encodeURIComponent(await target.fresh(param.slice(1))));
      }
      const body = BODIES[`${method} ${url}`];
      const options: InjectOptions = { method: method, url: path, headers };
      const payload = body?.(has);
      if (payload !== undefined) options.payload = payload as object;
      if (!url.endsWith('/stream')) return app.inject(options);
      // A live event stream never ends: read its answer's head, and its body only when refused.
      const res = (await app.inject({ ...options, payloadAsStream: true } as InjectOptions)) as unknown as {
        statusCode: number;
        stream(): NodeJS.ReadableStream & { destroy(): void };
      };
      const stream = res.stream();
      let text = '';
      if (res.statusCode === 200) stream.destroy();
      else for await (const chunk of stream) text += String(chunk);
      return { statusCode: res.statusCode, body: text, json: <T>() => JSON.parse(text) as T };
    }

    it('lists every route of the OpenAPI document with an access rule and a case', async () => {
      const doc = (await app.inject({ url: '/api/openapi.json' })).json<{
        paths: Record<string, Record<string, unknown>>;
      }>();
      const fromDoc = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/'))
        .flatMap(([path, ops]) =>
          Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
        );
      const known = new Set(routes().map((r) => `${r.method} ${r.url}`));
      expect(fromDoc.filter((k) => !known.has(k))).toEqual([]);
      const withoutBody: string[] = [];
      for (const r of routes()) {
        if (r.rule === 'public')
          expect(
            PUBLIC,
            `a new public route ${r.method} ${r.url}: review it and list it in PUBLIC`,
          ).toContain(`${r.method} ${r.url}`);
        const key = `${r.method} ${r.url}`;
        if (['POST', 'PUT', 'PATCH'].includes(r.method) && r.url.includes(':workspaceId') && !(key in BODIES))
          withoutBody.push(key);
      }
      expect(withoutBody, 'add a body for each of these routes to BODIES').toEqual([]);
      console.log(
        `RESULT S1-routes engine=${engine.name} routes=${routes().length} in_openapi=${fromDoc.length}`,
      );
    });

    it("never lets workspace A's people or tokens read or change workspace B", async () => {
      const before = await snapshotB();
      let tried = 0;
      const leaks: string[] = [];
      const attackers: [string, Record<string, string>][] = [
        ['owner of A (session)', asSession(sessions.get('owner-a')!)],
        ['admin token of A', asToken(tokens.get('admin')!)],
        ['ingest token of A', asToken(tokens.get('ingest')!)],
      ];
      for (const r of routes()) {
        if (!r.url.includes(':workspaceId') || OPEN_TO_ANYONE.has(`${r.method} ${r.url}`)) continue;
        for (const [who, headers] of attackers) {
          const res = await call(r.method, r.url, b, headers);
          tried++;
          if (res.statusCode !== 404 || res.body.includes('ShopSmart')) {
            leaks.push(`${who}: ${r.method} ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
          }
        }
      }
      expect(leaks).toEqual([]);
      expect(await snapshotB()).toEqual(before);
      console.log(`RESULT S1-cross engine=${engine.name} attempts=${tried} leaks=${leaks.length}`);
    });

    it('gives each role and token scope exactly the routes its permissions allow', async () => {
      const wrong: string[] = [];
      let tried = 0;
      const needed = (rule: AccessRule): readonly Permission[] =>
        typeof rule === 'string' ? [rule as Permission] : rule;
      for (const r of routes()) {
        if (!r.url.includes(':workspaceId') || r.rule === 'public' || r.rule === 'session') continue;
        if (r.url === LEAVE) continue; // leaving changes who the caller is: its own test below
        const perms = needed(r.rule);
        const callers: [string, Record<string, string>, ReadonlySet<string>][] = [
          ...BUILT_IN_ROLES.map(
            (role) =>
              [`role ${role.id}`, asSession(sessions.get(role.id)!), new Set<string>(role.permissions)] as [
                string,
                Record<string, string>,
                ReadonlySet<string>,
              ],
          ),
          ...(Object.entries(TOKEN_SCOPES) as [TokenScope, readonly Permission[]][]).map(
            ([scope, p]) =>
              [`${scope} token`, asToken(tokens.get(scope)!), new Set<string>(p)] as [
                string,
                Record<string, string>,
                ReadonlySet<string>,
              ],
          ),
        ];
        for (const [who, headers, has] of callers) {
          const personOnly = PERSON_ONLY.has(`${r.method} ${r.url}`) && who.endsWith(' token');
          const allowed = perms.some((p) => has.has(p)) && !personOnly;
          const res = await call(r.method, r.url, a, headers, has);
          tried++;
          const refused = res.statusCode === 403 && res.json<{ code: string }>().code === 'OPS_FORBIDDEN';
          if (allowed && (refused || res.statusCode === 401 || res.statusCode >= 500)) {
            wrong.push(
              `${who} should pass ${r.method} ${r.url}: ${res.statusCode} ${res.body.slice(0, 160)}`,
            );
          }
          if (!allowed && !refused)
            wrong.push(`${who} must not pass ${r.method} ${r.url}: ${res.statusCode}`);
        }
      }
      expect(wrong).toEqual([]);
      console.log(`RESULT S1-roles engine=${engine.name} attempts=${tried} wrong=${wrong.length}`);
      // Every route for every role and token scope: minutes on a loaded machine.
    }, 180_000);

    it("refuses API tokens and strangers on personal routes, and one person touching another one's sessions", async () => {
      for (const r of routes().filter((x) => x.rule === 'session')) {
        const viaToken = await call(
          r.method,
          r.url.replace(':sessionId', 'ses_x').replace(':token', 'x'.repeat(20)),
          a,
          asToken(tokens.get('admin')!),
        );
        expect(viaToken.statusCode, `${r.method} ${r.url}`).toBe(401);
        const anonymous = await call(
          r.method,
          r.url.replace(':sessionId', 'ses_x').replace(':token', 'x'.repeat(20)),
          a,
          {},
        );
        expect(anonymous.statusCode, `${r.method} ${r.url}`).toBe(401);
      }
      const theirs = await app.inject({ url: '/api/v1/me/sessions', headers: asSession(ownerB) });
      const sessionId = theirs.json<{ items: { id: string }[] }>().items[0]!.id;
      const attempt = await app.inject({
        method: 'DELETE',
        url: `/api/v1/me/sessions/${sessionId}`,
        headers: asSession(sessions.get('owner-a')!),
      });
      expect(attempt.statusCode).toBe(404);
      expect((await app.inject({ url: '/api/v1/me', headers: asSession(ownerB) })).statusCode).toBe(200);
      void bTokenAdmin;
    });

    it('lets any member leave, never the last owner, and no API token', async () => {
      const database = opened.database;
      const id = newId('usr', Date.now());
      await database.db.insert(users).values({
        id,
        email: `leaver-${id}@iso.test`,
        name: 'Leaver',
        passwordHash: await hashPassword(DEMO_PASSWORD),
      });
      await database.inWorkspace(a.workspaceId, (tx) =>
        tx.insert(memberships).values({ workspaceId: a.workspaceId, userId: id, role: 'viewer' }),
      );
      const leaver = await signInAs(app, `leaver-${id}@iso.test`, DEMO_PASSWORD, '10.2.0.1');
      const url = `/api/v1/workspaces/${a.workspaceId}/membership`;
      expect(
        (await app.inject({ method: 'DELETE', url, headers: asToken(tokens.get('admin')!) })).statusCode,
      ).toBe(403);
      expect((await app.inject({ method: 'DELETE', url, headers: asSession(leaver) })).statusCode).toBe(204);
      expect(
        (await app.inject({ url: `/api/v1/workspaces/${a.workspaceId}`, headers: asSession(leaver) }))
          .statusCode,
      ).toBe(404);
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/me/workspaces',
        headers: asSession(leaver),
        payload: { name: 'Solo', slug: `solo-${id.slice(-6)}`, timeZone: 'Europe/London' },
      });
      expect(created.statusCode).toBe(201);
      const solo = created.json<{ id: string }>().id;
      const soleOwner = await app.inject({
        method: 'DELETE',
        url: `/api/v1/workspaces/${solo}/membership`,
        headers: asSession(leaver),
      });
      expect(soleOwner.json()).toMatchObject({ code: 'OPS_CONFLICT' });
    });
  });
}
