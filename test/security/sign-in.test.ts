/**
 * RELIABILITY S3: passwords, sessions, CSRF, API tokens, TOTP (and its reuse), recovery codes, a
 * workspace that requires MFA, invitations, and sign-in by SMS code; all through the HTTP API.
 *
 * The app runs on a clock the test holds (TOTP steps, token expiry), so nothing depends on how long a step
 * takes. Each request comes from its own address, so the per-address rate limits stay out of the way.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../src/modules/admin/demo.js';
import { hashSecret } from '../../src/modules/admin/sessions.js';
import { hashToken } from '../../src/modules/access/tokens.js';
import { totpCode } from '../../src/security/totp.js';
import type { Database } from '../../src/store/database.js';
import { apiTokens, outbox, users } from '../../src/store/schema.js';
import { buildClockedApp, type ClockedApp } from '../support/clocked-app.js';

const STRONG = 'Tangerine-Walrus-Quietly-42';
const STEP_MS = 30_000;
const DAY_MS = 86_400_000;

interface Me {
  user: { id: string; email: string };
  csrfToken: string;
  workspaces: { id: string; slug: string; role: string }[];
  security: { signInMethod: string; totp: boolean; phone: string | null; recoveryCodesLeft: number };
}

interface Session {
  readonly cookie: string;
  readonly csrf: string;
  readonly me: Me;
}

describe('sign-in security (S3): pglite', () => {
  let clocked: ClockedApp | undefined;
  let database: Database;
  let app: FastifyInstance;
  let nowMs = Date.now();
  let addresses = 0;
  /** A new client address for each request: 172.16.x.y. */
  const nextAddress = () => {
    addresses++;
    return `172.16.${(addresses >> 8) & 255}.${addresses & 255}`;
  };

  const send = (options: InjectOptions) => app.inject({ remoteAddress: nextAddress(), ...options });
  const as = (s: Session, options: InjectOptions) =>
    send({ ...options, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...options.headers } });

  function sessionOf(r: LightMyRequestResponse): Session {
    expect(r.statusCode, r.body).toBe(200);
    const cookie = r.cookies.find((c) => c.name === 'opsbook_session');
    expect(cookie?.value).toBeTruthy();
    const me = r.json<Me>();
    return { cookie: `opsbook_session=${cookie!.value}`, csrf: me.csrfToken, me };
  }

  const signIn = (email: string, password: string, cookie?: string) =>
    send({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      payload: { email, password },
      ...(cookie ? { headers: { cookie } } : {}),
    });
  const signUp = (payload: Record<string, unknown>) =>
    send({ method: 'POST', url: '/api/v1/auth/sign-up', payload });
  const me = (cookie: string) => send({ url: '/api/v1/me', headers: { cookie } });
  /** The accounts with this email: none, or one. */
  const accountsWith = (email: string) =>
    database.db.select({ id: users.id }).from(users).where(eq(users.email, email));

  beforeAll(async () => {
    clocked = await buildClockedApp(() => new Date(nowMs));
    ({ app, database } = clocked);
  });

  afterAll(async () => {
    await clocked?.close();
  });

  describe('passwords and sign-up', () => {
    it.each([
      ['a short password', 'short-pw1'],
      ['a common password', 'password1234'],
    ])('refuses %s with OPS_VALIDATION at /body/password, creating nobody', async (_what, password) => {
      const email = `weak-${randomBytes(4).toString('hex')}@example.com`;
      const r = await signUp({ email, name: 'Weak', password });
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      const problem = r.json<{ code: string; errors: { pointer: string }[] }>();
      expect(problem.code).toBe('OPS_VALIDATION');
      expect(problem.errors.map((e) => e.pointer)).toEqual(['/body/password']);
      expect(r.cookies.filter((c) => c.name === 'opsbook_session')).toEqual([]);
      expect(await accountsWith(email)).toEqual([]);
    });

    it('refuses an email that has an account, whatever its case, with 409', async () => {
      for (const email of ['owner@sofacover.demo', 'OWNER@SofaCover.demo']) {
        const r = await signUp({ email, name: 'Again', password: STRONG });
        expect(r.statusCode).toBe(409);
        expect(r.json()).toMatchObject({ code: 'OPS_CONFLICT' });
      }
    });

    it('creates the workspace of a sign-up with the person as its owner', async () => {
      const s = sessionOf(
        await signUp({
          email: 'founder@example.com',
          name: 'Founder',
          password: STRONG,
          workspace: { name: 'Founder Co', slug: 'founder-co', timeZone: 'Europe/London' },
        }),
      );
      expect(s.me.workspaces).toEqual([expect.objectContaining({ slug: 'founder-co', role: 'owner' })]);
      const members = await as(s, { url: `/api/v1/workspaces/${s.me.workspaces[0]!.id}/members` });
      expect(members.statusCode).toBe(200);
      expect(members.json<{ items: unknown[] }>().items).toEqual([
        expect.objectContaining({ email: 'founder@example.com', role: 'owner' }),
      ]);
    });
  });

  describe('sessions', () => {
    it('ends the session on sign-out: replaying its cookie answers 401', async () => {
      const s = sessionOf(await signIn('owner@pos-saas.demo', DEMO_PASSWORD));
      expect((await me(s.cookie)).statusCode).toBe(200);
      const out = await as(s, { method: 'POST', url: '/api/v1/auth/sign-out' });
      expect(out.statusCode).toBe(204);
      const replay = await me(s.cookie);
      expect(replay.statusCode).toBe(401);
      expect(replay.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
    });

    it('rotates the session on sign-in: the browser’s previous cookie stops working', async () => {
      const first = await signIn('owner@pos-saas.demo', DEMO_PASSWORD);
      const a = sessionOf(first);
      const device = first.cookies.find((c) => c.name === 'opsbook_device')!.value;
      const again = await signIn(
        'owner@pos-saas.demo',
        DEMO_PASSWORD,
        `${a.cookie}; opsbook_device=${device}`,
      );
      const b = sessionOf(again);
      expect(b.cookie).not.toBe(a.cookie);
      expect(b.csrf).not.toBe(a.csrf);
      expect((await me(a.cookie)).statusCode).toBe(401);
      expect((await me(b.cookie)).statusCode).toBe(200);
    });

    it('refuses a session cookie with one character changed', async () => {
      const s = sessionOf(await signIn('owner@pos-saas.demo', DEMO_PASSWORD));
      const value = s.cookie.slice('opsbook_session='.length);
      const i = Math.floor(value.length / 2);
      const tampered = `opsbook_session=${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
      const r = await me(tampered);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
      expect((await me(s.cookie)).statusCode).toBe(200);
    });

    it('refuses an unsafe request without the CSRF token (or with a wrong one), changing nothing', async () => {
      const s = sessionOf(await signIn('owner@pos-saas.demo', DEMO_PASSWORD));
      const workspaceId = s.me.workspaces[0]!.id;
      const tokensUrl = `/api/v1/workspaces/${workspaceId}/tokens`;
      const listTokens = async () =>
        (await as(s, { url: tokensUrl })).json<{ items: unknown[] }>().items.length;
      const before = await listTokens();
      for (const headers of [{}, { 'x-csrf-token': 'wrong' }]) {
        const r = await send({
          method: 'POST',
          url: tokensUrl,
          headers: { cookie: s.cookie, ...headers },
          payload: { name: 'csrf', scope: 'admin' },
        });
        expect(r.statusCode).toBe(403);
        expect(r.json()).toMatchObject({ code: 'OPS_CSRF' });
      }
      const phone = await send({
        method: 'PUT',
        url: '/api/v1/me/phone',
        headers: { cookie: s.cookie },
        payload: { phone: '+447911123400' },
      });
      expect(phone.statusCode).toBe(403);
      expect(await listTokens()).toBe(before);
      expect((await me(s.cookie)).json<Me>().security.phone).toBeNull();
    });
  });

  describe('API tokens', () => {
    let owner: Session;
    let workspaceId = '';
    const bearer = (token: string, url = `/api/v1/workspaces/${workspaceId}/members`) =>
      send({ url, headers: { authorization: `Bearer ${token}` } });
    const create = async (body: Record<string, unknown>) => {
      const r = await as(owner, {
        method: 'POST',
        url: `/api/v1/workspaces/${workspaceId}/tokens`,
        payload: body,
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json<{ id: string; token: string; expiresAt: string | null }>();
    };

    beforeAll(async () => {
      owner = sessionOf(await signIn('owner@sofacover.demo', DEMO_PASSWORD));
      workspaceId = owner.me.workspaces[0]!.id;
    });

    it('stores only the hash of a token, and refuses it with one character changed or unknown', async () => {
      const made = await create({ name: 'tamper', scope: 'read' });
      expect((await bearer(made.token)).statusCode).toBe(200);
      const [row] = await database.inWorkspace(workspaceId, (tx) =>
        tx.select().from(apiTokens).where(eq(apiTokens.id, made.id)),
      );
      expect(row!.tokenHash).toBe(hashToken(made.token));
      expect(JSON.stringify(row)).not.toContain(made.token.slice('opsb_'.length));
      const last = made.token.at(-1) === 'A' ? 'B' : 'A';
      for (const token of [
        made.token.slice(0, -1) + last,
        `opsb_${randomBytes(32).toString('base64url')}`,
        'nonsense',
      ]) {
        const r = await bearer(token);
        expect(r.statusCode).toBe(401);
        expect(r.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
      }
      // A token is for workspace routes, not a person's own (their sessions, their MFA).
      expect((await bearer(made.token, '/api/v1/me')).statusCode).toBe(401);
    });

    it('refuses a revoked token', async () => {
      const made = await create({ name: 'revoke', scope: 'read' });
      expect((await bearer(made.token)).statusCode).toBe(200);
      const revoked = await as(owner, {
        method: 'DELETE',
        url: `/api/v1/workspaces/${workspaceId}/tokens/${made.id}`,
      });
      expect(revoked.statusCode).toBe(204);
      expect((await bearer(made.token)).statusCode).toBe(401);
    });

    it('refuses a token once its expiry passes', async () => {
      const made = await create({ name: 'expiring', scope: 'read', expiresInDays: 1 });
      expect(made.expiresAt).toBe(new Date(nowMs + DAY_MS).toISOString());
      nowMs += DAY_MS - 1000;
      expect((await bearer(made.token)).statusCode).toBe(200);
      nowMs += 1000;
      const r = await bearer(made.token);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'OPS_UNAUTHENTICATED' });
    });
  });

  describe('TOTP, recovery codes and a workspace that requires MFA', () => {
    const EMAIL = 'mfa-owner@example.com';
    let secret = '';
    let recovery: string[] = [];
    let workspaceId = '';
    /** The owner's session that signed in with a TOTP code. */
    let strong: Session;

    /** A code for the next 30-second step (the clock moves on, so the previous code stays used). */
    const nextCode = () => {
      nowMs += STEP_MS;
      return totpCode(secret, nowMs);
    };
    /** Six digits that match none of the steps accepted now. */
    const wrongCode = () => {
      const near = new Set([-1, 0, 1].map((d) => totpCode(secret, nowMs + d * STEP_MS)));
      for (let n = 0; ; n++) {
        const code = String(n).padStart(6, '0');
        if (!near.has(code)) return code;
      }
    };
    const startSignIn = async () => {
      const r = await signIn(EMAIL, STRONG);
      expect(r.statusCode).toBe(200);
      expect(r.cookies.filter((c) => c.name === 'opsbook_session')).toEqual([]);
      const body = r.json<{ mfaRequired: boolean; challenge: string }>();
      expect(body.mfaRequired).toBe(true);
      return body.challenge;
    };
    const mfa = (challenge: string, code: string) =>
      send({ method: 'POST', url: '/api/v1/auth/mfa', payload: { challenge, code } });

    beforeAll(async () => {
      const s = sessionOf(
        await signUp({
          email: EMAIL,
          name: 'MFA Owner',
          password: STRONG,
          workspace: { name: 'Strict Co', slug: 'strict-co', timeZone: 'UTC' },
        }),
      );
      workspaceId = s.me.workspaces[0]!.id;
      const started = await as(s, { method: 'POST', url: '/api/v1/me/mfa/totp' });
      expect(started.statusCode).toBe(200);
      secret = started.json<{ secret: string; uri: string }>().secret;
      const confirmed = await as(s, {
        method: 'POST',
        url: '/api/v1/me/mfa/totp/confirm',
        payload: { code: totpCode(secret, nowMs) },
      });
      expect(confirmed.statusCode).toBe(200);
      recovery = confirmed.json<{ recoveryCodes: string[] }>().recoveryCodes;
      expect(new Set(recovery).size).toBe(10);
      expect((await me(s.cookie)).json<Me>().security).toMatchObject({ totp: true, recoveryCodesLeft: 10 });
      expect((await as(s, { method: 'POST', url: '/api/v1/auth/sign-out' })).statusCode).toBe(204);
    });

    it('asks for a code after the password, refuses a wrong one, signs in with the right one as password+totp', async () => {
      const challenge = await startSignIn();
      const wrong = await mfa(challenge, wrongCode());
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json()).toMatchObject({ code: 'OPS_INVALID_CODE' });
      expect(wrong.cookies.filter((c) => c.name === 'opsbook_session')).toEqual([]);
      strong = sessionOf(await mfa(challenge, nextCode()));
      expect((await me(strong.cookie)).json<Me>().security.signInMethod).toBe('password+totp');
    });

    it('refuses the same code in a new sign-in (a code works once)', async () => {
      const used = totpCode(secret, nowMs);
      const r = await mfa(await startSignIn(), used);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'OPS_INVALID_CODE' });
    });

    it('accepts a code once even when two sign-ins send it at the same moment', async () => {
      const challenges = [await startSignIn(), await startSignIn()];
      const code = nextCode();
      const answers = await Promise.all(challenges.map((c) => mfa(c, code)));
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    });

    it('accepts a recovery code once, and not twice', async () => {
      const first = sessionOf(await mfa(await startSignIn(), recovery[0]!));
      const mine = (await me(first.cookie)).json<Me>();
      expect(mine.security).toMatchObject({ signInMethod: 'password+recovery', recoveryCodesLeft: 9 });
      const again = await mfa(await startSignIn(), recovery[0]!);
      expect(again.statusCode).toBe(401);
      expect(again.json()).toMatchObject({ code: 'OPS_INVALID_CODE' });
    });

    it('kills a challenge after 5 wrong codes: the right code is refused on it, accepted on a new one', async () => {
      const challenge = await startSignIn();
      const right = nextCode();
      for (let i = 0; i < 5; i++) expect((await mfa(challenge, wrongCode())).statusCode).toBe(401);
      const late = await mfa(challenge, right);
      expect(late.statusCode).toBe(401);
      expect(late.json()).toMatchObject({ code: 'OPS_INVALID_CODE' });
      // The refusal is the dead challenge's, not the code's: the same code opens a fresh challenge.
      sessionOf(await mfa(await startSignIn(), right));
    });

    describe('invitations and requireMfa', () => {
      let member: Session;
      let link = '';
      const tokenOf = (url: string) => url.slice(url.lastIndexOf('/invitations/') + '/invitations/'.length);
      const invite = async (email: string, role: string) => {
        const r = await as(strong, {
          method: 'POST',
          url: `/api/v1/workspaces/${workspaceId}/invitations`,
          payload: { email, role },
        });
        expect(r.statusCode, r.body).toBe(201);
        return r.json<{ link: string; email: string; role: string }>().link;
      };
      /** Signing up with `invitation` is refused with `status` and `code`, and creates no account. */
      const signUpRefused = async (
        person: { email: string; name: string },
        invitation: string,
        status: number,
        code: string,
      ) => {
        const r = await signUp({ ...person, password: STRONG, invitation });
        expect(r.statusCode).toBe(status);
        expect(r.json()).toMatchObject({ code });
        expect(await accountsWith(person.email)).toEqual([]);
      };

      it('invites by link; the link shows the invitation; signing up with it joins with the role', async () => {
        link = await invite('agent@example.com', 'agent-l1');
        expect(link).toMatch(/\/invitations\/[\w-]{20,}$/);
        const shown = await send({ url: `/api/v1/invitations/${tokenOf(link)}` });
        expect(shown.statusCode).toBe(200);
        expect(shown.json()).toMatchObject({
          workspaceName: 'Strict Co',
          email: 'agent@example.com',
          role: 'agent-l1',
        });
        member = sessionOf(
          await signUp({
            email: 'agent@example.com',
            name: 'Agent',
            password: STRONG,
            invitation: tokenOf(link),
          }),
        );
        expect(member.me.workspaces).toEqual([
          expect.objectContaining({ id: workspaceId, role: 'agent-l1' }),
        ]);
      });

      it('does not let the link be used twice', async () => {
        await signUpRefused({ email: 'agent2@example.com', name: 'Agent 2' }, tokenOf(link), 410, 'OPS_GONE');
        const accept = await as(member, {
          method: 'POST',
          url: `/api/v1/invitations/${tokenOf(link)}/accept`,
        });
        expect(accept.statusCode).toBe(410);
        expect((await send({ url: `/api/v1/invitations/${tokenOf(link)}` })).statusCode).toBe(410);
      });

      it('does not let a signed-in person accept an invitation for another email', async () => {
        const other = await invite('someone-else@example.com', 'admin');
        const r = await as(member, { method: 'POST', url: `/api/v1/invitations/${tokenOf(other)}/accept` });
        expect(r.statusCode).toBe(403);
        expect(r.json()).toMatchObject({ code: 'OPS_FORBIDDEN' });
        expect((await me(member.cookie)).json<Me>().workspaces).toEqual([
          expect.objectContaining({ id: workspaceId, role: 'agent-l1' }),
        ]);
        expect((await send({ url: `/api/v1/invitations/${tokenOf(other)}` })).statusCode).toBe(200);
      });

      // The invitation's email is checked before the account is created.
      it('refuses a sign-up with an invitation for another email without creating the account', async () => {
        const other = await invite('invited-only@example.com', 'viewer');
        await signUpRefused(
          { email: 'gatecrasher@example.com', name: 'Gate' },
          tokenOf(other),
          403,
          'OPS_FORBIDDEN',
        );
      });

      it('requireMfa: the TOTP owner turns it on; a password-only member is refused there but keeps /me', async () => {
        const membersUrl = `/api/v1/workspaces/${workspaceId}/members`;
        expect((await as(member, { url: membersUrl })).statusCode).toBe(200);
        const on = await as(strong, {
          method: 'PUT',
          url: `/api/v1/workspaces/${workspaceId}/settings`,
          payload: { requireMfa: true },
        });
        expect(on.statusCode, on.body).toBe(200);
        expect(on.json()).toEqual({ requireMfa: true });
        const refused = await as(member, { url: membersUrl });
        expect(refused.statusCode).toBe(403);
        expect(refused.json()).toMatchObject({ code: 'OPS_MFA_REQUIRED' });
        expect((await as(member, { url: `/api/v1/workspaces/${workspaceId}/tasks` })).statusCode).toBe(403);
        const own = await me(member.cookie);
        expect(own.statusCode).toBe(200);
        expect(own.json<Me>().security.signInMethod).toBe('password');
        expect((await as(strong, { url: membersUrl })).statusCode).toBe(200);
      });
    });
  });

  describe('sign-in by SMS code', () => {
    const PHONE = '+44 7911 123456';
    const E164 = '+447911123456';
    let workspaceId = '';
    let allWorkspaces: string[] = [];
    const requestCode = async (phone: string) => {
      const r = await send({ method: 'POST', url: '/api/v1/auth/sms', payload: { phone } });
      expect(r.statusCode).toBe(202);
      expect(Object.keys(r.json<object>())).toEqual(['challenge']);
      return r.json<{ challenge: string }>().challenge;
    };
    /** The SMS recorded for a challenge (`sign-in-code:` for signing in, `phone-code:` for confirming a phone). */
    const messageOf = async (challenge: string, purpose = 'sign-in-code') =>
      database.inWorkspace(workspaceId, (tx) =>
        tx
          .select()
          .from(outbox)
          .where(eq(outbox.idempotencyKey, `${purpose}:${hashSecret(challenge)}`)),
      );
    const codeOf = async (challenge: string, purpose?: string) => {
      const [row] = await messageOf(challenge, purpose);
      const payload = row!.payload as { to: string; text: string };
      expect(payload.to).toBe(E164);
      return /\b(\d{6})\b/.exec(payload.text)![1]!;
    };
    const verify = (challenge: string, code: string) =>
      send({ method: 'POST', url: '/api/v1/auth/sms/verify', payload: { challenge, code } });
    const smsRows = async () => {
      let n = 0;
      for (const id of allWorkspaces) {
        n += (
          await database.inWorkspace(id, (tx) => tx.select().from(outbox).where(eq(outbox.channel, 'sms')))
        ).length;
      }
      return n;
    };

    beforeAll(async () => {
      const s = sessionOf(await signIn('owner@shopsmart.demo', DEMO_PASSWORD));
      workspaceId = s.me.workspaces[0]!.id;
      // The phone counts only once the code sent to it comes back.
      const set = await as(s, { method: 'PUT', url: '/api/v1/me/phone', payload: { phone: PHONE } });
      expect(set.statusCode, set.body).toBe(202);
      const started = set.json<{ challenge: string; phone: string }>();
      expect(started.phone).toBe(E164);
      expect((await me(s.cookie)).json<Me>().security.phone).toBeNull();
      const confirmed = await as(s, {
        method: 'POST',
        url: '/api/v1/me/phone/verify',
        payload: {
          phone: PHONE,
          challenge: started.challenge,
          code: await codeOf(started.challenge, 'phone-code'),
        },
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      expect(confirmed.json()).toEqual({ phone: E164 });
      expect((await me(s.cookie)).json<Me>().security.phone).toBe(E164);
      const admin = sessionOf(await signIn(DEMO_ADMIN_EMAIL, DEMO_PASSWORD));
      allWorkspaces = admin.me.workspaces.map((w) => w.id);
    });

    it('refuses the right code after 5 wrong ones (brute force), then signs in by a new code as sms', async () => {
      const challenge = await requestCode(PHONE);
      const code = await codeOf(challenge);
      const wrong = code === '000000' ? '000001' : '000000';
      for (let i = 0; i < 5; i++) {
        const r = await verify(challenge, wrong);
        expect(r.statusCode).toBe(401);
        expect(r.json()).toMatchObject({ code: 'OPS_INVALID_CODE' });
      }
      expect((await verify(challenge, code)).statusCode).toBe(401);
      const fresh = await requestCode(PHONE);
      const s = sessionOf(await verify(fresh, await codeOf(fresh)));
      expect((await me(s.cookie)).json<Me>().security.signInMethod).toBe('sms');
      // Used once: the same code again on its challenge is refused.
      expect((await verify(fresh, await codeOf(fresh))).statusCode).toBe(401);
    });

    it('sends at most 3 codes per person per 15 minutes, answering the same either way', async () => {
      const third = await requestCode(PHONE);
      expect(await messageOf(third)).toHaveLength(1);
      const fourth = await requestCode(PHONE);
      expect(await messageOf(fourth)).toEqual([]);
    });

    it('answers an unknown phone with the same 202 shape and sends nothing', async () => {
      const before = await smsRows();
      const known = await requestCode(PHONE); // limited already (previous test): sends nothing either
      const unknown = await requestCode('+44 7400 123456');
      expect(unknown.length).toBe(known.length);
      expect(await smsRows()).toBe(before);
      expect((await verify(unknown, '123456')).statusCode).toBe(401);
    });
  });
});
