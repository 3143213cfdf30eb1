/**
 * RELIABILITY S9: 1,000 wrong passwords for one account from 1,000 addresses. The per-address rate limit
 * does not help here; the account's back-off must: after LOCK_AFTER failures, password checks pause, so
 * only those few guesses are ever checked while the clock stands still. The real person, from a browser
 * that signed in before (its device cookie), still gets in; the right password from a new browser is
 * refused exactly like a wrong one. A flood from one address is answered 429 with Retry-After, and the
 * LOCK_AFTER-th failure raises one task in the person's workspace (SOP 001#53).
 *
 * The app runs on a clock the test holds still (and moves on purpose), so "no time passes" is exact.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { ACCOUNT_CHAIN } from '../../src/modules/access/audit.js';
import { LOCK_AFTER } from '../../src/modules/access/sign-in.js';
import type { Database } from '../../src/store/database.js';
import { auditLog, users } from '../../src/store/schema.js';
import { buildClockedApp, type ClockedApp } from '../support/clocked-app.js';

const ATTEMPTS = 1000;
/** Guesses sent at once, each from its own address. */
const BURST = 100;
const SIGN_IN = '/api/v1/auth/sign-in';
const VICTIM = 'owner@smart-estate.demo';
const MINUTE_MS = 60_000;

/** The n-th of many attacker addresses: 10.x.y.z. */
const addressOf = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

interface Answer {
  readonly status: number;
  readonly code: unknown;
  readonly title: unknown;
  readonly detail: unknown;
}
const answerOf = (r: LightMyRequestResponse): Answer => {
  const body = r.json<{ code?: unknown; title?: unknown; detail?: unknown }>();
  return { status: r.statusCode, code: body.code, title: body.title, detail: body.detail };
};

