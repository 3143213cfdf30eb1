/**
 * Importing an account's contacts from a CSV file (docs/customers.md, "Importing contacts from CSV"): check
 * it first (a dry run), then import it, all or nothing. While the file goes up and the server checks and
 * writes it, a progress bar says how far it is; then the report lists each problem by line.
 */
import { type FormEvent, useState } from 'react';
import { ApiError, type Workspace } from '../api';
import { TextField } from '../AuthCard';
import { ErrorNotice } from '../controls';
import { useAction, useSession } from '../session';
import { ImportProgress } from './ImportProgress';
import { ImportReportView } from './ImportReportView';
import { importContactsFile, type ImportReport, type ImportStep } from './upload';

interface Props {
  readonly workspace: Workspace;
  readonly accountId: string;
  readonly onImported: () => void;
}

/** The server's words about a query parameter (`/querystring/country`), to show beside its field. */
const queryError = (error: unknown, name: string): string | undefined =>
  error instanceof ApiError
    ? error.problem.errors?.find((e) => e.pointer === `/querystring/${name}`)?.message
    : undefined;

/** The region of the browser's language (`en-IN` → `IN`), the likeliest country of numbers without +. */
const browserRegion = (): string => /-([A-Z]{2})\b/.exec(navigator.language)?.[1] ?? '';

export function ContactImportForm({ workspace, accountId, onImported }: Props) {
  const { me } = useSession();
  const action = useAction();
  const [file, setFile] = useState<File | null>(null);
  const [country, setCountry] = useState(browserRegion);
  const [role, setRole] = useState('');
  const [suspendAbsent, setSuspendAbsent] = useState(false);
  const [step, setStep] = useState<ImportStep | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  const send = (dryRun: boolean) => {
    if (!file || action.busy) return;
    setReport(null);
    void action.run(async () => {
      try {
        const options = { country: country.trim().toUpperCase(), role: role.trim(), suspendAbsent, dryRun };
        const answer = await importContactsFile(
          workspace.id,
          accountId,
          file,
          options,
          me.csrfToken,
          setStep,
        );
        setReport(answer);
        if (answer.imported) onImported();
      } finally {
        setStep(null);
      }
    });
  };
  const check = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(true);
  };

  return (
    <section className="contact-form" aria-labelledby="contact-import-title">
      <h3 id="contact-import-title">Import contacts from CSV</h3>
      <ErrorNotice error={action.error} />
      <form className="inline-form" onSubmit={check} aria-busy={action.busy} noValidate>
        <div className="field">
          <label htmlFor="contact-import-file">CSV file</label>
          <input
            id="contact-import-file"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="contact-import-file-hint"
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setReport(null);
            }}
          />
          <span className="hint" id="contact-import-file-hint">
            Header name,phone,unit,estate (email, role, locale optional); up to 100,000 rows.
          </span>
        </div>
        <TextField
          id="contact-import-country"
          label="Country"
          hint="Of numbers written without + and a country code, e.g. IN"
          value={country}
          onValue={setCountry}
          error={queryError(action.error, 'country')}
          maxLength={2}
          autoComplete="off"
        />
        <TextField
          id="contact-import-role"
          label="Role (optional)"
          hint="For rows without one (default resident)"
          value={role}
          onValue={setRole}
          error={queryError(action.error, 'role')}
          maxLength={60}
        />
        <div className="field register-field">
          <label className="check">
            <input
              id="contact-import-suspend"
              type="checkbox"
              checked={suspendAbsent}
              aria-describedby="contact-import-suspend-hint"
              onChange={(e) => setSuspendAbsent(e.target.checked)}
            />
            Suspend contacts missing from the file
          </label>
          <span className="hint" id="contact-import-suspend-hint">
            Active contacts of the file&apos;s roles that it does not list are suspended, never deleted.
          </span>
        </div>
        <div className="actions form-actions">
          <button type="submit" className="button" disabled={!file || action.busy}>
            Check file
          </button>
          <button
            type="button"
            className="button primary"
            disabled={!file || action.busy}
            onClick={() => send(false)}
          >
            Import
          </button>
        </div>
      </form>
      {step && <ImportProgress step={step} />}
      {report && <ImportReportView report={report} />}
    </section>
  );
}
