/**
 * The API calls of the shell and signing in. Errors arrive as application/problem+json and become ApiError.
 * The account's own calls are in account-api.ts, a workspace's people and access in access-api.ts.
 */

export interface Workspace {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
  readonly role: string;
  /** Everyone must sign in with a second factor to use this workspace. */
  readonly requireMfa: boolean;
  readonly createdAt: string;
}

export interface Security {
  /** How this session signed in: `password`, `password+totp`, `sms+recovery`, … */
  readonly signInMethod: string;
  readonly totp: boolean;
  readonly phone: string | null;
  readonly recoveryCodesLeft: number;
}

export interface Me {
  readonly user: { readonly id: string; readonly email: string; readonly name: string };
  readonly csrfToken: string;
  readonly currentWorkspaceId: string | null;
  readonly workspaces: readonly Workspace[];
  readonly security: Security;
}

/** The answer to a password (or SMS) sign-in when the person set up an authenticator app. */
export interface MfaChallenge {
  readonly mfaRequired: true;
  readonly challenge: string;
}

export const needsCode = (answer: Me | MfaChallenge): answer is MfaChallenge => 'mfaRequired' in answer;

/** Whether this session proved a second factor (the server's `usedMfa`). */
export const usedMfa = (me: Me): boolean => /\+(totp|recovery)$/.test(me.security.signInMethod);

/** An invitation link's offer, shown before signing up or in. */
export interface InvitationOffer {
  readonly workspaceName: string;
  readonly email: string;
  readonly role: string;
  readonly expiresAt: string;
}

export interface NewWorkspace {
  readonly name: string;
  readonly slug: string;
  readonly timeZone: string;
}

export interface SignUpInput {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly workspace?: NewWorkspace;
  readonly invitation?: string;
}

export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly code?: string;
  readonly detail?: string;
  readonly instance?: string;
  readonly retryable?: boolean;
  readonly errors?: readonly { readonly pointer: string; readonly message: string }[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail ?? problem.title ?? `The server answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
}

export const problemCode = (error: unknown): string | undefined =>
  error instanceof ApiError ? error.problem.code : undefined;

/**
 * Whether the session is gone (expired, revoked, signed out elsewhere). Other 401s are answers to what was
 * typed: a wrong password (OPS_INVALID_CREDENTIALS) or code (OPS_INVALID_CODE).
 */
export const sessionEnded = (error: unknown): boolean =>
  error instanceof ApiError &&
  error.status === 401 &&
  (error.problem.code === undefined || error.problem.code === 'OPS_UNAUTHENTICATED');

/** The message for one field of a request body (`/body/password` → 'password'), to show beside it. */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((e) => e.pointer === `/body/${field}`)?.message;
}

/** Sentences to show a person: the problem's title and detail, then any field errors. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const { title, detail, errors } = error.problem;
    const parts = [title, detail, ...(errors ?? []).map((e) => e.message)]
      .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
      .map((part) => (/[.!?]$/.test(part) ? part : `${part}.`));
    return [...new Set(parts)].join(' ') || `The server answered ${error.status}.`;
  }
  if (error instanceof TypeError)
    return 'Could not reach the Opsbook server. Check your connection and try again.';
  return error instanceof Error ? error.message : 'Something went wrong.';
}

interface RequestOptions {
  readonly body?: unknown;
  readonly csrfToken?: string;
}

export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  if (!response.ok) {
    let problem: Problem = { status: response.status, title: response.statusText };
    try {
      problem = (await response.json()) as Problem;
    } catch {
      // not JSON (a proxy's error page): keep the status line
    }
    throw new ApiError(response.status, problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export interface PackVersion {
  packId: string;
  title: string;
  version: string;
  hash: string;
  active: boolean;
  createdAt: string;
  activatedAt: string | null;
  activatedBy: string | null;
}

export interface PackDocument extends PackVersion {
  markdown: string;
  html: string;
  versions: PackVersion[];
}

export interface SubjectView {
  key: string;
  kind: string;
  pack: { id: string; version: string; hash: string };
  open: boolean;
  fields: Record<string, unknown>;
  lifecycles: Record<string, string>;
  clocks: { id: string; source: string; phase: string; due: string | null; derivation: string }[];
  effects: { key: string; type: string; at: string; data: Record<string, unknown> }[];
}

export const api = {
  me: () => request<Me>('GET', '/api/v1/me'),
  signIn: (email: string, password: string) =>
    request<Me | MfaChallenge>('POST', '/api/v1/auth/sign-in', { body: { email, password } }),
  /** The second step: a code from the authenticator app, or a recovery code. */
  mfa: (challenge: string, code: string) =>
    request<Me>('POST', '/api/v1/auth/mfa', { body: { challenge, code } }),
  smsStart: (phone: string) =>
    request<{ challenge: string }>('POST', '/api/v1/auth/sms', { body: { phone } }),
  smsVerify: (challenge: string, code: string) =>
    request<Me | MfaChallenge>('POST', '/api/v1/auth/sms/verify', { body: { challenge, code } }),
  signUp: (input: SignUpInput) => request<Me>('POST', '/api/v1/auth/sign-up', { body: input }),
  invitation: (token: string) =>
    request<InvitationOffer>('GET', `/api/v1/invitations/${encodeURIComponent(token)}`),
  acceptInvitation: (token: string, csrfToken: string) =>
    request<Me>('POST', `/api/v1/invitations/${encodeURIComponent(token)}/accept`, { csrfToken }),
  signOut: (csrfToken: string) => request<undefined>('POST', '/api/v1/auth/sign-out', { csrfToken }),
  switchWorkspace: (workspaceId: string, csrfToken: string) =>
    request<Me>('PUT', '/api/v1/me/workspace', { body: { workspaceId }, csrfToken }),
  packs: (workspaceId: string) =>
    request<{ items: PackVersion[] }>('GET', `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/packs`),
  packDiff: (workspaceId: string, packId: string, from: string, to: string) =>
    request<{ changes: string[] }>(
      'GET',
      `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/packs/${encodeURIComponent(packId)}/diff?from=${from}&to=${to}`,
    ),
  subject: (workspaceId: string, key: string) =>
    request<SubjectView>(
      'GET',
      `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/subjects/${encodeURIComponent(key)}`,
    ),
  pack: (workspaceId: string, packId: string) =>
    request<PackDocument>(
      'GET',
      `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/packs/${encodeURIComponent(packId)}`,
    ),
};
