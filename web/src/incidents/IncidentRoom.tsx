/**
 * One incident's room (`/incidents/12`): the header with severity, status and the command buttons; the
 * stage deadlines counting down; the update composer beside the pack's communication rules; the
 * automatic timeline; the review and its action items. Beside them: roles, regulatory clocks, severity
 * targets, alerts, linked tickets and follow-ups. It reads the room again after each action and every
 * 10 s (no stream: a room changes by people acting in it, and ten seconds is soon enough to see another's
 * action; the countdowns tick every second on their own).
 */
import type { Workspace } from '../api';
import { AppLink, ErrorNotice } from '../controls';
import { incidentsApi } from '../incidents-api';
import type { ReadyAccess } from '../permissions';
import { usePageHeading } from '../support/page-heading';
import { ActionItems } from './ActionItems';
import { IncidentsNav } from './IncidentsNav';
import { AlertsCard, FollowUps, TicketsCard } from './LinkedCard';
import { ReviewCard } from './ReviewEditor';
import { RegulatoryClocks } from './RegulatoryClocks';
import { SeverityClocks } from './RoomClocks';
import { useLive, usePolling } from './live';
import { type RoomProps, useMembers } from './room-data';
import { RoomHeader } from './RoomHeader';
import { RolesCard } from './RolesCard';
import { StageDeadlines } from './StageDeadlines';
import { Timeline } from './Timeline';
import { UpdateComposer } from './UpdateComposer';
import { INCIDENTS_PATH, incidentPath } from './words';

const POLL_MS = 10_000;

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
  readonly number: number;
}

export function IncidentRoom({ workspace, access, number }: Props) {
  const room = useLive(`${workspace.id}/incident/${number}`, () => incidentsApi.get(workspace.id, number));
  const members = useMembers(workspace.id);
  const { reload } = room;
  usePolling(reload, POLL_MS);
  const detail = room.data;
  const heading = usePageHeading(
    incidentPath(number),
    detail ? `INC-${number} ${detail.incident.title}` : `INC-${number}`,
  );

  if (!detail)
    return (
      <>
        <IncidentsNav current={INCIDENTS_PATH} />
        <header className="page-header">
          <h1 ref={heading} tabIndex={-1}>
            INC-{number}
          </h1>
        </header>
        <ErrorNotice error={room.error} />
        {!room.error && <p className="muted">Loading the incident…</p>}
      </>
    );

  const props: RoomProps = {
    workspace,
    detail,
    members: members.data ?? [],
    canWrite: access.permissions.has('incidents.write'),
    onChanged: reload,
  };
  return (
    <>
      <IncidentsNav current={INCIDENTS_PATH} />
      <p className="back-link">
        <AppLink to={INCIDENTS_PATH}>← Incidents</AppLink>
      </p>
      <RoomHeader {...props} heading={heading} />
      <ErrorNotice error={room.error} />
      <div className="ticket-layout room-layout">
        <div className="ticket-main">
          <StageDeadlines {...props} />
          <UpdateComposer {...props} />
          <Timeline {...props} />
          <ReviewCard {...props} />
          <ActionItems {...props} />
        </div>
        <aside className="ticket-side" aria-label="Incident details">
          <RolesCard {...props} />
          <RegulatoryClocks {...props} />
          <SeverityClocks detail={detail} />
          <AlertsCard {...props} />
          <TicketsCard {...props} />
          <FollowUps {...props} />
        </aside>
      </div>
    </>
  );
}
