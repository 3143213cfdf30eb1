/**
 * fast-check over the agent help-desk API (PGlite, the ShopSmart demo, signed in as its owner): random
 * ticket numbers and ids in the path, random query strings, random or half-valid bodies with hostile
 * strings, on every ticket route but the live stream. Expected: no 5xx, and every error is
 * application/problem+json.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/databases.js';
import { openDesk, type Desk } from './api-helpers.js';

const RUNS = 400;
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);

const HOSTILE = [
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u202Eevil',
  '%00',
  '9'.repeat(40),
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'a'.repeat(5000),
  'all',
  'me',
  'none',
  'untiered',
  'p1',
  'first-response',
];

interface Route {
  readonly method: InjectOptions['method'];
  readonly path: string;
  /** A body that passes validation, for fields to be replaced one by one. */
  readonly valid?: Record<string, unknown>;
}

const QUERY_KEYS = [
  'status',
  'tier',
  'priority',
  'channel',
  'category',
  'assignee',
  'breached',
  'q',
  'from',
  'to',
  'clock',
  'verdict',
  'reopened',
  'fcr',
  'csat',
  'sort',
  'cursor',
  'limit',
  'ticket',
  'agent',
  'x',
];

describe.runIf(ENGINES[0]!.available)('help-desk API fuzz: pglite', () => {
  let desk: Desk;
  const numbers: string[] = [];
  const routes: Route[] = [
    { method: 'GET', path: '/tickets' },
    { method: 'GET', path: '/tickets/queues' },
    { method: 'GET', path: '/tickets/:number' },
    {
      method: 'POST',
      path: '/tickets',
      valid: { title: 't', text: 'x', requester: { email: 'fuzz@shop.test' } },
    },
    { method: 'PATCH', path: '/tickets/:number', valid: { priority: 'p2' } },
    { method: 'POST', path: '/tickets/:number/messages', valid: { kind: 'note', text: 'n' } },
    { method: 'POST', path: '/tickets/:number/escalate', valid: { to: 'tier:l2-support' } },
    { method: 'POST', path: '/tickets/:number/resolve', valid: {} },
    { method: 'POST', path: '/tickets/:number/reopen' },
    { method: 'POST', path: '/tickets/:number/merge', valid: { into: 1 } },
    { method: 'POST', path: '/tickets/bulk', valid: { numbers: [1], action: 'tag', value: 'fuzz' } },
    { method: 'GET', path: '/tickets/:number/attachments/:attachmentId' },
    { method: 'GET', path: '/support/templates' },
    { method: 'GET', path: '/support/agents' },
    { method: 'GET', path: '/support/metrics' },
    { method: 'GET', path: '/support/metrics.csv' },
  ];

  beforeAll(async () => {
    desk = await openDesk(ENGINES[0]!);
    for (let i = 0; i < 3; i++)
      numbers.push(
        String(
          (await desk.open({ title: `Fuzz ${i}`, text: 'x', requester: { email: 'fuzz@shop.test' } })).number,
        ),
      );
  }, 240_000);
  afterAll(async () => desk?.close());

  const hostile = fc.oneof(
    fc.constantFrom(...HOSTILE),
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const scalar = fc.oneof(
    hostile,
    fc.integer().map(String),
    fc.constantFrom('true', 'false', '2026-01-01T00:00:00Z'),
  );
  const query = fc.dictionary(fc.constantFrom(...QUERY_KEYS), scalar, { maxKeys: 5 });

  function body(route: Route): fc.Arbitrary<unknown> {
    const valid = route.valid ?? {};
    const fields = [
      ...Object.keys(valid),
      'priority',
      'tier',
      'to',
      'value',
      'numbers',
      'kind',
      'mentions',
      'call',
      'requester',
    ];
    const attacked = fc
      .dictionary(fc.constantFrom(...fields), fc.oneof(hostile, fc.jsonValue()), { maxKeys: 3 })
      .map((changes) => ({ ...valid, ...changes }));
    return fc.oneof(
      { weight: 3, arbitrary: attacked },
      { weight: 1, arbitrary: fc.jsonValue() },
      fc.constant(valid),
    );
  }

  it(
    `answers ${RUNS} random requests without a server error, errors as problem+json`,
    { timeout: 600_000 },
    async () => {
      const param = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...numbers) },
        { weight: 2, arbitrary: fc.integer({ min: -10, max: 2 ** 33 }).map(String) },
        { weight: 2, arbitrary: hostile.filter((s) => s.length > 0) },
      );
      const failures = new Set<string>();
      const request = fc
        .constantFrom(...routes)
        .chain((route) =>
          fc.record({ route: fc.constant(route), number: param, id: param, query, body: body(route) }),
        );
      await fc.assert(
        fc.asyncProperty(request, async ({ route, number, id, query: q, body: b }) => {
          const path = route.path
            .replace(':number', encodeURIComponent(number))
            .replace(':attachmentId', encodeURIComponent(id));
          const search = new URLSearchParams(q).toString();
          const r = await desk.t.app.inject({
            method: route.method,
            url: `${desk.url(path)}${search ? `?${search}` : ''}`,
            headers: { ...desk.headers, 'content-type': 'application/json' },
            ...(route.method === 'GET' ? {} : { payload: JSON.stringify(b ?? null) }),
          });
          const where = `${route.method} ${path}?${search} ${JSON.stringify(b).slice(0, 100)}`;
          if (r.statusCode >= 500) failures.add(`${where} → ${r.statusCode} ${r.body.slice(0, 200)}`);
          if (r.statusCode >= 400 && !String(r.headers['content-type']).includes('application/problem+json'))
            failures.add(`${where} → ${r.statusCode} as ${String(r.headers['content-type'])}`);
        }),
        { numRuns: RUNS, seed: SEED },
      );
      console.log(`RESULT desk-api-fuzz runs=${RUNS} failures=${failures.size} seed=${SEED}`);
      expect([...failures]).toEqual([]);
      expect((await desk.call('GET', '/tickets')).statusCode).toBe(200);
    },
  );
});
