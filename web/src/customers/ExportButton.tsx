/**
 * "Export data" on the account page: the account's data as one JSON file (GET …/accounts/<id>/export:
 * the account, its facts, custom fields, contacts and timeline), the export the POS pack offers before the
 * data is deleted at the end of retention (003#71). After the deletion the file holds the tombstone and the
 * record of the deletion only. Every export is recorded in the audit log, so it is a click, not a prefetch.
 */
import { request } from '../api';
import { ErrorNotice } from '../controls';
import { useAction } from '../session';

interface Props {
  readonly workspaceId: string;
  readonly accountId: string;
}

export const accountExportUrl = (workspaceId: string, accountId: string) =>
  `/api/v1/workspaces/${encodeURIComponent(workspaceId)}/accounts/${encodeURIComponent(accountId)}/export`;

/** The name the server gives it (src/api/routes/customer-export.ts), with today's date. */
const fileName = (accountId: string) =>
  `account-${accountId.replaceAll(':', '_')}-${new Date().toISOString().slice(0, 10)}.json`;

/** Hands a document to the browser as a downloaded file. */
function saveJson(document_: unknown, name: string): void {
  const url = URL.createObjectURL(
    new Blob([JSON.stringify(document_, null, 2)], { type: 'application/json' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The click has started the download; the object URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function ExportButton({ workspaceId, accountId }: Props) {
  const action = useAction();
  const exportData = () =>
    action.run(async () => {
      saveJson(await request<unknown>('GET', accountExportUrl(workspaceId, accountId)), fileName(accountId));
    });
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={action.busy}
        aria-busy={action.busy}
        title="The account, its facts, custom fields, contacts and timeline as a JSON file"
        onClick={() => void exportData()}
      >
        {action.busy ? 'Exporting…' : 'Export data'}
      </button>
      <ErrorNotice error={action.error} />
    </>
  );
}
