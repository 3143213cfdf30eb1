/**
 * Declaring an incident by hand: title, severity from the pack's scale (the most severe by default: "when
 * in doubt, declare high"), an optional incident type of the pack and service, and the two facts that
 * start regulatory clocks (SOP-008: GDPR when EU personal data is involved; CERT-In and IT Act when
 * reportable). The scale and the types are what the list of incidents says the active pack offers.
 * Escape closes it.
 */
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { fieldError, type Workspace } from '../api';
import { describedBy, Field } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { type DeclareChoices, incidentsApi, type NewIncident } from '../incidents-api';
import { navigate } from '../router';
import { useAction, useSession } from '../session';
import { incidentPath } from './words';

interface Props {
  readonly workspace: Workspace;
  /** The pack's scale and types; null while the list is read. */
  readonly choices: DeclareChoices | null;
  readonly onCancel: () => void;
}

export function DeclareForm({ workspace, choices, onCancel }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState('');
  const [kind, setKind] = useState('');
  const [service, setService] = useState('');
  const [euPersonalData, setEuPersonalData] = useState(false);
  const [reportable, setReportable] = useState(false);
  const titleRef = useRef<HTMLInputElement>(null);
  useEffect(() => titleRef.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const input: NewIncident = {
      title: title.trim(),
      ...(severity.trim() ? { severity: severity.trim() } : {}),
      ...(kind.trim() ? { kind: kind.trim() } : {}),
      ...(service.trim() ? { service: service.trim() } : {}),
      ...(euPersonalData ? { euPersonalData } : {}),
      ...(reportable ? { reportable } : {}),
    };
    void action.run(async () => {
      const declared = await incidentsApi.declare(workspace.id, input, me.csrfToken);
      navigate(incidentPath(declared.number));
    });
  };

  const err = (field: string) => fieldError(action.error, field);
  const levels = choices?.scale?.levels ?? [];
  const types = choices?.types ?? [];
  const severityHint = levels.length
    ? "The pack's scale, most severe first."
    : choices
      ? 'The active pack has no incident scale: its default applies.'
      : undefined;
  const kindHint = "The pack's incident types; none for a service incident.";
  return (
    <section className="card declare" aria-labelledby="declare-title">
      <h2 id="declare-title">Declare an incident</h2>
      <ErrorNotice error={action.error} />
      <form
        onSubmit={submit}
        aria-busy={action.busy}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        <div className="inline-form">
          <Field id="declare-title-input" label="Title" error={err('title')}>
            <input
              id="declare-title-input"
              ref={titleRef}
              required
              maxLength={300}
              value={title}
              aria-invalid={err('title') ? true : undefined}
              aria-describedby={describedBy('declare-title-input', null, err('title'))}
              onChange={(e) => setTitle(e.target.value)}
            />
          </Field>
          <Field id="declare-severity" label="Severity" hint={severityHint} error={err('severity')}>
            <select
              id="declare-severity"
              value={severity || levels[0]?.id || ''}
              disabled={levels.length === 0}
              aria-describedby={describedBy('declare-severity', severityHint, err('severity'))}
              onChange={(e) => setSeverity(e.target.value)}
            >
              {levels.length === 0 && <option value="">{choices ? "The pack's default" : 'Loading…'}</option>}
              {levels.map((level) => (
                <option key={level.id} value={level.id}>
                  {level.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div className="inline-form">
          {types.length > 0 && (
            <Field id="declare-kind" label="Type (optional)" hint={kindHint} error={err('kind')}>
              <select
                id="declare-kind"
                value={kind}
                aria-invalid={err('kind') ? true : undefined}
                aria-describedby={describedBy('declare-kind', kindHint, err('kind'))}
                onChange={(e) => setKind(e.target.value)}
              >
                <option value="">None</option>
                {types.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.label}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field id="declare-service" label="Service (optional)" error={err('service')}>
            <input
              id="declare-service"
              maxLength={200}
              value={service}
              onChange={(e) => setService(e.target.value)}
            />
          </Field>
        </div>
        <label className="check">
          <input
            type="checkbox"
            checked={euPersonalData}
            onChange={(e) => setEuPersonalData(e.target.checked)}
          />
          EU personal data is involved (GDPR clock)
        </label>
        <label className="check">
          <input type="checkbox" checked={reportable} onChange={(e) => setReportable(e.target.checked)} />
          Reportable to a regulator (CERT-In and IT Act clocks)
        </label>
        <div className="actions declare-actions">
          <button type="submit" className="button primary" disabled={action.busy || !title.trim()}>
            Declare
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
