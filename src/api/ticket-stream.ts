/**
 * Live ticket changes for the agents' open inboxes, over server-sent events. A trigger on `tickets`
 * NOTIFYs `opsbook_ticket` with `{ workspaceId, id, number }` on every insert and update (migration 0008),
 * whichever process wrote it; each API process LISTENs once — from its first subscriber on, so a process
 * nobody watches holds no listening connection — and pushes `event: ticket` with `{ number, id }` to the
 * pages watching that workspace. The page then reads the ticket through the API, where row-level security
 * decides what it may see.
 */
import type { FastifyReply } from 'fastify';
import type { Database } from '../store/database.js';

export const TICKET_CHANNEL = 'opsbook_ticket';
const KEEPALIVE_MS = 25_000;

interface Subscriber {
  readonly workspaceId: string;
  readonly reply: FastifyReply;
}

export interface TicketStream {
  /** Streams to `reply` until the client goes away. */
  subscribe(workspaceId: string, reply: FastifyReply): Promise<void>;
  readonly size: number;
  close(): Promise<void>;
}

export function createTicketStream(
  database: Database,
  log: { warn(obj: object, msg: string): void },
): TicketStream {
  const subscribers = new Set<Subscriber>();
  let closed = false;
  const push = (payload: string) => {
    let event: { workspaceId?: unknown; id?: unknown; number?: unknown };
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      return;
    }
    if (typeof event.workspaceId !== 'string' || typeof event.number !== 'number') return;
    const data = JSON.stringify({ number: event.number, id: event.id });
    for (const s of subscribers)
      if (s.workspaceId === event.workspaceId) s.reply.raw.write(`event: ticket\ndata: ${data}\n\n`);
  };
  let listening: Promise<(() => Promise<void>) | null> | null = null;
  const listen = () =>
    (listening ??= database.listen(TICKET_CHANNEL, push).catch((err: unknown) => {
      log.warn({ err }, 'cannot LISTEN for ticket changes; inboxes will not update live');
      listening = null; // the next subscriber tries again
      return null;
    }));
  const keepalive = setInterval(() => {
    for (const s of subscribers) s.reply.raw.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();
  return {
    async subscribe(workspaceId, reply) {
      await listen();
      // The client may have gone while its access was checked or the LISTEN started.
      if (closed || reply.raw.destroyed || reply.request.raw.destroyed || reply.raw.socket?.destroyed) {
        reply.raw.end();
        return;
      }
      const subscriber = { workspaceId, reply };
      reply.raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      reply.raw.write('retry: 5000\n\n');
      subscribers.add(subscriber);
      reply.raw.on('close', () => subscribers.delete(subscriber));
    },
    get size() {
      return subscribers.size;
    },
    async close() {
      closed = true;
      clearInterval(keepalive);
      for (const s of subscribers) s.reply.raw.end();
      subscribers.clear();
      const unlisten = await listening;
      await unlisten?.().catch(() => undefined);
    },
  };
}
