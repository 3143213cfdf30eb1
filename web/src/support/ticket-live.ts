/**
 * Live ticket changes: the workspace's GET /tickets/stream (shared-stream.ts), heard by the inbox and the
 * open ticket. Events carry the ticket's
 * number only; listeners fetch what they show, after a short pause so a burst of changes (a bulk action,
 * a reply that also moves clocks) becomes one fetch.
 */
import { useEffect, useRef } from 'react';
import { ticketStreamUrl } from '../support-api';
import { jsonOf, sharedStream } from '../shared-stream';

/** `ticket`: that ticket changed. `reconnected`: the stream was down, so anything may have changed. */
export type TicketEvent =
  { readonly kind: 'ticket'; readonly number: number } | { readonly kind: 'reconnected' };

type Listener = (event: TicketEvent) => void;

export const subscribeTickets: (workspaceId: string, listener: Listener) => () => void = sharedStream(
  ticketStreamUrl,
  'ticket',
  (data) => {
    const number = jsonOf(data)?.number;
    return typeof number === 'number' && Number.isInteger(number)
      ? ({ kind: 'ticket', number } as const)
      : null;
  },
);

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
