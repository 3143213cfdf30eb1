/**
 * One layer of a schedule in the editor: its members in hand-off order (add, move, remove), the hand-off
 * (daily or weekly, the day and the local time), when the first turn starts, and optional hours.
 */
import { useState } from 'react';
import type { Member } from '../access-api';
import { Field } from '../AuthCard';
import type { Handoff } from '../oncall-api';
import { type LayerDraft, moved } from './schedule-draft';
import { memberName } from './words';
import { WEEKDAYS } from './zoned';

interface Props {
  readonly id: string;
  readonly index: number;
  readonly layer: LayerDraft;
  readonly members: readonly Member[];
  readonly timeZone: string;
  readonly errors: readonly string[];
  readonly onChange: (layer: LayerDraft) => void;
  readonly onRemove: (() => void) | null;
}

export function LayerFields({ id, index, layer, members, timeZone, errors, onChange, onRemove }: Props) {
  const [adding, setAdding] = useState('');
  const n = index + 1;
  const set = (change: Partial<LayerDraft>) => onChange({ ...layer, ...change });
  const addable = members.filter((m) => !layer.users.includes(m.userId));
  return (
    <fieldset className="oncall-layer">
      <legend>Layer {n}</legend>
      {errors.length > 0 && (
        <ul className="field-error" id={`${id}-errors`}>
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <ol className="oncall-users" aria-label={`Members of layer ${n}, in hand-off order`}>
        {layer.users.map((userId, i) => {
          const name = memberName(members, userId);
          return (
            <li key={userId}>
              <span>{name}</span>
              <button
                type="button"
                className="button small"
                aria-label={`Move ${name} up in layer ${n}`}
                disabled={i === 0}
                onClick={() => set({ users: moved(layer.users, i, -1) })}
              >
                ↑
              </button>
              <button
                type="button"
                className="button small"
                aria-label={`Move ${name} down in layer ${n}`}
                disabled={i === layer.users.length - 1}
                onClick={() => set({ users: moved(layer.users, i, 1) })}
              >
                ↓
              </button>
              <button
                type="button"
                className="button small danger"
                aria-label={`Remove ${name} from layer ${n}`}
                onClick={() => set({ users: layer.users.filter((u) => u !== userId) })}
              >
                Remove
              </button>
            </li>
          );
        })}
        {layer.users.length === 0 && <li className="muted">Nobody yet: add members below.</li>}
      </ol>
      <div className="inline-form">
        <Field id={`${id}-add`} label={`Add a member to layer ${n}`}>
          <select id={`${id}-add`} value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a member</option>
            {addable.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
        </Field>
        <button
          type="button"
          className="button"
          disabled={!adding}
          onClick={() => {
            set({ users: [...layer.users, adding] });
            setAdding('');
          }}
        >
          Add to layer {n}
        </button>
      </div>
      <div className="inline-form">
        <Field id={`${id}-handoff`} label="Hand-off">
          <select
            id={`${id}-handoff`}
            value={layer.handoff}
            onChange={(e) => set({ handoff: e.target.value as Handoff })}
          >
            <option value="weekly">Weekly</option>
            <option value="daily">Daily</option>
          </select>
        </Field>
        {layer.handoff === 'weekly' && (
          <Field id={`${id}-day`} label="Hand-off day">
            <select
              id={`${id}-day`}
              value={layer.handoffDay}
              onChange={(e) => set({ handoffDay: Number(e.target.value) })}
            >
              {WEEKDAYS.map((day, i) => (
                <option key={day} value={i + 1}>
                  {day}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id={`${id}-time`} label={`Hand-off time (${timeZone})`}>
          <input
            id={`${id}-time`}
            type="time"
            value={layer.handoffTime}
            onChange={(e) => set({ handoffTime: e.target.value })}
          />
        </Field>
        <Field id={`${id}-starts`} label={`First turn starts (${timeZone})`}>
          <input
            id={`${id}-starts`}
            type="datetime-local"
            value={layer.starts}
            onChange={(e) => set({ starts: e.target.value })}
          />
        </Field>
      </div>
      <div className="inline-form">
        <Field id={`${id}-restrict-from`} label="Only from (optional)" hint="Leave both empty for all day.">
          <input
            id={`${id}-restrict-from`}
            type="time"
            value={layer.restrictFrom}
            aria-describedby={`${id}-restrict-from-hint`}
            onChange={(e) => set({ restrictFrom: e.target.value })}
          />
        </Field>
        <Field id={`${id}-restrict-to`} label="Only until (optional)">
          <input
            id={`${id}-restrict-to`}
            type="time"
            value={layer.restrictTo}
            onChange={(e) => set({ restrictTo: e.target.value })}
          />
        </Field>
      </div>
      {onRemove && (
        <button type="button" className="button small danger" onClick={onRemove}>
          Remove layer {n}
        </button>
      )}
    </fieldset>
  );
}
