/** The few API calls the shell makes. Errors arrive as application/problem+json and become ApiError. */

export interface Workspace {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly timeZone: string;
  readonly role: string;
  readonly createdAt: string;
}

export interface Me {
  readonly user: { readonly id: string; readonly email: string; readonly name: string };
  readonly csrfToken: string;
  readonly currentWorkspaceId: string | null;
  readonly workspaces: readonly Workspace[];
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

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
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
    request<Me>('POST', '/api/v1/auth/sign-in', { body: { email, password } }),
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
