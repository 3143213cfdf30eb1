/**
 * Live notifications: one EventSource per workspace, shared by everything on the page that listens (the
 * bell, the dashboard feed), opened by the first listener and closed when the last one goes (a workspace
 * switch, signing out). Events carry ids only; listeners fetch through the API.
 */
import { useEffect, useRef } from 'react';
import { notificationStreamUrl } from './notifications-api';

/**
 * `notification`: one arrived (`feed` when it is on the dashboard feed, not the person's own).
 * `reconnected`: the stream was down for a while, so anything may have been missed.
 */
export type NotificationEvent =
  { readonly kind: 'notification'; readonly feed: boolean } | { readonly kind: 'reconnected' };

type Listener = (event: NotificationEvent) => void;

interface Stream {
  readonly source: EventSource;
  readonly listeners: Set<Listener>;
}

const streams = new Map<string, Stream>();

function parseFeed(data: unknown): boolean {
  try {
    return (JSON.parse(String(data)) as { feed?: unknown }).feed === true;
  } catch {
    return false;
  }
}

function open(workspaceId: string): Stream {
  const source = new EventSource(notificationStreamUrl(workspaceId));
  const stream: Stream = { source, listeners: new Set() };
  const emit = (event: NotificationEvent) => {
    for (const listener of stream.listeners) listener(event);
  };
  let opened = 0;
  source.addEventListener('open', () => {
    // The first open follows the page's own first load; a later one is the browser reconnecting.
    opened += 1;
    if (opened > 1) emit({ kind: 'reconnected' });
  });
  source.addEventListener('notification', (message) =>
    emit({ kind: 'notification', feed: parseFeed(message.data) }),
  );
  return stream;
}

/** Listens to the workspace's stream until the returned function is called. */
export function subscribeNotifications(workspaceId: string, listener: Listener): () => void {
  const stream = streams.get(workspaceId) ?? open(workspaceId);
  streams.set(workspaceId, stream);
  stream.listeners.add(listener);
  return () => {
    stream.listeners.delete(listener);
    if (stream.listeners.size > 0) return;
    stream.source.close();
    if (streams.get(workspaceId) === stream) streams.delete(workspaceId);
  };
}

/** Calls `onEvent` for each live event of the workspace while the component is shown. */
export function useNotificationEvents(workspaceId: string, onEvent: Listener): void {
  const latest = useRef(onEvent);
  useEffect(() => {
    latest.current = onEvent;
  });
  useEffect(() => subscribeNotifications(workspaceId, (event) => latest.current(event)), [workspaceId]);
}
