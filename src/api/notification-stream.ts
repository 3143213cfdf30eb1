/**
 * Live in-app notifications over server-sent events. Every API process LISTENs once on
 * `opsbook_notification` (a trigger on the notifications table NOTIFYs on insert, whichever process wrote
 * it) and pushes each one to the open pages of the person it is for (or, for the dashboard feed, of every
 * member watching that workspace). The event carries ids only; the page fetches the notification through
 * the API, so row-level security decides what it may read.
 */
import type { FastifyReply } from 'fastify';
import type { Database } from '../store/database.js';

interface Subscriber {
  readonly workspaceId: string;
  readonly userId: string;
  readonly reply: FastifyReply;
}

export interface NotificationStream {
  /** Streams to `reply` until the client goes away. */
  subscribe(workspaceId: string, userId: string, reply: FastifyReply): void;
  readonly size: number;
  close(): Promise<void>;
}

const KEEPALIVE_MS = 25_000;

export async function createNotificationStream(
  database: Database,
  log: { warn(obj: object, msg: string): void },
): Promise<NotificationStream> {
  const subscribers = new Set<Subscriber>();
  const push = (payload: string) => {
    let event: { workspaceId?: string; userId?: string | null; id?: string };
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      return;
    }
    for (const s of subscribers) {
      if (s.workspaceId !== event.workspaceId) continue;
      if (event.userId !== null && event.userId !== s.userId) continue;
      const data = JSON.stringify({ id: event.id, feed: event.userId === null });
      s.reply.raw.write(`event: notification\ndata: ${data}\n\n`);
    }
  };
  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await database.listen('opsbook_notification', push);
  } catch (err) {
    log.warn({ err }, 'cannot LISTEN for notifications; pages will not update live');
  }
  const keepalive = setInterval(() => {
    for (const s of subscribers) s.reply.raw.write(': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();
  return {
    subscribe(workspaceId, userId, reply) {
      // The client may have gone while its access was checked: its 'close' has fired already.
      if (reply.raw.destroyed || reply.request.raw.destroyed || reply.raw.socket?.destroyed) {
        reply.raw.end();
        return;
      }
      const subscriber = { workspaceId, userId, reply };
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
      clearInterval(keepalive);
      for (const s of subscribers) s.reply.raw.end();
      subscribers.clear();
      await unlisten?.().catch(() => undefined);
    },
  };
}
