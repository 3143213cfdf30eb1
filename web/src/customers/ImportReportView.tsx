/**
 * The import's report: what happened to the file (checked, imported, or refused whole), the counts, and
 * each problem on its line with the column, the value and what to do, so the file can be fixed and sent
 * again. All or nothing: with a problem nothing was written.
 */
import type { ImportProblem, ImportReport } from './upload';

const count = new Intl.NumberFormat();

function summary(r: ImportReport): string {
  const n = (value: number) => count.format(value);
  const rows = `${n(r.rows)} row${r.rows === 1 ? '' : 's'}`;
  if (r.imported)
    return `Imported ${rows}: ${n(r.created)} created, ${n(r.updated)} updated, ${n(r.unchanged)} unchanged, ${n(r.suspended)} suspended.`;
  const counts = `${n(r.created)} to create, ${n(r.updated)} to update, ${n(r.unchanged)} unchanged, ${n(r.suspended)} to suspend`;
  if (r.fatal || r.problems.length > 0) return `Refused: nothing was imported. ${rows} checked (${counts}).`;
  return `Checked ${rows}: ${counts}. Nothing was written: import the file to apply it.`;
}

export function ImportReportView({ report }: { readonly report: ImportReport }) {
  const problems: readonly ImportProblem[] = report.fatal ? [report.fatal] : report.problems;
  return (
    <div className="import-report">
      <p role="status">{summary(report)}</p>
      {problems.length > 0 && (
        <div className="table-wrap">
          <table className="data" aria-label="Problems in the file">
            <thead>
              <tr>
                <th>Line</th>
                <th>Column</th>
                <th>Value</th>
                <th>Problem</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={`${p.line}-${p.code}-${i}`}>
                  <td>{p.line}</td>
                  <td>{p.column ?? '—'}</td>
                  <td className="contact-email">{p.value ?? '—'}</td>
                  <td>
                    {p.message}
                    <div className="muted">{p.hint}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
