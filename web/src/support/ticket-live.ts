/**
 * Live ticket changes: one EventSource per workspace on GET /tickets/stream, shared by the inbox and the
 * open ticket, opened by the first listener and closed when the last one goes. Events carry the ticket's
 * number only; listeners fetch what they show, after a short pause so a burst of changes (a bulk action,
 * a reply that also moves clocks) becomes one fetch.
 */
import { useEffect, useRef } from 'react';
import { ticketStreamUrl } from '../support-api';

/** `ticket`: that ticket changed. `reconnected`: the stream was down, so anything may have changed. */
export type TicketEvent =
  { readonly kind: 'ticket'; readonly number: number } | { readonly kind: 'reconnected' };

type Listener = (event: TicketEvent) => void;

interface Stream {
  readonly source: EventSource;
  readonly listeners: Set<Listener>;
}

const streams = new Map<string, Stream>();

function numberOf(data: unknown): number | null {
  try {
    const number = (JSON.parse(String(data)) as { number?: unknown }).number;
    return typeof number === 'number' && Number.isInteger(number) ? number : null;
  } catch {
    return null;
  }
}

function open(workspaceId: string): Stream {
  const source = new EventSource(ticketStreamUrl(workspaceId));
  const stream: Stream = { source, listeners: new Set() };
  const emit = (event: TicketEvent) => {
    for (const listener of stream.listeners) listener(event);
  };
  let opened = 0;
  source.addEventListener('open', () => {
    // The first open follows the page's own first load; a later one is the browser reconnecting.
    opened += 1;
    if (opened > 1) emit({ kind: 'reconnected' });
  });
  source.addEventListener('ticket', (message) => {
    const number = numberOf(message.data);
    if (number !== null) emit({ kind: 'ticket', number });
  });
  return stream;
}

export function subscribeTickets(workspaceId: string, listener: Listener): () => void {
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

/** The pause that gathers a burst of events into one fetch. */
export const DEBOUNCE_MS = 300;

/**
 * Calls `onChanges` with the numbers of the tickets that changed (and `all` after a reconnect), at most
 * once per DEBOUNCE_MS, while the component is shown.
 */
export function useTicketChanges(
  workspaceId: string,
  onChanges: (numbers: ReadonlySet<number>, all: boolean) => void,
): void {
  const latest = useRef(onChanges);
  useEffect(() => {
    latest.current = onChanges;
  });
  useEffect(() => {
    let pending = new Set<number>();
    let all = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const numbers = pending;
      const everything = all;
      pending = new Set();
      all = false;
      latest.current(numbers, everything);
    };
    const unsubscribe = subscribeTickets(workspaceId, (event) => {
      if (event.kind === 'ticket') pending.add(event.number);
      else all = true;
      timer ??= setTimeout(flush, DEBOUNCE_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [workspaceId]);
}
