/**
 * RELIABILITY S10 (the API part): fast-check over every POST, PUT and PATCH route of the OpenAPI document,
 * signed in as a workspace owner with the CSRF token. Bodies follow each route's schema with hostile
 * strings in its string fields (SQL, script, control and unicode tricks, huge), or are random JSON.
 * Expected: no 5xx, every error is application/problem+json, and nothing sent comes back in HTML. Then the
 * edges of the parser: a body over the limit, 10,000 levels of nesting, prototype-poisoning keys.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS } from '../../src/core/decide/events.js';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { buildTestApp, signInAs, type TestApp } from '../support/app.js';

const RUNS = 200;
const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const HUGE = 'A'.repeat(200_000);

/** Strings that have broken servers: injection, markup, control characters, unicode tricks, size. */
const HOSTILE = [
  "' OR 1=1 --",
  "'; drop table users; --",
  '1; select pg_sleep(0) --',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  '../../../../etc/passwd',
  '\u202Eevil\u202C',
  '👩‍💻🔥\u{1F600}',
  '\r\nSet-Cookie: injected=1',
  HUGE,
  `<script>${HUGE}</script>`,
  // Shaped like an email, so they pass the format check and reach the database.
  "o'brien--@example.com",
  "x'+or+'1'='1@example.com",
];
/**
 * Strings PostgreSQL cannot store: U+0000 (in text or jsonb) and lone surrogates (in jsonb, where
 * JSON.stringify writes them as `\ud800` escapes). The text guard refuses them as OPS_VALIDATION; a test of
 * their own below sends each to every string field.
 */
const UNSTORABLE = ['\u0000', 'nul\u0000inside', '\uD800', 'x\uDC00y'];
const STRONG = 'Tangerine-Walrus-Quietly-42';
/** What a text/html answer must never echo. */
const MARKERS = ['<script>', 'onerror=', '\u202E'];

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  minLength?: number;
  minimum?: number;
}

interface Route {
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly path: string;
  readonly schema: JsonSchema | null;
}

const typesOf = (schema: JsonSchema) => (schema.anyOf ? schema.anyOf.map((s) => s.type) : [schema.type]);
const stringFields = (schema: JsonSchema | null) =>
  Object.entries(schema?.properties ?? {})
    .filter(([, s]) => typesOf(s).includes('string'))
    .map(([name]) => name);

const ERASE = '/api/v1/workspaces/{workspaceId}/personal-data/erase';

/** Every payload goes out as generated: no known bug is left to step around. */
function avoidKnownBugs(_route: Route, payload: unknown): unknown {
  return payload;
}

let serial = 0;

/**
 * A body that passes validation (as far as the schema and a few known fields tell), so a hostile value
 * put in one field travels as deep as it can: into the use case and the database.
 */
function validBody(route: Route, workspaceId: string): Record<string, unknown> {
  const n = ++serial;
  if (route.path.endsWith('/events')) {
    return { type: 'ticket.created', ticket: `T-fuzz-${n}`, priority: 'p2', channel: 'email' };
  }
  const known: Record<string, unknown> = {
    email: `fuzz-${n}@example.com`,
    name: `Fuzz ${n}`,
    password: STRONG,
    current: 'not-the-password-at-all',
    next: STRONG,
    phone: '+447911123499',
    slug: `fuzz-${n}`,
    timeZone: 'UTC',
    role: 'viewer',
    scope: 'read',
    workspaceId,
    code: '123456',
    challenge: 'c'.repeat(43),
    requireMfa: false,
  };
  const body: Record<string, unknown> = {};
  const required = new Set(route.schema?.required ?? []);
  for (const [name, schema] of Object.entries(route.schema?.properties ?? {})) {
    if (name in known) body[name] = known[name];
    else if (required.has(name)) body[name] = plausible(schema);
  }
  return body;
}

function plausible(schema: JsonSchema): unknown {
  if (schema.enum) return schema.enum[0];
  const type = typesOf(schema).find((t) => t !== 'null');
  if (type === 'string') return 'fuzz'.padEnd(schema.minLength ?? 0, 'z');
  if (type === 'boolean') return false;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  return null;
}

/** Fields of the body that take a string (for events: the ticket.created fields of the catalog). */
function fieldsToAttack(route: Route): string[] {
  if (route.path.endsWith('/events')) {
    const spec = EVENTS['ticket.created']!;
    return [spec.subject.field, ...Object.keys(spec.required ?? {}), ...Object.keys(spec.optional ?? {})];
  }
  return stringFields(route.schema);
}

const hostile = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ unit: 'binary' }));

/** A valid body with some fields replaced by hostile strings or any JSON; or random JSON; or an extra key. */
function bodiesFor(route: Route, workspaceId: string): fc.Arbitrary<unknown> {
  const fields = fieldsToAttack(route);
  const attacked = fc
    .record(
      Object.fromEntries(fields.map((f) => [f, fc.oneof({ weight: 4, arbitrary: hostile }, fc.jsonValue())])),
      { requiredKeys: [] },
    )
    .map((changes) => ({ ...validBody(route, workspaceId), ...changes }));
  return fc.oneof(
    { weight: 6, arbitrary: attacked },
    { weight: 2, arbitrary: fc.jsonValue() },
    {
      weight: 1,
      arbitrary: fc.tuple(attacked, fc.string(), fc.jsonValue()).map(([b, k, v]) => ({ ...b, [k]: v })),
    },
  );
}

