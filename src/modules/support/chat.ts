/**
 * The chat widget's conversations (issue 7). A visitor on the customer's own site starts one: a ticket on
 * the pack's in-app chat channel, with a token that only the visitor's browser keeps. They write more, read
 * the replies and rate the help once it is resolved. The pack's bot (`desk.bot`) answers the first message
 * at once with help-centre articles. That answer is not the team's first response: ShopSmart's chat promises
 * "< 15 min (bot), < 1 hr (human)" (FACTS 000#46), so the human clock keeps running.
 */
import { and, desc, eq, gte, inArray } from 'drizzle-orm';
import type { EnginePolicy } from '../../core/decide/prepare.js';
import { NoActivePackError } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import type { Database, Tx } from '../../store/database.js';
import { ticketMessages, tickets, workspaces } from '../../store/schema.js';
import { suggestArticles, type SuggestedArticle } from './knowledge.js';
import { ticketSubject } from './mirror.js';
import { renderForCustomer, type TicketRow } from './outbound.js';
import { addMessage, answerSurvey, ticketForCustomer } from './tickets.js';
import { inTicketTx, insertMessage, type MessageRow, type SupportContext } from './ticket-store.js';
import { createTicket } from './ticket-create.js';

/** What the visitor sees of a message: never notes, calls or internal events. */
export interface ChatMessage {
  readonly id: string;
  readonly from: 'customer' | 'agent' | 'bot' | 'system';
  readonly name: string | null;
  readonly text: string;
  readonly createdAt: string;
  /** The bot's suggested help-centre articles. */
  readonly articles?: { readonly title: string; readonly url: string }[];
}

export interface ChatState {
  readonly number: number;
  readonly status: string;
  readonly resolved: boolean;
  readonly csat: { readonly score: number } | null;
}

export interface Conversation extends ChatState {
  readonly messages: ChatMessage[];
}

/** The kinds a visitor reads: replies both ways, the bot's answer and automatic replies. */
const VISIBLE_KINDS = ['reply', 'bot', 'auto'];
/** A conversation read in the widget shows its latest messages only. */
const MAX_MESSAGES = 200;
/**
 * A subject key no ticket has (numbers start at 1): `policyFor` then answers with the workspace's active
 * pack, which is what governs a conversation not started yet.
 */
const NO_SUBJECT = ticketSubject(0);

const notFound = () =>
  new OpsError(
    'OPS_NOT_FOUND',
    'This conversation does not exist or its token is not valid: start a new one.',
  );

/** The active pack of the workspace, or null when there is none (or no such workspace). */
export async function activePolicy(
  ctx: SupportContext,
  tx: Tx,
  workspaceId: string,
): Promise<EnginePolicy | null> {
  try {
    return (await ctx.engine.policyFor(tx, workspaceId, NO_SUBJECT)).ep;
  } catch (err) {
    if (err instanceof NoActivePackError) return null;
    throw err;
  }
}

/** The pack channel of a kind (`in-app-chat`, `whatsapp`, `sms`), or null when the pack has none. */
export function packChannelOf(ep: EnginePolicy, kind: string): string | null {
  return ep.policy.pack.channels?.find((c) => c.kind === kind)?.id ?? null;
}

interface ChatSetup {
  /** The pack channel chats are tickets of. */
  readonly channel: string;
}

/** A workspace offers chat when its active pack has an in-app chat channel. */
async function chatSetup(ctx: SupportContext, tx: Tx, workspaceId: string): Promise<ChatSetup | null> {
  const [workspace] = await tx
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId))
    .limit(1);
  if (!workspace) return null;
  const ep = await activePolicy(ctx, tx, workspaceId);
  const channel = ep ? packChannelOf(ep, 'in-app-chat') : null;
  return channel ? { channel } : null;
}

