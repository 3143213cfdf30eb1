/**
 * Live replies in the chat widget over server-sent events. Every API process LISTENs once on
 * `opsbook_ticket` (a trigger NOTIFYs whenever a ticket row changes, which every new message does through
 * its counters) and, for each open conversation of that ticket, reads the visible messages written since
 * the last one it sent. Each message goes out once, with its id as the event id, so a browser that
 * reconnects (`Last-Event-ID`) resumes where it stopped.
 */
import type { FastifyReply } from 'fastify';
import type { ChatMessage, ChatState } from '../modules/support/chat.js';
import type { Database } from '../store/database.js';

export interface ChatUpdate {
  readonly state: ChatState;
  readonly messages: readonly ChatMessage[];
}

/** Reads what changed since an instant: the ticket's state and visible messages at or after it. */
export type ReadSince = (
  workspaceId: string,
  ticketId: string,
  sinceMs: number,
) => Promise<ChatUpdate | null>;

export interface ChatStream {
  /**
   * Streams the conversation to `reply` until it goes away, from `sinceMs` (when the client's last message
   * was written; `lastId`, not sent again).
   */
  subscribe(
    workspaceId: string,
    ticketId: string,
    from: { readonly sinceMs: number; readonly lastId?: string | undefined },
    reply: FastifyReply,
  ): void;
  readonly size: number;
  close(): Promise<void>;
}

interface Subscriber {
  readonly workspaceId: string;
  readonly ticketId: string;
  readonly reply: FastifyReply;
  /** Messages at or after this instant are read again on each change (see LATE_COMMIT_MS). */
  sinceMs: number;
  readonly sent: Set<string>;
  status: string | null;
  reading: Promise<void> | null;
  again: boolean;
}

const KEEPALIVE_MS = 25_000;
/**
 * A message's time is taken before its transaction commits, so one stamped earlier can become visible
 * after a later one was sent: each read looks back this far and skips what it sent already.
 */
const LATE_COMMIT_MS = 10_000;
/** A visitor may have a few tabs open; more streams of one conversation close the oldest. */
const MAX_PER_CONVERSATION = 5;
/** Ids remembered per stream to skip repeats; far more than arrive within LATE_COMMIT_MS. */
const MAX_SENT_IDS = 500;

/** The headers of an event stream any site may read (the widget runs on the customer's site). */
export const CHAT_STREAM_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-store',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
  'access-control-allow-origin': '*',
} as const;

export async function createChatStream(
  database: Database,
  readSince: ReadSince,
  log: { warn(obj: object, msg: string): void },
): Promise<ChatStream> {
  const subscribers = new Set<Subscriber>();

  const write = (s: Subscriber, text: string) => {
    if (!s.reply.raw.destroyed) s.reply.raw.write(text);
  };

  const readOnce = async (s: Subscriber) => {
    const update = await readSince(s.workspaceId, s.ticketId, s.sinceMs - LATE_COMMIT_MS);
    if (!update) {
      s.reply.raw.end();
      return;
    }
    for (const m of update.messages) {
      if (s.sent.has(m.id)) continue;
      s.sent.add(m.id);
      if (s.sent.size > MAX_SENT_IDS) s.sent.delete(s.sent.values().next().value!);
      s.sinceMs = Math.max(s.sinceMs, Date.parse(m.createdAt));
      write(s, `id: ${m.id}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
    }
    const status = JSON.stringify(update.state);
    if (status !== s.status) {
      s.status = status;
      write(s, `event: status\ndata: ${status}\n\n`);
    }
  };

  /** One read at a time per stream; changes during a read cause one more read after it. */
  const refresh = (s: Subscriber) => {
    if (s.reading) {
      s.again = true;
      return;
    }
    s.reading = readOnce(s)
      .catch((err: unknown) => log.warn({ err }, 'cannot read a chat conversation for its stream'))
      .finally(() => {
        s.reading = null;
        if (s.again && subscribers.has(s)) {
          s.again = false;
          refresh(s);
        }
      });
  };

  const onNotify = (payload: string) => {
    let event: { workspaceId?: unknown; id?: unknown };
    try {
      event = JSON.parse(payload) as typeof event;
    } catch {
      return;
    }
    for (const s of subscribers)
      if (s.workspaceId === event.workspaceId && s.ticketId === event.id) refresh(s);
  };

  let unlisten: (() => Promise<void>) | null = null;
  try {
    unlisten = await database.listen('opsbook_ticket', onNotify);
  } catch (err) {
    log.warn({ err }, 'cannot LISTEN for ticket changes; chat widgets will not update live');
  }
  const keepalive = setInterval(() => {
    for (const s of subscribers) write(s, ': keepalive\n\n');
  }, KEEPALIVE_MS);
  keepalive.unref();

  return {
    subscribe(workspaceId, ticketId, from, reply) {
      if (reply.raw.destroyed || reply.request.raw.destroyed || reply.raw.socket?.destroyed) {
        reply.raw.end();
        return;
      }
      const same = [...subscribers].filter((s) => s.workspaceId === workspaceId && s.ticketId === ticketId);
      for (const old of same.slice(0, Math.max(0, same.length - MAX_PER_CONVERSATION + 1))) {
        subscribers.delete(old);
        old.reply.raw.end();
      }
      const subscriber: Subscriber = {
        workspaceId,
        ticketId,
        reply,
        sinceMs: from.sinceMs,
        sent: new Set(from.lastId ? [from.lastId] : []),
        status: null,
        reading: null,
        again: false,
      };
      reply.raw.writeHead(200, CHAT_STREAM_HEADERS);
      reply.raw.write('retry: 5000\n\n');
      subscribers.add(subscriber);
      reply.raw.on('close', () => subscribers.delete(subscriber));
      // What was written between the client's last read and now, and the current state.
      refresh(subscriber);
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