describe('API fuzz (S10): pglite', () => {
  let t: TestApp;
  let app: FastifyInstance;
  let owner: Awaited<ReturnType<typeof signInAs>>;
  let workspaceId = '';
  const routes: Route[] = [];
  let runs = 0;
  let serverErrors = 0;
  let unstorableServerErrors = 0;
  let addresses = 0;
  /** The app's log (trace, redacted as in production), emptied after each request. */
  const logLines: string[] = [];

  beforeAll(async () => {
    t = await buildTestApp({}, { logLines });
    app = t.app;
    owner = await signInAs(app, 'owner@sofacover.demo', DEMO_PASSWORD);
    workspaceId = owner.me.workspaces[0]!.id;
    const doc = (await app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
      >;
    }>();
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!['post', 'put', 'patch'].includes(method)) continue;
        // Signing out would end the session the rest of the run uses; it takes no body anyway.
        if (path === '/api/v1/auth/sign-out') continue;
        routes.push({
          method: method.toUpperCase() as Route['method'],
          path,
          schema: operation.requestBody?.content?.['application/json']?.schema ?? null,
        });
      }
    }
  });

  afterAll(async () => {
    console.log(
      `RESULT S10-api runs=${runs} routes=${routes.length} server_errors=${serverErrors} unstorable_server_errors=${unstorableServerErrors} seed=${SEED}`,
    );
    await t?.close();
  });

  const urlOf = (path: string) =>
    path
      .replace('{workspaceId}', workspaceId)
      .replace('{userId}', 'usr_fuzz_nobody')
      .replace('{token}', 'fuzz-invitation-token-0000');

  /** Sends as the owner; public /auth/ routes without the cookie, each from its own address (rate limits). */
  function send(route: Route, payload: string): Promise<LightMyRequestResponse> {
    addresses++;
    const options: InjectOptions = {
      method: route.method,
      url: urlOf(route.path),
      remoteAddress: `100.${64 + ((addresses >> 16) & 63)}.${(addresses >> 8) & 255}.${addresses & 255}`,
      headers: {
        'content-type': 'application/json',
        ...(route.path.startsWith('/api/v1/auth/')
          ? {}
          : { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken }),
      },
      payload,
    };
    return app.inject(options);
  }

  /** What is wrong with one answer, as `METHOD /path: what`; empty when nothing. */
  /** The error the app logged for a request (what a 5xx hides from the client), for the report. */
  function loggedError(r: LightMyRequestResponse): string {
    const instance = r.json<{ instance?: string }>().instance;
    const line = logLines.find((l) => l.includes(`"reqId":"${instance}"`) && l.includes('"err"'));
    const err = line ? (JSON.parse(line) as { err?: { message?: string } }).err : undefined;
    return err?.message?.split('\n').at(-1)?.slice(-160) ?? 'nothing logged';
  }

  function problemsOf(route: Route, payload: unknown, r: LightMyRequestResponse): string[] {
    const where = `${route.method} ${route.path}`;
    const type = String(r.headers['content-type']);
    const found: string[] = [];
    if (r.statusCode >= 500)
      found.push(
        `${where}: ${r.statusCode} for ${JSON.stringify(payload).slice(0, 120)} (logged: ${loggedError(r)})`,
      );
    if (r.statusCode >= 400 && !type.includes('application/problem+json'))
      found.push(`${where}: ${r.statusCode} as ${type}`);
    if (type.includes('text/html')) {
      for (const marker of MARKERS)
        if (r.body.includes(marker)) found.push(`${where}: HTML echoes ${marker}`);
    }
    return found;
  }

  /** Sends a body and records the figures; returns the problems found. */
  async function attack(route: Route, hostilePayload: unknown, failures: Set<string>): Promise<void> {
    const payload = avoidKnownBugs(route, hostilePayload);
    const r = await send(route, JSON.stringify(payload));
    runs++;
    if (r.statusCode >= 500) serverErrors++;
    for (const p of problemsOf(route, payload, r)) failures.add(p);
    logLines.length = 0;
  }

  it(
    `answers ${RUNS} hostile bodies over every POST/PUT/PATCH route without a server error`,
    { timeout: 300_000 },
    async () => {
      expect(routes.length).toBeGreaterThan(10);
      const failures = new Set<string>();
      const arbitrary = fc
        .constantFrom(...routes)
        .chain((route) => fc.tuple(fc.constant(route), bodiesFor(route, workspaceId)));
      // Failures are collected rather than thrown, so one run lists every broken route, not the first.
      await fc.assert(
        fc.asyncProperty(arbitrary, async ([route, payload]) => attack(route, payload, failures)),
        { numRuns: RUNS, seed: SEED },
      );
      // The session the run used is still good: nothing in it signed the owner out or changed their role.
      expect((await app.inject({ url: '/api/v1/me', headers: { cookie: owner.cookie } })).statusCode).toBe(
        200,
      );
      expect([...failures]).toEqual([]);
    },
  );

  it(
    'puts every hostile string in every string field of a valid body of every route',
    { timeout: 300_000 },
    async () => {
      const failures = new Set<string>();
      for (const route of routes) {
        for (const field of fieldsToAttack(route)) {
          for (const text of HOSTILE)
            await attack(route, { ...validBody(route, workspaceId), [field]: text }, failures);
        }
      }
      expect([...failures]).toEqual([]);
    },
  );

  // A string PostgreSQL cannot store (U+0000 anywhere, a lone surrogate in jsonb) is refused as
  // OPS_VALIDATION by the text guard (src/api/text-guard.ts), never answered 500.
  it(
    'answers U+0000 and lone surrogates in any string field without a server error',
    { timeout: 300_000 },
    async () => {
      const failures = new Set<string>();
      for (const route of routes) {
        for (const field of fieldsToAttack(route)) {
          for (const text of UNSTORABLE) {
            const payload = { ...validBody(route, workspaceId), [field]: text };
            const r = await send(route, JSON.stringify(payload));
            if (r.statusCode >= 500) unstorableServerErrors++;
            for (const p of problemsOf(route, payload, r)) failures.add(p);
            logLines.length = 0;
          }
        }
      }
      const byRoute = new Map<string, number>();
      for (const f of failures) byRoute.set(f.split(':')[0]!, (byRoute.get(f.split(':')[0]!) ?? 0) + 1);
      console.log(
        `S10 unstorable strings answered 5xx: ${[...byRoute].map(([r, n]) => `${r} (${n})`).join(', ')}`,
      );
      expect([...failures]).toEqual([]);
    },
  );

  // Erasure rewrites parsed JSON values, not JSON text, so a quote or backslash in the identifier can
  // neither break nor reshape a record.
  it('erases a contact whose text holds a quote', async () => {
    const text = '"><img src=x onerror=alert(1)>';
    const events = routes.find((r) => r.path.endsWith('/events'))!;
    const ticket = `T-erase-${++serial}`;
    const created = await send(
      events,
      JSON.stringify({
        type: 'ticket.created',
        ticket,
        priority: 'p2',
        channel: 'email',
        customer: `Ana ${text}`,
      }),
    );
    expect(created.statusCode, created.body).toBe(202);
    const erased = await send(
      routes.find((r) => r.path === ERASE)!,
      JSON.stringify({ phone: text }),
    );
    expect(erased.statusCode, erased.body.slice(0, 200)).toBe(200);
    const subject = await app.inject({
      url: `/api/v1/workspaces/${workspaceId}/subjects/ticket:${ticket}`,
      headers: { cookie: owner.cookie },
    });
    expect(subject.statusCode).toBe(200);
    expect(subject.body).not.toContain('onerror');
  });

  it('refuses a body over the configured limit with 413', async () => {
    const limit = 1_048_576; // OPSBOOK_BODY_LIMIT_BYTES default
    const signIn = routes.find((r) => r.path === '/api/v1/auth/sign-in')!;
    const r = await send(signIn, JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(limit) }));
    expect(r.statusCode).toBe(413);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.json()).toMatchObject({ code: 'OPS_BODY_TOO_LARGE' });
  });

  it('answers 10,000 levels of nesting with a 4xx on every route, and keeps answering', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    for (const route of routes) {
      const inField = JSON.stringify(validBody(route, workspaceId)).replace(/^\{/, `{"deep":${deep},`);
      for (const payload of [deep, inField]) {
        const r = await send(route, payload);
        const where = `${route.method} ${route.path} → ${r.statusCode} ${r.body.slice(0, 200)}`;
        expect(r.statusCode, where).toBeLessThan(500);
        // Routes without a body ignore one; the others refuse it.
        if (route.schema) expect(r.statusCode, where).toBeGreaterThanOrEqual(400);
      }
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses __proto__ and constructor.prototype keys, at the top or nested, with 400', async () => {
    const poison = ['"__proto__":{"isAdmin":true}', '"constructor":{"prototype":{"isAdmin":true}}'];
    const withSchema = routes.filter((r) => r.schema);
    for (const route of withSchema) {
      const valid = JSON.stringify(validBody(route, workspaceId));
      for (const key of poison) {
        for (const payload of [
          valid.replace(/^\{/, `{${key},`),
          valid.replace(/^\{/, `{"nested":{${key}},`),
        ]) {
          const r = await send(route, payload);
          expect(r.statusCode, `${route.path} ${payload.slice(0, 100)}`).toBe(400);
          expect(r.headers['content-type']).toContain('application/problem+json');
        }
      }
    }
    // A plain "constructor" field is only an unknown field of a strict body.
    const settings = routes.find((r) => r.path.endsWith('/settings'))!;
    const plain = await send(settings, JSON.stringify({ requireMfa: false, constructor: 1 }));
    expect(plain.statusCode).toBe(400);
    expect(({} as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });
});
