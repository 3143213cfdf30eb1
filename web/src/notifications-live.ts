/** Live notifications: the workspace's stream (shared-stream.ts), heard by the bell and the dashboard feed. */
import { useEffect, useRef } from 'react';
import { notificationStreamUrl } from './notifications-api';
import { jsonOf, sharedStream } from './shared-stream';

/**
 * `notification`: one arrived (`feed` when it is on the dashboard feed, not the person's own).
 * `reconnected`: the stream was down for a while, so anything may have been missed.
 */
export type NotificationEvent =
  { readonly kind: 'notification'; readonly feed: boolean } | { readonly kind: 'reconnected' };

type Listener = (event: NotificationEvent) => void;

/** Listens to the workspace's stream until the returned function is called. */
export const subscribeNotifications: (workspaceId: string, listener: Listener) => () => void = sharedStream(
  notificationStreamUrl,
  'notification',
  (data) => ({ kind: 'notification', feed: jsonOf(data)?.feed === true }) as const,
);

/** Calls `onEvent` for each live event of the workspace while the component is shown. */
export function useNotificationEvents(workspaceId: string, onEvent: Listener): void {
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => subscribeNotifications(workspaceId, (event) => latest.current(event)), [workspaceId]);
}
