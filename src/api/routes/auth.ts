/**
 * Signing up and in (password, then a TOTP or recovery code when enrolled; or an SMS code), signing out,
 * and a person's own account: who am I, sessions, MFA, password and phone. Workspace routes are elsewhere.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import type { NewSession, SessionUser } from '../../modules/admin/sessions.js';
import {
  listSessions,
  resolveSession,
  revokeSession,
  setCurrentWorkspace,
  signOut,
  upgradeSession,
} from '../../modules/admin/sessions.js';
import { getWorkspace, listMyWorkspaces } from '../../modules/admin/workspaces.js';
import { acceptInvitation, createWorkspace, findInvitation } from '../../modules/access/members.js';
import {
  changePassword,
  confirmTotp,
  disableTotp,
  mfaStatus,
  removePhone,
  renewRecoveryCodes,
  signUp,
  startPhoneChange,
  startTotp,
  verifyPhone,
} from '../../modules/access/account.js';
import {
  completeMfa,
  signInWithPassword,
  startSmsSignIn,
  verifySmsSignIn,
  type Client,
} from '../../modules/access/sign-in.js';
import type { AppDeps } from '../deps.js';
import { DEVICE_COOKIE, SESSION_COOKIE, sessionOf, sessionPolicy } from '../session.js';
import { Workspace, workspaceJson } from './workspaces.js';

const Me = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  csrfToken: z.string().describe('Send as the x-csrf-token header on every POST, PUT, PATCH and DELETE.'),
  currentWorkspaceId: z.string().nullable(),
  workspaces: z.array(Workspace),
  security: z.object({
    signInMethod: z.string().describe('How this session signed in: `password`, `password+totp`, `sms`, …'),
    totp: z.boolean().describe('Whether an authenticator app is set up.'),
    phone: z.string().nullable().describe('The phone for SMS sign-in, E.164.'),
    recoveryCodesLeft: z.number(),
  }),
});

const MfaChallenge = z.object({
  mfaRequired: z.literal(true),
  challenge: z.string().describe('Send with the code to POST /api/v1/auth/mfa within 5 minutes.'),
});

const Email = z.email().max(320);
const Password = z.string().min(1).max(1024);
const Code = z
  .string()
  .min(6)
  .max(64)
  .describe('A 6-digit code, or a recovery code like `7k2mq-9xdh4-vt3ab-c8d9e-fg0hj`.');
const Challenge = z.string().min(10).max(100);
const limit = (max: number, minutes: number) => ({ max, timeWindow: minutes * 60_000 });

/**
 * Login CSRF: a form posted from another site carries that site's Origin. Same-site means the Origin is
 * absent (non-browser clients), equals OPSBOOK_PUBLIC_URL's origin (behind a proxy that rewrites Host),
 * or names the Host the request was sent to. `Origin: null` (sandboxed or privacy-redirected) is refused.
 */
export function isSameSite(origin: string | undefined, host: string | undefined, publicUrl: string): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return parsed.origin === new URL(publicUrl).origin || (host !== undefined && parsed.host === host);
}

