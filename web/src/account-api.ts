/** The signed-in person's own account: sessions, authenticator app, recovery codes, password, phone. */
import { type NewWorkspace, request } from './api';

export interface SessionItem {
  readonly id: string;
  /** The session of this browser. */
  readonly current: boolean;
  readonly method: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
}

export interface TotpSetup {
  /** Base32, for typing into an authenticator app. */
  readonly secret: string;
  /** `otpauth://totp/...`, which authenticator apps open or scan. */
  readonly uri: string;
}

const post = <T>(path: string, csrfToken: string, body?: unknown) =>
  request<T>('POST', path, { csrfToken, ...(body !== undefined ? { body } : {}) });

export const accountApi = {
  sessions: () => request<{ items: SessionItem[] }>('GET', '/api/v1/me/sessions'),
  revokeSession: (sessionId: string, csrfToken: string) =>
    request<undefined>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(sessionId)}`, { csrfToken }),
  startTotp: (csrfToken: string) => post<TotpSetup>('/api/v1/me/mfa/totp', csrfToken),
  confirmTotp: (code: string, csrfToken: string) =>
    post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/totp/confirm', csrfToken, { code }),
  renewRecoveryCodes: (code: string, csrfToken: string) =>
    post<{ recoveryCodes: string[] }>('/api/v1/me/mfa/recovery-codes', csrfToken, { code }),
  disableTotp: (code: string, csrfToken: string) =>
    post<undefined>('/api/v1/me/mfa/totp/disable', csrfToken, { code }),
  changePassword: (current: string, next: string, csrfToken: string) =>
    request<undefined>('PUT', '/api/v1/me/password', { body: { current, next }, csrfToken }),
  /** Sends a code to the phone; the phone is set once the code comes back (verifyPhone). */
  startPhone: (phone: string, csrfToken: string) =>
    request<{ challenge: string; phone: string }>('PUT', '/api/v1/me/phone', { body: { phone }, csrfToken }),
  verifyPhone: (phone: string, challenge: string, code: string, csrfToken: string) =>
    post<{ phone: string }>('/api/v1/me/phone/verify', csrfToken, { phone, challenge, code }),
  removePhone: (csrfToken: string) => request<undefined>('DELETE', '/api/v1/me/phone', { csrfToken }),
  createWorkspace: (workspace: NewWorkspace, csrfToken: string) =>
    post<{ id: string }>('/api/v1/me/workspaces', csrfToken, workspace),
};
