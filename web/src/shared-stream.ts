/**
 * One EventSource per workspace for a server-sent event stream, shared by everything on the page that
 * listens to it: opened by the first listener, closed when the last one goes (a workspace switch, signing
 * out). A second `open` is the browser reconnecting, so listeners hear `reconnected`: anything may have
 * been missed. Events carry ids only; listeners fetch through the API.
 */
export type StreamEvent<E> = E | { readonly kind: 'reconnected' };

type Listener<E> = (event: StreamEvent<E>) => void;

interface Stream<E> {
  readonly source: EventSource;
  readonly listeners: Set<Listener<E>>;
}

/** `parse` turns one event's data into what listeners get, or null to drop it. */
export function sharedStream<E>(
  urlOf: (workspaceId: string) => string,
  eventName: string,
  parse: (data: unknown) => E | null,
): (workspaceId: string, listener: Listener<E>) => () => void {
  const streams = new Map<string, Stream<E>>();
  const open = (workspaceId: string): Stream<E> => {
    const source = new EventSource(urlOf(workspaceId));
    const stream: Stream<E> = { source, listeners: new Set() };
    const emit = (event: StreamEvent<E>) => {
      for (const listener of stream.listeners) listener(event);
    };
    let opened = 0;
    source.addEventListener('open', () => {
      // The first open follows the page's own first load; a later one is the browser reconnecting.
      opened += 1;
      if (opened > 1) emit({ kind: 'reconnected' });
    });
    source.addEventListener(eventName, (message) => {
      const event = parse(message.data);
      if (event !== null) emit(event);
    });
    return stream;
  };
  return (workspaceId, listener) => {
    const stream = streams.get(workspaceId) ?? open(workspaceId);
    streams.set(workspaceId, stream);
    stream.listeners.add(listener);
    return () => {
      stream.listeners.delete(listener);
      if (stream.listeners.size > 0) return;
      stream.source.close();
      if (streams.get(workspaceId) === stream) streams.delete(workspaceId);
    };
  };
}

/** An event's JSON data, or null when it is not JSON. */
export function jsonOf(data: unknown): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(String(data));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
