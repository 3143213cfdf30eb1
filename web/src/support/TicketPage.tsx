/**
 * One ticket (`/inbox/1042`): its header, the conversation and the reply composer, and beside them its
 * properties (priority with the triage rule that set it, assignee, tags…), the SLA clocks with their
 * live countdowns and derivations, the knowledge checklist, and the actions. It refreshes itself when
 * the ticket stream says it changed.
 */
import type { Workspace } from '../api';
import { AppLink, ErrorNotice, when } from '../controls';
import { usePageHeading } from './page-heading';
import type { ReadyAccess } from '../permissions';
import { useLoad } from '../session';
import { supportApi, type TicketDetail } from '../support-api';
import { PriorityBadge, requesterOf, StatusBadge } from './badges';
import { Composer } from './Composer';
import { Conversation } from './Conversation';
import { lastInboxHref } from './InboxPage';
import { SupportNav } from './SupportNav';
import { TicketActions } from './TicketActions';
import { TicketClocks } from './TicketClocks';
import { KnowledgeChecklist, TicketProperties } from './TicketProperties';
import { useTicketChanges } from './ticket-live';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
  readonly number: number;
}

export function TicketPage({ workspace, access, number }: Props) {
  const detail = useLoad(`${workspace.id}/${number}`, () => supportApi.ticket(workspace.id, number));
  const agents = useLoad(workspace.id, () => supportApi.agents(workspace.id));
  const queues = useLoad(workspace.id, () => supportApi.queues(workspace.id));
  const t = detail.data;
  const heading = usePageHeading(`/inbox/${number}`, t ? `#${number} ${t.title}` : `#${number}`);
  const canWrite = access.permissions.has('tickets.write');
  const { reload } = detail;
  useTicketChanges(workspace.id, (numbers, all) => {
    if (all || numbers.has(number)) reload();
  });

  return (
    <>
      <SupportNav access={access} current="/inbox" />
      <p className="back-link">
        <AppLink to={lastInboxHref()}>← Inbox</AppLink>
      </p>
      <header className="page-header ticket-header">
        <h1 ref={heading} tabIndex={-1}>
          <span className="ticket-number">#{number}</span> {t?.title ?? ''}
        </h1>
        {t && <TicketSummary ticket={t} />}
      </header>
      <ErrorNotice error={detail.error} />
      {!t && !detail.error && <p className="muted">Loading the ticket…</p>}
      {t && (
        <div className="ticket-layout">
          <div className="ticket-main">
            <Conversation workspace={workspace} ticket={t} agents={agents.data ?? []} />
            {canWrite && !t.mergedInto && (
              <Composer
                key={t.number}
                workspace={workspace}
                ticket={t}
                agents={agents.data ?? []}
                onSent={reload}
              />
            )}
          </div>
          <aside className="ticket-side" aria-label="Ticket details">
            <TicketProperties
              workspace={workspace}
              ticket={t}
              agents={agents.data ?? []}
              queues={queues.data ?? []}
              canWrite={canWrite}
              onChanged={reload}
            />
            <TicketClocks ticket={t} />
            {canWrite && !t.mergedInto && (
              <TicketActions workspace={workspace} ticket={t} onChanged={reload} />
            )}
            <KnowledgeChecklist key={t.number} ticket={t} />
          </aside>
        </div>
      )}
    </>
  );
}

function TicketSummary({ ticket: t }: { readonly ticket: TicketDetail }) {
  const contact = [t.requester.email, t.requester.phone].filter(Boolean).join(' · ');
  return (
    <div className="ticket-summary">
      <StatusBadge status={t.status} />
      <PriorityBadge priority={t.priority} />
      {t.breached && <span className="badge breached-badge">SLA breached</span>}
      {t.csat && (
        <span className="badge csat-badge" title={t.csat.comment ?? undefined}>
          CSAT {t.csat.score}/5
        </span>
      )}
      <span className="muted">
        {requesterOf(t)}
        {contact && requesterOf(t) !== contact ? ` (${contact})` : ''} via {t.channel}
        {t.account ? ` · account ${t.account}` : ''}
        {t.plan ? ` · ${t.plan}` : ''} · opened {when(t.createdAt)}
      </span>
      {t.mergedInto && <span className="badge">merged into {String(t.mergedInto)}</span>}
      {t.csat?.comment && <q className="csat-comment">{t.csat.comment}</q>}
    </div>
  );
}
