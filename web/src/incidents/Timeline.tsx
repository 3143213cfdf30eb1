/**
 * The automatic timeline: what the engine recorded (declaration, stages, roles, severity, reports,
 * resolution), the updates with their text, the alerts that fired and resolved, and the acknowledgement,
 * merged by time, oldest first, as the review's timeline reads.
 */
import type { Member } from '../access-api';
import type { IncidentDetail, Scale, TimelineEntry } from '../incidents-api';
import { type RoomProps } from './room-data';
import { actorName, authorityOf, idWords, severityLabel, shortTime } from './words';

interface Line {
  readonly key: string;
  readonly at: string;
  readonly kind: 'event' | 'update' | 'internal' | 'alert';
  readonly text: string;
  readonly actor?: string;
  readonly body?: Readonly<Record<string, string>>;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** One engine event in words; null for those shown another way (updates come with their text). */
function eventWords(e: TimelineEntry, detail: IncidentDetail, members: readonly Member[]): string | null {
  const d = e.data;
  const scale: Scale | null = detail.scale;
  switch (e.type) {
    case 'incident.declared':
      return `Declared ${severityLabel(scale, str(d.severity))}: ${str(d.title)}`;
    case 'incident.stage': {
      const stage = detail.stages.find((s) => s.id === d.stage);
      return `Stage done: ${stage?.label ?? idWords(str(d.stage))}`;
    }
    case 'incident.role':
      return `${idWords(str(d.role))}: ${str(d.who) ? actorName(str(d.who), members) : 'nobody (handed off)'}`;
    case 'incident.severity':
      return `Severity changed to ${severityLabel(scale, str(d.severity))}`;
    case 'incident.reported':
      return `Reported to ${authorityOf(detail.regulatory, str(d.clock))}`;
    case 'incident.step_done':
    case 'incident.step_undone': {
      const stage = detail.stages.find((s) => s.id === d.stage);
      const ticked = e.type === 'incident.step_done' ? 'ticked' : 'unticked';
      return `Step ${ticked} (${stage?.label ?? idWords(str(d.stage))}): ${str(d.text)}`;
    }
    case 'incident.resolved':
      return 'Resolved';
    case 'incident.updated':
      return null;
    default: {
      const facts = Object.entries(d)
        .filter(([k, v]) => k !== 'effects' && ['string', 'number', 'boolean'].includes(typeof v))
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ');
      return `${idWords(e.type)}${facts ? ` (${facts})` : ''}`;
    }
  }
}

export function timelineLines(detail: IncidentDetail, members: readonly Member[]): Line[] {
  const i = detail.incident;
  const lines: Line[] = [];
  for (const e of detail.timeline) {
    const text = eventWords(e, detail, members);
    if (text) lines.push({ key: `e${e.id}`, at: e.at, kind: 'event', text, actor: e.actor });
  }
  if (i.acknowledgedAt) {
    // The acknowledgement is recorded as an internal `incident.updated` at (about) the same instant.
    const ackMs = Date.parse(i.acknowledgedAt);
    const by = detail.timeline.find(
      (e) =>
        e.type === 'incident.updated' &&
        e.data.audience === 'internal' &&
        Math.abs(Date.parse(e.at) - ackMs) < 2000,
    );
    lines.push({
      key: 'ack',
      at: i.acknowledgedAt,
      kind: 'event',
      text: 'Acknowledged',
      ...(by ? { actor: by.actor } : {}),
    });
  }
  for (const u of detail.updates) {
    const state =
      u.approval === 'pending' ? ' (waiting for approval)' : u.approval === 'rejected' ? ' (rejected)' : '';
    lines.push({
      key: `u${u.id}`,
      at: u.createdAt,
      kind: u.audience === 'public' ? 'update' : 'internal',
      text: `${u.audience === 'public' ? 'Public' : 'Internal'} update: ${u.status}${state}`,
      actor: u.postedBy,
      body: u.body,
    });
  }
  for (const a of detail.alerts) {
    const what = `${a.summary} (${a.source}${a.count > 1 ? `, ×${a.count}` : ''})`;
    lines.push({ key: `a${a.id}`, at: a.startedAt, kind: 'alert', text: `Alert fired: ${what}` });
    if (a.resolvedAt)
      lines.push({ key: `r${a.id}`, at: a.resolvedAt, kind: 'alert', text: `Alert resolved: ${a.summary}` });
  }
  // Stable by time: the declaration before what the same instant recorded after it.
  return lines.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function Timeline({ detail, members }: RoomProps) {
  const lines = timelineLines(detail, members);
  return (
    <section className="card conversation" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <ol className="messages timeline" aria-labelledby="timeline-title">
        {lines.map((l) => (
          <li key={l.key} className={`message timeline-${l.kind} ${l.body ? '' : 'message-event'}`}>
            <div className="message-head">
              <time dateTime={l.at} title={new Date(l.at).toLocaleString()}>
                {shortTime(l.at)}
              </time>
              <span className="message-author">{l.text}</span>
              {l.actor && <span className="muted">by {actorName(l.actor, members)}</span>}
            </div>
            {l.body &&
              Object.entries(l.body).map(([lang, text]) => (
                <p key={lang} lang={lang} className="message-body">
                  {text}
                </p>
              ))}
          </li>
        ))}
      </ol>
    </section>
  );
}