/** The ticket's title: the first line of what the visitor wrote, cut short. */
export function titleOf(text: string, fallback: string): string {
  const line =
    text
      .split('\n')
      .find((l) => l.trim())
      ?.trim() ?? '';
  if (!line) return fallback;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

export interface StartConversationInput {
  readonly text: string;
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  readonly locale?: string | undefined;
}

export interface StartedConversation {
  readonly number: number;
  /** Shown once: the widget keeps it; only its hash is stored. */
  readonly token: string;
  /** Whether the bot answered. */
  readonly botAnswered: boolean;
  /** What went wrong with the bot, for the log: the conversation stands, with or without its answer. */
  readonly botError?: unknown;
}

/**
 * Starts a conversation: the ticket with the visitor's first message, then the bot's answer when the pack
 * has a bot for this channel.
 */
export async function startConversation(
  ctx: SupportContext,
  workspaceId: string,
  input: StartConversationInput,
): Promise<StartedConversation> {
  const setup = await ctx.database.inWorkspace(workspaceId, (tx) => chatSetup(ctx, tx, workspaceId));
  if (!setup) throw new OpsError('OPS_NOT_FOUND', `Workspace "${workspaceId}" offers no in-app chat.`);
  const created = await createTicket(ctx, workspaceId, {
    title: titleOf(input.text, 'Chat'),
    text: input.text,
    channel: setup.channel,
    requester: { name: input.name, email: input.email },
    locale: input.locale,
    actor: 'widget',
    author: { type: 'customer' },
    issueToken: true,
  });
  const { ticket, token } = created;
  if (!token) throw new Error('createTicket issued no token for a chat');
  try {
    const bot = await botFirstReply(ctx, workspaceId, ticket, input.text);
    return {
      number: ticket.number,
      token,
      botAnswered: bot.answered,
      ...('error' in bot ? { botError: bot.error } : {}),
    };
  } catch (botError) {
    // The ticket is committed and the visitor needs its token: the bot's failure is logged, not fatal.
    return { number: ticket.number, token, botAnswered: false, botError };
  }
}

/**
 * The bot's answer, rendered from `desk.bot.template`, when the pack has a bot for the ticket's channel.
 * The articles come from the help centre's search in a transaction of their own, so the bot still greets
 * the visitor when the search fails (its error is handed back to be logged).
 */
async function botFirstReply(
  ctx: SupportContext,
  workspaceId: string,
  ticket: TicketRow,
  text: string,
): Promise<{ answered: boolean; error?: unknown }> {
  const subject = ticketSubject(ticket.number);
  const bot = await ctx.database.inWorkspace(
    workspaceId,
    async (tx) => (await ctx.engine.policyFor(tx, workspaceId, subject)).ep.policy.pack.desk?.bot,
  );
  if (!bot || bot.channel !== ticket.channel) return { answered: false };
  let found: SuggestedArticle[] = [];
  let error: unknown;
  if (bot.suggestArticles > 0)
    try {
      found = await suggestArticles(ctx.database, workspaceId, text, bot.suggestArticles);
    } catch (err) {
      error = err;
    }
  const base = ctx.publicUrl.replace(/\/+$/, '');
  const articles = found
    .slice(0, bot.suggestArticles)
    .map((a) => ({ slug: a.slug, title: a.title, url: `${base}${a.path}` }));
  const message = await inTicketTx(ctx, workspaceId, async (tx) => {
    const { ep } = await ctx.engine.policyFor(tx, workspaceId, subject);
    const rendered = renderForCustomer(ep, bot.template, ticket, {
      articles: articles.map((a) => `- ${a.title}: ${a.url}`).join('\n'),
    });
    if (!rendered) return null;
    if ('error' in rendered) throw new Error(`the bot's template cannot be rendered: ${rendered.error}`);
    // No `ticket.replied`: the bot's answer leaves the team's first-response clock running.
    return insertMessage(tx, ticket, ctx.now().getTime(), {
      kind: 'bot',
      direction: 'out',
      authorType: 'bot',
      channel: ticket.channel,
      text: rendered.text,
      data: { template: bot.template, articles },
    });
  });
  return { answered: message !== null, ...(error !== undefined ? { error } : {}) };
}

/** The visitor's conversation, when the token is its own; a chat ticket only (not a survey link's). */
export async function openConversation(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  token: string,
): Promise<TicketRow> {
  if (!token) throw notFound();
  const ticket = await ticketForCustomer(ctx.database, workspaceId, number, token);
  if (!ticket) throw notFound();
  const setup = await ctx.database.inWorkspace(workspaceId, (tx) => chatSetup(ctx, tx, workspaceId));
  if (!setup || ticket.channel !== setup.channel) throw notFound();
  return ticket;
}

/**
 * The visitor writes again. A resolved conversation reopens; one resolved longer ago than the pack's
 * reopen window continues as a follow-up ticket, which the same token opens (its number is returned).
 */
export async function customerMessage(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  token: string,
  text: string,
): Promise<{ number: number; message: ChatMessage | null }> {
  const ticket = await openConversation(ctx, workspaceId, number, token);
  if (ticket.mergedInto)
    throw new OpsError(
      'OPS_CONFLICT',
      'This conversation was merged into another one by the support team: start a new conversation.',
    );
  const added = await addMessage(ctx, workspaceId, number, {
    kind: 'reply',
    author: { type: 'customer', ...(ticket.requesterName ? { name: ticket.requesterName } : {}) },
    text,
    actor: 'widget',
  });
  if (added.followUp) {
    const followUp = added.followUp.ticket;
    await ctx.database.inWorkspace(workspaceId, (tx) =>
      tx
        .update(tickets)
        .set({ requesterTokenHash: ticket.requesterTokenHash })
        .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, followUp.id))),
    );
    return { number: followUp.number, message: chatMessage(added.followUp.message) };
  }
  return { number, message: added.message ? chatMessage(added.message) : null };
}

