/**
 * Creating a heartbeat: a ping expected a period after the last one, or at each tick of a cron schedule
 * (in the workspace's time zone), plus a grace before it counts as down.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field, TextField } from '../AuthCard';
import { FormCard } from '../controls';
import { useAction, useSession } from '../session';
import { monitorApi, type WithPingUrl } from '../status-api';
import { numberOf } from './words';

const MINUTE_MS = 60_000;

interface Props {
  readonly workspace: Workspace;
  readonly onCreated: (created: WithPingUrl) => void;
}

export function HeartbeatForm({ workspace, onCreated }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [name, setName] = useState('');
  const [by, setBy] = useState<'period' | 'schedule'>('period');
  const [period, setPeriod] = useState('1440');
  const [schedule, setSchedule] = useState('');
  const [grace, setGrace] = useState('60');
  const minutes = (text: string) => {
    const n = numberOf(text);
    return n === undefined ? undefined : Math.round(n * MINUTE_MS);
  };
  const periodMs = minutes(period);
  const graceMs = minutes(grace);
  return (
    <FormCard
      titleId="heartbeat-add-title"
      title="Create a heartbeat"
      action={action}
      submitLabel="Create heartbeat"
      disabled={!name.trim() || (by === 'schedule' && !schedule.trim())}
      onSubmit={async () => {
        const made = await monitorApi.addHeartbeat(
          workspace.id,
          {
            name: name.trim(),
            ...(by === 'schedule'
              ? { schedule: schedule.trim() }
              : periodMs !== undefined
                ? { periodMs }
                : {}),
            ...(graceMs !== undefined ? { graceMs } : {}),
          },
          me.csrfToken,
        );
        setName('');
        setSchedule('');
        onCreated(made);
      }}
    >
      <p className="form-lead muted">
        A ping that does not come in time opens an alert. A new heartbeat waits for its first ping.
      </p>
      <TextField id="heartbeat-name" label="Name" value={name} onValue={setName} maxLength={200} />
      <Field id="heartbeat-by" label="Expect a ping">
        <select id="heartbeat-by" value={by} onChange={(e) => setBy(e.target.value as 'period' | 'schedule')}>
          <option value="period">A period after the last</option>
          <option value="schedule">On a cron schedule</option>
        </select>
      </Field>
      {by === 'period' ? (
        <TextField
          id="heartbeat-period"
          label="Period (minutes)"
          type="number"
          min={1}
          value={period}
          onValue={setPeriod}
        />
      ) : (
        <TextField
          id="heartbeat-schedule"
          label="Cron schedule"
          hint={`In ${workspace.timeZone}, e.g. 0 2 * * *`}
          value={schedule}
          onValue={setSchedule}
          maxLength={120}
        />
      )}
      <TextField
        id="heartbeat-grace"
        label="Grace (minutes)"
        type="number"
        min={1}
        value={grace}
        onValue={setGrace}
      />
    </FormCard>
  );
}