export function authRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const secure = deps.config.publicUrl.startsWith('https://');
  const policy = sessionPolicy(deps);

  async function me(session: SessionUser) {
    const workspaces = await listMyWorkspaces(deps.database, session.user.id);
    const current = workspaces.find((w) => w.id === session.currentWorkspace) ?? workspaces[0] ?? null;
    const mfa = await mfaStatus(deps.database, session.user.id);
    return {
      user: session.user,
      csrfToken: session.csrfToken,
      currentWorkspaceId: current?.id ?? null,
      workspaces: workspaces.map(workspaceJson),
      security: { signInMethod: session.method, ...mfa },
    };
  }

  function sameSiteOnly(request: FastifyRequest) {
    if (!isSameSite(request.headers.origin, request.headers.host, deps.config.publicUrl)) {
      throw new OpsError('OPS_CSRF', 'Signing in from another site is refused.');
    }
  }

  function clientOf(request: FastifyRequest): Client {
    const device = request.cookies[DEVICE_COOKIE];
    return {
      ip: request.ip ?? null,
      userAgent: request.headers['user-agent'] ?? null,
      deviceToken: device && device.length <= 100 ? device : randomBytes(24).toString('base64url'),
    };
  }

  /** Sets the new session's cookie (and the device cookie), ending the session this browser had. */
  async function startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    client: Client,
    created: NewSession,
  ) {
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) {
      const old = await resolveSession(deps.database, previous, policy, deps.now());
      if (old) await signOut(deps.database, old.sessionId, deps.now()); // rotate: no fixation
    }
    const base = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' };
    reply.setCookie(SESSION_COOKIE, created.token, { ...base, maxAge: deps.config.sessionMaxDays * 86_400 });
    reply.setCookie(DEVICE_COOKIE, client.deviceToken, { ...base, maxAge: 400 * 86_400 });
    return me(created.session);
  }

  r.post(
    '/api/v1/auth/sign-up',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account and sign in; creates a workspace, or joins one by invitation',
        body: z.strictObject({
          email: Email,
          name: z.string().trim().min(1).max(200),
          password: Password,
          workspace: z
            .strictObject({
              name: z.string().trim().min(1).max(200),
              slug: z
                .string()
                .regex(/^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/)
                .describe('Lowercase letters, digits and dashes, 3-50.'),
              timeZone: z.string().min(1).max(64).describe('IANA time zone, e.g. Europe/London'),
            })
            .optional(),
          invitation: z.string().min(10).max(100).optional().describe('The token of an invitation link.'),
        }),
        response: { 200: Me },
      },
      config: { access: 'public', rateLimit: limit(10, 60) },
    },
    async (request, reply) => {
      sameSiteOnly(request);
      const { workspace, invitation, ...person } = request.body;
      if (workspace) checkZone(workspace.timeZone);
      if (invitation) {
        // Fail before creating anyone: the invitation must be open and for this email.
        const found = await findInvitation(deps.database, invitation, deps.now());
        if (found.email.toLowerCase() !== person.email.toLowerCase()) {
          throw new OpsError(
            'OPS_FORBIDDEN',
            `This invitation is for ${found.email}; sign up with that address.`,
          );
        }
      }
      const client = clientOf(request);
      const created = await signUp(deps.database, person, client, policy, deps.now());
      if (invitation) {
        await acceptInvitation(deps.database, invitation, created.session.user, deps.now());
      } else if (workspace) {
        await createWorkspace(deps.database, { ...workspace, ownerId: created.session.user.id }, deps.now());
      }
      return startSession(request, reply, client, created);
    },
  );

  r.post(
    '/api/v1/auth/sign-in',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password; sets the session cookie, or asks for an MFA code',
        body: z.strictObject({ email: Email, password: Password }),
        response: { 200: z.union([Me, MfaChallenge]) },
      },
      config: { access: 'public', rateLimit: limit(30, 1) },
    },
    async (request, reply) => {
      sameSiteOnly(request);
      const client = clientOf(request);
      const outcome = await signInWithPassword(deps.database, request.body, client, policy, deps.now());
      if (!outcome) throw new OpsError('OPS_INVALID_CREDENTIALS');
      if (outcome.kind === 'mfa') return { mfaRequired: true as const, challenge: outcome.challenge };
      return startSession(request, reply, client, outcome.created);
    },
  );

  r.post(
    '/api/v1/auth/mfa',
    {
      schema: {
        tags: ['auth'],
        summary: 'The second step: a code from the authenticator app, or a recovery code',
        body: z.strictObject({ challenge: Challenge, code: Code }),
        response: { 200: Me },
      },
      config: { access: 'public', rateLimit: limit(30, 1) },
    },
    async (request, reply) => {
      sameSiteOnly(request);
      const client = clientOf(request);
      const created = await completeMfa(deps.database, deps.keys, request.body, client, policy, deps.now());
      return startSession(request, reply, client, created);
    },
  );

  r.post(
    '/api/v1/auth/sms',
    {
      schema: {
        tags: ['auth'],
        summary: 'Send a sign-in code by SMS to a registered phone (the answer is the same for any number)',
        body: z.strictObject({ phone: z.string().min(3).max(40) }),
        response: { 202: z.object({ challenge: Challenge }) },
      },
      config: { access: 'public', rateLimit: limit(5, 15) },
    },
    async (request, reply) => {
      sameSiteOnly(request);
      return reply.code(202).send(await startSmsSignIn(deps.database, request.body, deps.now()));
    },
  );

  r.post(
    '/api/v1/auth/sms/verify',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with the code from the SMS (then a TOTP code when the person set one up)',
        body: z.strictObject({ challenge: Challenge, code: z.string().min(4).max(12) }),
        response: { 200: z.union([Me, MfaChallenge]) },
      },
      config: { access: 'public', rateLimit: limit(30, 1) },
    },
    async (request, reply) => {
      sameSiteOnly(request);
      const client = clientOf(request);
      const outcome = await verifySmsSignIn(deps.database, request.body, client, policy, deps.now());
      if (outcome.kind === 'mfa') return { mfaRequired: true as const, challenge: outcome.challenge };
      return startSession(request, reply, client, outcome.created);
    },
  );

  r.post(
    '/api/v1/auth/sign-out',
    {
      schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null() } },
      config: { access: 'session' },
    },
    async (request, reply) => {
      await signOut(deps.database, sessionOf(request).sessionId, deps.now());
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['me'],
        summary: 'The signed-in person, their workspaces, security settings and CSRF token',
        response: { 200: Me },
      },
      config: { access: 'session' },
    },
    async (request) => me(sessionOf(request)),
  );

  r.put(
    '/api/v1/me/workspace',
    {
      schema: {
        tags: ['me'],
        summary: 'Switch the current workspace of this session',
        body: z.strictObject({ workspaceId: z.string().min(1).max(64) }),
        response: { 200: Me },
      },
      config: { access: 'session' },
    },
    async (request) => {
      const session = sessionOf(request);
      const workspace = await getWorkspace(deps.database, session.user.id, request.body.workspaceId);
      if (!workspace)
        throw new OpsError(
          'OPS_NOT_FOUND',
          `You are not a member of workspace "${request.body.workspaceId}".`,
        );
      await setCurrentWorkspace(deps.database, session.sessionId, workspace.id);
      return me({ ...session, currentWorkspace: workspace.id });
    },
  );

  r.post(
    '/api/v1/me/workspaces',
    {
      schema: {
        tags: ['me'],
        summary: 'Create a workspace; you become its owner',
        body: z.strictObject({
          name: z.string().trim().min(1).max(200),
          slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$/),
          timeZone: z.string().min(1).max(64),
        }),
        response: { 201: z.object({ id: z.string() }) },
      },
      config: { access: 'session', rateLimit: limit(20, 60) },
    },
    async (request, reply) => {
      checkZone(request.body.timeZone);
      const id = await createWorkspace(
        deps.database,
        { ...request.body, ownerId: sessionOf(request).user.id },
        deps.now(),
      );
      return reply.code(201).send({ id });
    },
  );

  const SessionItem = z.object({
    id: z.string(),
    current: z.boolean(),
    method: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    expiresAt: z.string(),
  });

  r.get(
    '/api/v1/me/sessions',
    {
      schema: {
        tags: ['me'],
        summary: 'Your signed-in sessions (browsers), newest first',
        response: { 200: z.object({ items: z.array(SessionItem) }) },
      },
      config: { access: 'session' },
    },
    async (request) => {
      const session = sessionOf(request);
      const items = await listSessions(deps.database, session.user.id, deps.now());
      return {
        items: items.map((s) => ({
          ...s,
          current: s.id === session.sessionId,
          createdAt: s.createdAt.toISOString(),
          lastSeenAt: s.lastSeenAt.toISOString(),
          expiresAt: s.expiresAt.toISOString(),
        })),
      };
    },
  );

  r.delete(
    '/api/v1/me/sessions/:sessionId',
    {
      schema: {
        tags: ['me'],
        summary: 'Sign out one of your sessions',
        params: z.strictObject({ sessionId: z.string().min(1).max(64) }),
        response: { 204: z.null() },
      },
      config: { access: 'session' },
    },
    async (request, reply) => {
      const done = await revokeSession(
        deps.database,
        sessionOf(request).user.id,
        request.params.sessionId,
        deps.now(),
      );
      if (!done)
        throw new OpsError('OPS_NOT_FOUND', `No live session "${request.params.sessionId}" of yours.`);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/v1/me/mfa/totp',
    {
      schema: {
        tags: ['me'],
        summary: 'Start setting up an authenticator app: returns the secret and an otpauth:// URI',
        response: { 200: z.object({ secret: z.string(), uri: z.string() }) },
      },
      config: { access: 'session' },
    },
    async (request) => startTotp(deps.database, deps.keys, sessionOf(request).user),
  );

  r.post(
    '/api/v1/me/mfa/totp/confirm',
    {
      schema: {
        tags: ['me'],
        summary: 'Finish setting up the app with a code from it; returns 10 recovery codes, shown once',
        body: z.strictObject({ code: Code }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
      config: { access: 'session', rateLimit: limit(20, 1) },
    },
    async (request) => {
      const session = sessionOf(request);
      const codes = await confirmTotp(deps.database, deps.keys, session.user, request.body.code, deps.now());
      // The code proved the second factor: this session now counts as signed in with MFA.
      await upgradeSession(deps.database, session.sessionId, `${session.method.split('+')[0]}+totp`);
      return { recoveryCodes: codes };
    },
  );

  r.post(
    '/api/v1/me/mfa/recovery-codes',
    {
      schema: {
        tags: ['me'],
        summary: 'Replace your recovery codes (the old ones stop working); needs a current code',
        body: z.strictObject({ code: Code }),
        response: { 200: z.object({ recoveryCodes: z.array(z.string()) }) },
      },
      config: { access: 'session', rateLimit: limit(20, 1) },
    },
    async (request) => ({
      recoveryCodes: await renewRecoveryCodes(
        deps.database,
        deps.keys,
        sessionOf(request).user,
        request.body.code,
        deps.now(),
      ),
    }),
  );

  r.post(
    '/api/v1/me/mfa/totp/disable',
    {
      schema: {
        tags: ['me'],
        summary: 'Turn the authenticator app off; needs a current code',
        body: z.strictObject({ code: Code }),
        response: { 204: z.null() },
      },
      config: { access: 'session', rateLimit: limit(20, 1) },
    },
    async (request, reply) => {
      await disableTotp(deps.database, deps.keys, sessionOf(request).user, request.body.code, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.put(
    '/api/v1/me/password',
    {
      schema: {
        tags: ['me'],
        summary: 'Change your password; your other sessions end',
        body: z.strictObject({ current: Password, next: Password }),
        response: { 204: z.null() },
      },
      config: { access: 'session', rateLimit: limit(10, 15) },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      await changePassword(deps.database, session.user, request.body, session.sessionId, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.put(
    '/api/v1/me/phone',
    {
      schema: {
        tags: ['me'],
        summary:
          'Start setting the phone for SMS sign-in: a code is sent to it (confirm at /me/phone/verify)',
        body: z.strictObject({ phone: z.string().min(3).max(40) }),
        response: {
          202: z.object({ challenge: Challenge, phone: z.string().describe('The number, E.164.') }),
        },
      },
      config: { access: 'session', rateLimit: limit(10, 15) },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await startPhoneChange(deps.database, sessionOf(request).user, request.body.phone, deps.now())),
  );

  r.post(
    '/api/v1/me/phone/verify',
    {
      schema: {
        tags: ['me'],
        summary: 'Confirm the phone with the code sent to it; it is then used for SMS sign-in',
        body: z.strictObject({
          phone: z.string().min(3).max(40),
          challenge: Challenge,
          code: z.string().min(4).max(12),
        }),
        response: { 200: z.object({ phone: z.string() }) },
      },
      config: { access: 'session', rateLimit: limit(30, 1) },
    },
    async (request) => ({
      phone: await verifyPhone(deps.database, sessionOf(request).user, request.body, deps.now()),
    }),
  );

  r.delete(
    '/api/v1/me/phone',
    {
      schema: { tags: ['me'], summary: 'Remove the phone: SMS sign-in stops', response: { 204: z.null() } },
      config: { access: 'session' },
    },
    async (request, reply) => {
      await removePhone(deps.database, sessionOf(request).user, deps.now());
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/v1/invitations/:token',
    {
      schema: {
        tags: ['auth'],
        summary: 'What an invitation link offers (workspace, email, role), before signing up or in',
        params: z.strictObject({ token: z.string().min(10).max(100) }),
        response: {
          200: z.object({
            workspaceName: z.string(),
            email: z.string(),
            role: z.string(),
            expiresAt: z.string(),
          }),
        },
      },
      config: { access: 'public', rateLimit: limit(30, 1) },
    },
    async (request) => {
      const found = await findInvitation(deps.database, request.params.token, deps.now());
      return {
        workspaceName: found.workspaceName,
        email: found.email,
        role: found.role,
        expiresAt: found.expiresAt.toISOString(),
      };
    },
  );

  r.post(
    '/api/v1/invitations/:token/accept',
    {
      schema: {
        tags: ['auth'],
        summary: 'Join the workspace of an invitation, signed in as the invited email',
        params: z.strictObject({ token: z.string().min(10).max(100) }),
        response: { 200: Me },
      },
      config: { access: 'session', rateLimit: limit(30, 1) },
    },
    async (request) => {
      const session = sessionOf(request);
      const workspaceId = await acceptInvitation(
        deps.database,
        request.params.token,
        session.user,
        deps.now(),
      );
      await setCurrentWorkspace(deps.database, session.sessionId, workspaceId);
      return me({ ...session, currentWorkspace: workspaceId });
    },
  );
}

function checkZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new OpsError('OPS_VALIDATION', `"${timeZone}" is not an IANA time zone.`, [
      { pointer: '/body/timeZone', message: 'Use an IANA time zone such as Europe/London or Asia/Kolkata.' },
    ]);
  }
}
