/**
 * Adds an override: a member on call from one local time to another, read in the schedule's zone. The
 * server's refusal (an end before the start, an override over already, an overlap) shows beside the form
 * and its fields.
 */
import { type FormEvent, useState } from 'react';
import type { Member } from '../access-api';
import { fieldError, type Workspace } from '../api';
import { describedBy, Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { oncallApi, type Schedule } from '../oncall-api';
import { useAction, useSession } from '../session';
import { instantOf, localValue } from './zoned';

const HOUR_MS = 3_600_000;

interface Props {
  readonly workspace: Workspace;
  readonly schedule: Schedule;
  /** Whom the form may put on call. */
  readonly members: readonly Member[];
  readonly onAdded: () => void;
}

export function OverrideForm({ workspace, schedule, members, onAdded }: Props) {
  const { me } = useSession();
  const action = useAction();
  const zone = schedule.timeZone;
  const [userId, setUserId] = useState(members.some((m) => m.userId === me.user.id) ? me.user.id : '');
  const [from, setFrom] = useState(() => localValue(Date.now(), zone));
  const [to, setTo] = useState(() => localValue(Date.now() + 24 * HOUR_MS, zone));
  const [done, setDone] = useState('');
  const id = `override-${schedule.id}`;
  const errors = {
    userId: fieldError(action.error, 'userId'),
    from: fieldError(action.error, 'startsAt'),
    to: fieldError(action.error, 'endsAt'),
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone('');
    void action.run(async () => {
      const body = { userId, startsAt: instantOf(from, zone) ?? from, endsAt: instantOf(to, zone) ?? to };
      await oncallApi.addOverride(workspace.id, schedule.id, body, me.csrfToken);
      setDone(`Override added: ${members.find((m) => m.userId === userId)?.name ?? userId}.`);
      onAdded();
    });
  };

  return (
    <section className="oncall-override-form" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Add an override</h3>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={submit} aria-busy={action.busy}>
        <Field id={`${id}-user`} label="Who covers" error={errors.userId}>
          <select
            id={`${id}-user`}
            value={userId}
            aria-invalid={errors.userId ? true : undefined}
            aria-describedby={describedBy(`${id}-user`, false, errors.userId)}
            onChange={(e) => setUserId(e.target.value)}
          >
            <option value="">Choose a member</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-from`} label={`From (${zone})`} error={errors.from}>
          <input
            id={`${id}-from`}
            type="datetime-local"
            value={from}
            aria-invalid={errors.from ? true : undefined}
            aria-describedby={describedBy(`${id}-from`, false, errors.from)}
            onChange={(e) => setFrom(e.target.value)}
          />
        </Field>
        <Field id={`${id}-to`} label={`To (${zone})`} error={errors.to}>
          <input
            id={`${id}-to`}
            type="datetime-local"
            value={to}
            aria-invalid={errors.to ? true : undefined}
            aria-describedby={describedBy(`${id}-to`, false, errors.to)}
            onChange={(e) => setTo(e.target.value)}
          />
        </Field>
        <button type="submit" className="button primary" disabled={action.busy || !userId}>
          Add override
        </button>
      </form>
      <p role="status" className="muted">
        {done}
      </p>
    </section>
  );
}