export function chatMessage(m: MessageRow): ChatMessage {
  const data = m.data as { articles?: { title?: unknown; url?: unknown }[] };
  const articles = Array.isArray(data.articles)
    ? data.articles.flatMap((a) =>
        typeof a.title === 'string' && typeof a.url === 'string' ? [{ title: a.title, url: a.url }] : [],
      )
    : [];
  const from = m.authorType as ChatMessage['from'];
  return {
    id: m.id,
    from,
    name: from === 'customer' ? null : m.authorName,
    text: m.bodyText,
    createdAt: m.createdAt.toISOString(),
    ...(articles.length ? { articles } : {}),
  };
}

export function chatState(t: TicketRow): ChatState {
  const resolved = t.resolvedAt !== null || t.status === 'resolved' || t.status === 'closed';
  return {
    number: t.number,
    status: t.status,
    resolved,
    csat: t.csatScore === null ? null : { score: t.csatScore },
  };
}

const visible = (workspaceId: string, ticketId: string) =>
  and(
    eq(ticketMessages.workspaceId, workspaceId),
    eq(ticketMessages.ticketId, ticketId),
    inArray(ticketMessages.kind, VISIBLE_KINDS),
    inArray(ticketMessages.direction, ['in', 'out']),
  );

/** The conversation as the widget shows it: its state and its latest messages, oldest first. */
export async function readConversation(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  token: string,
): Promise<Conversation> {
  const ticket = await openConversation(ctx, workspaceId, number, token);
  const rows = await ctx.database.inWorkspace(workspaceId, (tx) =>
    tx
      .select()
      .from(ticketMessages)
      .where(visible(workspaceId, ticket.id))
      .orderBy(desc(ticketMessages.createdAt), desc(ticketMessages.id))
      .limit(MAX_MESSAGES),
  );
  return { ...chatState(ticket), messages: rows.reverse().map(chatMessage) };
}

/**
 * What changed in a conversation since `sinceMs`: its state and the visible messages written at or after
 * that instant (the stream drops those it has sent). Null when the ticket is gone.
 */
export async function conversationSince(
  database: Database,
  workspaceId: string,
  ticketId: string,
  sinceMs: number,
): Promise<{ state: ChatState; messages: ChatMessage[] } | null> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const [ticket] = await tx
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, ticketId)))
      .limit(1);
    if (!ticket) return null;
    const rows = await tx
      .select()
      .from(ticketMessages)
      .where(and(visible(workspaceId, ticketId), gte(ticketMessages.createdAt, new Date(sinceMs))))
      .orderBy(ticketMessages.createdAt, ticketMessages.id)
      .limit(MAX_MESSAGES);
    return { state: chatState(ticket), messages: rows.map(chatMessage) };
  });
}

/** When a message of the ticket was written (the stream resumes after the client's last one). */
export async function messageTimeMs(
  database: Database,
  workspaceId: string,
  ticketId: string,
  messageId: string,
): Promise<number | null> {
  const [row] = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .select({ at: ticketMessages.createdAt })
      .from(ticketMessages)
      .where(
        and(
          eq(ticketMessages.workspaceId, workspaceId),
          eq(ticketMessages.ticketId, ticketId),
          eq(ticketMessages.id, messageId),
        ),
      )
      .limit(1),
  );
  return row ? row.at.getTime() : null;
}

/** The visitor rates the help (1-5) in the widget, once the conversation is resolved. */
export async function rateConversation(
  ctx: SupportContext,
  workspaceId: string,
  number: number,
  token: string,
  input: { readonly score: number; readonly comment?: string | undefined },
): Promise<ChatState> {
  const ticket = await openConversation(ctx, workspaceId, number, token);
  if (!chatState(ticket).resolved)
    throw new OpsError(
      'OPS_CONFLICT',
      'The conversation can be rated once the support team has resolved it.',
    );
  const rated = await answerSurvey(ctx, workspaceId, number, { token, ...input });
  return chatState(rated);
}
