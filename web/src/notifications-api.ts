/**
 * The notification calls (src/api/routes/notifications.ts): a person's in-app notifications and the
 * dashboard feed, the delivery log and retries, Slack and webhook destinations, the SMS / WhatsApp / voice
 * provider, the built-in mailbox, template previews and one's own notification settings.
 */
import { ApiError, request } from './api';

export interface NotificationItem {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly level: string | null;
  /** The record it is about (`ticket:T1`), when any. */
  readonly subject: string | null;
  readonly createdAt: string;
  readonly readAt: string | null;
}

export interface NotificationList {
  readonly items: readonly NotificationItem[];
  readonly unread: number;
}

export type DeliveryStatus = 'pending' | 'sent' | 'dead';

/** One outbox row: a `notify` message of a rule, or one delivery over one transport to one address. */
export interface Delivery {
  readonly id: string;
  readonly channel: string;
  readonly status: DeliveryStatus;
  readonly recipient: string | null;
  readonly to: string | null;
  readonly subject: string | null;
  readonly text: string | null;
  readonly parentId: string | null;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly providerId: string | null;
  readonly providerStatus: string | null;
  readonly lastError: string | null;
  readonly critical: boolean;
}

export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly durationMs: number;
  readonly outcome: string;
  readonly code: number | null;
  readonly providerId: string | null;
  readonly error: string | null;
}

export interface DeliveryDetail {
  readonly delivery: Delivery;
  readonly attempts: readonly DeliveryAttempt[];
  readonly children: readonly Delivery[];
}

export type DestinationKind = 'slack' | 'webhook';

export interface Destination {
  /** The pack channel id it serves. */
  readonly id: string;
  readonly kind: DestinationKind;
  /** The host and the URL's last characters: the URL itself is never shown again. */
  readonly urlHint: string;
  readonly signed: boolean;
  readonly disabledAt: string | null;
  readonly disabledReason: string | null;
  readonly updatedAt: string;
}

export interface MessagingProvider {
  readonly baseUrl: string;
  readonly accountSid: string;
  readonly smsFrom: string | null;
  readonly whatsappFrom: string | null;
  readonly voiceFrom: string | null;
  readonly updatedAt: string;
}

export interface ProviderInput {
  readonly baseUrl: string;
  readonly accountSid: string;
  /** Left out to keep the stored token. */
  readonly authToken?: string;
  readonly smsFrom: string | null;
  readonly whatsappFrom: string | null;
  readonly voiceFrom: string | null;
}

export interface MailboxMessage {
  readonly id: string;
  readonly messageId: string | null;
  readonly from: string;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: string;
}

export interface TemplatePreview {
  readonly template: string;
  readonly channel: string;
  readonly items: readonly {
    readonly locale: string;
    readonly subject: string | null;
    readonly text: string;
    /** Variables the template uses that had no value or example. */
    readonly missing: readonly string[];
  }[];
}

export interface QuietHours {
  /** `HH:MM`, local to `timeZone`. */
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
}

export interface NotificationSettings {
  readonly locale: string | null;
  readonly quietHours: QuietHours | null;
}

interface Page {
  readonly limit: number;
  /** A creation instant: only older items. */
  readonly before?: string | undefined;
}

const base = (workspaceId: string) => `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;
const item = (workspaceId: string, kind: string, id: string) =>
  `${base(workspaceId)}/${kind}/${encodeURIComponent(id)}`;

function query(values: Readonly<Record<string, string | number | undefined>>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The same-origin address of the live stream; the session cookie goes with it. */
export const notificationStreamUrl = (workspaceId: string) => `${base(workspaceId)}/notifications/stream`;

/** The message for a field outside the body (`/params/destinationId`), to show beside it. */
export function pointerError(error: unknown, pointer: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((e) => e.pointer === pointer)?.message;
}

export const notificationsApi = {
  mine: (workspaceId: string, page: Page) =>
    request<NotificationList>('GET', `${base(workspaceId)}/notifications${query({ ...page })}`),
  feed: (workspaceId: string, page: Page) =>
    request<NotificationList>('GET', `${base(workspaceId)}/notifications/feed${query({ ...page })}`),
  /** Marks the given notifications read, or all of the person's. */
  markRead: (workspaceId: string, ids: readonly string[] | 'all', csrfToken: string) =>
    request<{ marked: number }>('POST', `${base(workspaceId)}/notifications/read`, {
      body: ids === 'all' ? { all: true } : { ids },
      csrfToken,
    }),
  deliveries: (
    workspaceId: string,
    filter: Page & { readonly status?: DeliveryStatus | undefined; readonly channel?: string | undefined },
  ) => request<{ items: Delivery[] }>('GET', `${base(workspaceId)}/deliveries${query({ ...filter })}`),
  delivery: (workspaceId: string, messageId: string) =>
    request<DeliveryDetail>('GET', item(workspaceId, 'deliveries', messageId)),
  retry: (workspaceId: string, messageId: string, csrfToken: string) =>
    request<Delivery>('POST', `${item(workspaceId, 'deliveries', messageId)}/retry`, { csrfToken }),
  destinations: (workspaceId: string) =>
    request<{ items: Destination[] }>('GET', `${base(workspaceId)}/destinations`),
  /** A new webhook's signing secret comes back once, here. */
  saveDestination: (
    workspaceId: string,
    id: string,
    input: { readonly kind: DestinationKind; readonly url: string },
    csrfToken: string,
  ) =>
    request<{ destination: Destination; secret?: string }>('PUT', item(workspaceId, 'destinations', id), {
      body: input,
      csrfToken,
    }),
  deleteDestination: (workspaceId: string, id: string, csrfToken: string) =>
    request<undefined>('DELETE', item(workspaceId, 'destinations', id), { csrfToken }),
  /** `rotate` returns the new secret (once); `retire` drops the older one. */
  secret: (workspaceId: string, id: string, action: 'rotate' | 'retire', csrfToken: string) =>
    request<{ secret?: string; secrets: number }>('POST', `${item(workspaceId, 'destinations', id)}/secret`, {
      body: { action },
      csrfToken,
    }),
  provider: (workspaceId: string) =>
    request<{ provider: MessagingProvider | null }>('GET', `${base(workspaceId)}/messaging-provider`),
  saveProvider: (workspaceId: string, input: ProviderInput, csrfToken: string) =>
    request<{ provider: MessagingProvider }>('PUT', `${base(workspaceId)}/messaging-provider`, {
      body: input,
      csrfToken,
    }),
  deleteProvider: (workspaceId: string, csrfToken: string) =>
    request<undefined>('DELETE', `${base(workspaceId)}/messaging-provider`, { csrfToken }),
  mailbox: (workspaceId: string, page: Page) =>
    request<{ items: MailboxMessage[] }>('GET', `${base(workspaceId)}/mailbox${query({ ...page })}`),
  templates: (workspaceId: string) =>
    request<{ items: { id: string; label: string; channel: string; audience: string; locales: string[] }[] }>(
      'GET',
      `${base(workspaceId)}/templates`,
    ),
  settings: () => request<NotificationSettings>('GET', '/api/v1/me/notification-settings'),
  preview: (workspaceId: string, templateId: string, csrfToken: string) =>
    request<TemplatePreview>('POST', `${item(workspaceId, 'templates', templateId)}/preview`, {
      body: {},
      csrfToken,
    }),
  saveSettings: (settings: NotificationSettings, csrfToken: string) =>
    request<undefined>('PUT', '/api/v1/me/notification-settings', { body: settings, csrfToken }),
};