describe('sign-in lockout (S9): pglite', () => {
  let clocked: ClockedApp | undefined;
  let database: Database;
  let app: FastifyInstance;
  let nowMs = Date.now();
  let victimId = '';
  let workspaceId = '';
  /** The real person's browser: the device cookie from an earlier successful sign-in. */
  let deviceCookie = '';
  const figures = { checked: -1, refusedPaused: -1, flood429: -1, realUserLockedOut: -1 };

  const signIn = (email: string, password: string, remoteAddress: string, cookie?: string) =>
    app.inject({
      method: 'POST',
      url: SIGN_IN,
      payload: { email, password },
      remoteAddress,
      ...(cookie ? { headers: { cookie } } : {}),
    });

  /** The account chain's sign-in outcomes for one person. */
  async function outcomes(userId: string) {
    const rows = await database.inWorkspace(ACCOUNT_CHAIN, (tx) =>
      tx
        .select({ action: auditLog.action, actor: auditLog.actor })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.target, userId),
            inArray(auditLog.action, ['sign-in.failed', 'sign-in.refused-paused']),
          ),
        ),
    );
    return {
      checked: rows.filter((r) => r.action === 'sign-in.failed').length,
      refusedPaused: rows.filter((r) => r.action === 'sign-in.refused-paused').length,
    };
  }

  beforeAll(async () => {
    clocked = await buildClockedApp(() => new Date(nowMs));
    ({ app, database } = clocked);
    const [victim] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, VICTIM));
    victimId = victim!.id;
    // The real person signs in from their browser once, before the attack.
    const first = await signIn(VICTIM, DEMO_PASSWORD, '203.0.113.7');
    expect(first.statusCode).toBe(200);
    const device = first.cookies.find((c) => c.name === 'opsbook_device');
    expect(device?.value).toBeTruthy();
    deviceCookie = `opsbook_device=${device!.value}`;
    workspaceId = first.json<{ workspaces: { id: string }[] }>().workspaces[0]!.id;
  });

  afterAll(async () => {
    console.log(
      `RESULT S9 attempts=${ATTEMPTS} checked=${figures.checked} refused_paused=${figures.refusedPaused} flood_429=${figures.flood429} real_user_locked_out=${figures.realUserLockedOut}`,
    );
    await clocked?.close();
  });

  it(
    `checks only ${LOCK_AFTER} of ${ATTEMPTS} guesses from ${ATTEMPTS} addresses while no time passes`,
    { timeout: 600_000 },
    async () => {
      const answers = new Map<string, number>();
      for (let n = 0; n < ATTEMPTS; n++) {
        const r = await signIn(VICTIM, `wrong-guess-${n}-${'x'.repeat(8)}`, addressOf(n + 1));
        const a = answerOf(r);
        const key = `${a.status} ${String(a.code)}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        expect(r.cookies.filter((c) => c.name === 'opsbook_session')).toEqual([]);
      }
      // Every answer alike, whether the guess was checked or refused while paused.
      expect(Object.fromEntries(answers)).toEqual({ '401 OPS_INVALID_CREDENTIALS': ATTEMPTS });
      const counted = await outcomes(victimId);
      figures.checked = counted.checked;
      figures.refusedPaused = counted.refusedPaused;
      expect(counted.checked).toBe(LOCK_AFTER);
      expect(counted.refusedPaused).toBe(ATTEMPTS - LOCK_AFTER);
    },
  );

  it('raised exactly one "High number of failed sign-ins" task in the person’s workspace', async () => {
    const r = await app.inject({
      url: `/api/v1/workspaces/${workspaceId}/tasks`,
      headers: { cookie: (await adminCookie()).cookie },
    });
    expect(r.statusCode).toBe(200);
    const raised = r
      .json<{ items: { title: string; assignee: string }[] }>()
      .items.filter((t) => t.title.startsWith('High number of failed sign-ins'));
    expect(raised).toHaveLength(1);
    expect(raised[0]!.title).toContain(VICTIM);
  });

  it('answers the right password from a new browser exactly like a wrong one while paused', async () => {
    const before = await outcomes(victimId);
    const right = answerOf(await signIn(VICTIM, DEMO_PASSWORD, '198.51.100.20'));
    const wrong = answerOf(await signIn(VICTIM, 'not-the-password-at-all', '198.51.100.21'));
    expect(right).toEqual(wrong);
    expect(right).toMatchObject({ status: 401, code: 'OPS_INVALID_CREDENTIALS' });
    // Neither was checked against the password.
    expect(await outcomes(victimId)).toEqual({
      checked: before.checked,
      refusedPaused: before.refusedPaused + 2,
    });
  });

  it('lets the real person in from their own browser during the lockout', async () => {
    const r = await signIn(VICTIM, DEMO_PASSWORD, '203.0.113.7', deviceCookie);
    figures.realUserLockedOut = r.statusCode === 200 ? 0 : 1;
    expect(r.statusCode).toBe(200);
    expect(r.cookies.some((c) => c.name === 'opsbook_session' && c.value)).toBe(true);
  });

  it('answers a flood from one address with 429 and Retry-After; other addresses are unaffected', async () => {
    const address = '192.0.2.66';
    const statuses: number[] = [];
    let limited: LightMyRequestResponse | undefined;
    for (let i = 0; i < 40; i++) {
      const r = await signIn('nobody-here@example.com', 'wrong-password-flood', address);
      statuses.push(r.statusCode);
      if (r.statusCode === 429) limited ??= r;
    }
    figures.flood429 = statuses.filter((s) => s === 429).length;
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(figures.flood429).toBe(10); // 30 a minute per address
    expect(limited!.headers['content-type']).toContain('application/problem+json');
    expect(limited!.json()).toMatchObject({ code: 'OPS_RATE_LIMITED', status: 429 });
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    const other = await signIn('nobody-here@example.com', 'wrong-password-flood', '192.0.2.67');
    expect(other.statusCode).toBe(401);
  });

  it('backs off: one more guess is checked only after the pause, then the pause doubles', async () => {
    const victim = 'owner@pos-saas.demo';
    const [row] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, victim));
    const id = row!.id;
    const guess = (n: number) => signIn(victim, `wrong-backoff-${n}-xxxxxxxx`, addressOf(5000 + n));
    for (let n = 0; n < LOCK_AFTER + 3; n++) await guess(n);
    expect(await outcomes(id)).toEqual({ checked: LOCK_AFTER, refusedPaused: 3 });
    nowMs += MINUTE_MS + 1000; // the first pause (1 min) is over
    await guess(100);
    await guess(101);
    expect(await outcomes(id)).toEqual({ checked: LOCK_AFTER + 1, refusedPaused: 4 });
    nowMs += MINUTE_MS + 1000; // 1 min into the second pause (2 min): still paused
    await guess(102);
    expect(await outcomes(id)).toEqual({ checked: LOCK_AFTER + 1, refusedPaused: 5 });
    nowMs += MINUTE_MS; // past it
    await guess(103);
    expect(await outcomes(id)).toEqual({ checked: LOCK_AFTER + 2, refusedPaused: 5 });
  });

  // Each attempt is counted before its password is checked (one atomic update), so guesses sent in
  // parallel cannot all read "not paused": at most LOCK_AFTER are checked, as when sent one by one.
  it(
    `limits a parallel burst of ${BURST} guesses from ${BURST} addresses to ${LOCK_AFTER} checks`,
    { timeout: 300_000 },
    async () => {
      const victim = 'owner@company-ops.demo';
      const [row] = await database.db.select({ id: users.id }).from(users).where(eq(users.email, victim));
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, n) =>
          signIn(victim, `wrong-burst-${n}-xxxxxxxx`, addressOf(20_000 + n)),
        ),
      );
      expect(answers.every((r) => r.statusCode === 401)).toBe(true);
      const counted = await outcomes(row!.id);
      console.log(
        `RESULT S9-burst concurrent=${BURST} checked=${counted.checked} refused_paused=${counted.refusedPaused}`,
      );
      expect(counted.checked).toBeLessThanOrEqual(LOCK_AFTER);
    },
  );

  async function adminCookie() {
    const r = await signIn('admin@opsbook.demo', DEMO_PASSWORD, '203.0.113.99');
    expect(r.statusCode).toBe(200);
    const c = r.cookies.find((x) => x.name === 'opsbook_session')!;
    return { cookie: `opsbook_session=${c.value}` };
  }
});
