/**
 * The ticket's conversation, oldest first: the customer's messages, agents' replies, internal notes
 * (marked and coloured apart: the customer never sees them), logged calls, the bot, automatic replies
 * and system events, each with its attachments as download links. The engine's own timeline (clocks,
 * escalations, assignment) can be shown between them.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { when } from '../controls';
import { type Agent, attachmentUrl, type TicketDetail, type TicketMessage } from '../support-api';
import { actorName } from './TicketProperties';

type Entry =
  | { readonly at: string; readonly kind: 'message'; readonly message: TicketMessage }
  | {
      readonly at: string;
      readonly kind: 'timeline';
      readonly item: TicketDetail['timeline'][number];
      readonly key: string;
    };

const KIND_LABELS: Record<TicketMessage['kind'], string> = {
  reply: 'Reply',
  note: 'Internal note',
  call: 'Phone call',
  bot: 'Bot',
  auto: 'Automatic reply',
  event: 'Event',
};

export function sizeWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function label(m: TicketMessage): string {
  if (m.kind === 'reply') return m.direction === 'in' ? 'Customer' : 'Reply';
  // A kind this page does not know yet (the server may add some) shows as itself.
  return (KIND_LABELS as Partial<Record<string, string>>)[m.kind] ?? m.kind;
}

export function Conversation({
  workspace,
  ticket,
  agents,
}: {
  readonly workspace: Workspace;
  readonly ticket: TicketDetail;
  readonly agents: readonly Agent[];
}) {
  const [engine, setEngine] = useState(false);
  const entries: Entry[] = ticket.messages.map((message) => ({
    at: message.createdAt,
    kind: 'message',
    message,
  }));
  if (engine)
    entries.push(
      ...ticket.timeline.map((item, i) => ({
        at: item.at,
        kind: 'timeline' as const,
        item,
        key: `${item.at}-${i}`,
      })),
    );
  entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return (
    <section className="card conversation" aria-labelledby="conversation-title">
      <div className="card-head">
        <h2 id="conversation-title">Conversation</h2>
        {ticket.timeline.length > 0 && (
          <label className="check small-check">
            <input type="checkbox" checked={engine} onChange={(e) => setEngine(e.target.checked)} />
            Show SLA and routing events ({ticket.timeline.length})
          </label>
        )}
      </div>
      <ol className="messages">
        {entries.map((entry) =>
          entry.kind === 'message' ? (
            <Message
              key={entry.message.id}
              message={entry.message}
              workspaceId={workspace.id}
              number={ticket.number}
            />
          ) : (
            <li key={entry.key} className="message message-timeline">
              <span className="timeline-type">{entry.item.type}</span>{' '}
              <span className="muted">
                {actorName(entry.item.actor, agents)} · <time dateTime={entry.at}>{when(entry.at)}</time>
              </span>
              {describeData(entry.item.data)}
            </li>
          ),
        )}
      </ol>
    </section>
  );
}

function describeData(data: unknown) {
  if (typeof data !== 'object' || data === null) return null;
  const parts = Object.entries(data)
    .filter(
      ([k, v]) =>
        k !== 'explain' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'),
    )
    .map(([k, v]) => `${k}: ${String(v)}`);
  return parts.length > 0 ? <div className="timeline-data muted">{parts.join(' · ')}</div> : null;
}

function Message({
  message: m,
  workspaceId,
  number,
}: {
  readonly message: TicketMessage;
  readonly workspaceId: string;
  readonly number: number;
}) {
  const side = m.direction === 'in' ? 'in' : m.direction === 'internal' ? 'internal' : 'out';
  const call = m.kind === 'call' ? callFacts(m.data) : null;
  return (
    <li
      className={`message message-${m.kind} message-${side}`}
      aria-label={`${label(m)} ${m.author.name ?? ''}`.trim()}
    >
      <div className="message-head">
        <span className="message-kind">{label(m)}</span>
        <span className="message-author">{m.author.name ?? m.author.type}</span>
        <span className="muted">
          {m.channel} · <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
        </span>
      </div>
      {call && <p className="call-facts">{call}</p>}
      {m.text && <div className="message-body">{m.text}</div>}
      {m.attachments.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {m.attachments.map((a) => (
            <li key={a.id}>
              <a href={attachmentUrl(workspaceId, number, a.id)} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span className="muted">
                ({a.contentType}, {sizeWords(a.sizeBytes)})
              </span>
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function callFacts(data: Readonly<Record<string, unknown>>): string | null {
  const call = (data.call ?? data) as { durationSeconds?: unknown; outcome?: unknown };
  const parts: string[] = [];
  if (typeof call.durationSeconds === 'number') {
    const minutes = Math.floor(call.durationSeconds / 60);
    const seconds = call.durationSeconds % 60;
    parts.push(minutes > 0 ? `${minutes} min ${seconds} s` : `${seconds} s`);
  }
  if (typeof call.outcome === 'string') parts.push(`outcome: ${call.outcome}`);
  return parts.length > 0 ? parts.join(' · ') : null;
}
