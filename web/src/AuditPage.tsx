/**
 * The workspace's audit log (needs `audit.read`): who did what, newest first, older entries a page at a
 * time; and a check that the hash chain is intact.
 */
import { useState } from 'react';
import { accessApi, type AuditEntry, type AuditFilter, type AuditVerdict } from './access-api';
import { AuditSearch } from './AuditSearch';
import type { Workspace } from './api';
import { ErrorNotice, ListCard, when } from './controls';
import { useAction, useLoad } from './session';

const PAGE = 100;

/** `data` as one line of JSON, shown as text. */
function compact(data: Readonly<Record<string, unknown>>): string {
  return Object.keys(data).length === 0 ? '—' : JSON.stringify(data);
}

export function AuditPage({ workspace }: { readonly workspace: Workspace }) {
  const [filter, setFilter] = useState<AuditFilter>({});
  const first = useLoad(`${workspace.id}/${JSON.stringify(filter)}`, () =>
    accessApi.audit(workspace.id, { limit: PAGE, filter }),
  );
  const [older, setOlder] = useState<{ items: readonly AuditEntry[]; more: boolean }>({
    items: [],
    more: true,
  });
  const [verdict, setVerdict] = useState<AuditVerdict | null>(null);
  const page = useAction();
  const verify = useAction();

  const items = first.data ? [...first.data.items, ...older.items] : null;
  const more = first.data !== null && first.data.items.length === PAGE && older.more;
  const list = { ...first, data: items ? { items } : null };

  const loadOlder = async () => {
    if (!items || items.length === 0) return;
    const before = Math.min(...items.map((e) => e.seq));
    const next = await accessApi.audit(workspace.id, { limit: PAGE, before, filter });
    setOlder((o) => ({ items: [...o.items, ...next.items], more: next.items.length === PAGE }));
  };

  return (
    <>
      <section className="card" aria-labelledby="audit-verify-title">
        <h2 id="audit-verify-title">Integrity</h2>
        <p className="muted">
          Every entry carries a hash of the one before it, so an entry changed, removed or inserted later
          breaks the chain.
        </p>
        <ErrorNotice error={verify.error} />
        <button
          type="button"
          className="button"
          disabled={verify.busy}
          onClick={() =>
            void verify.run(async () => {
              setVerdict(null);
              setVerdict(await accessApi.verifyAudit(workspace.id));
            })
          }
        >
          Verify the chain
        </button>
        {verdict &&
          (verdict.ok && verdict.problems.length === 0 ? (
            <p role="status">
              Intact: {verdict.entries} {verdict.entries === 1 ? 'entry' : 'entries'}
              {verdict.head && (
                <>
                  , head #{verdict.head.seq} <code>{verdict.head.hash.slice(0, 12)}</code>
                </>
              )}
            </p>
          ) : (
            <div className="alert" role="alert">
              <p>The audit log is not intact:</p>
              <ul>
                {(verdict.problems.length > 0 ? verdict.problems : ['the chain did not verify']).map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ))}
      </section>
      <AuditSearch
        workspace={workspace}
        filter={filter}
        onFilter={(next) => {
          setOlder({ items: [], more: true });
          setFilter(next);
        }}
      />
      <ListCard
        titleId="audit-title"
        title="Audit log"
        list={list}
        action={page}
        loading="Loading the audit log…"
        empty="Nothing has been recorded yet."
        columns={['#', 'Time', 'Actor', 'Action', 'Target', 'Details']}
        rows={(entries) =>
          entries.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>
                <time dateTime={e.at}>{when(e.at)}</time>
              </td>
              <td>{e.actor}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>{e.target}</td>
              <td>
                <code>{compact(e.data)}</code>
              </td>
              <td />
            </tr>
          ))
        }
      />
      {more && (
        <p>
          <button
            type="button"
            className="button"
            disabled={page.busy}
            onClick={() => void page.run(loadOlder)}
          >
            Older entries
          </button>
        </p>
      )}
    </>
  );
}
