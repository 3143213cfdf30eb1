/**
 * The SOP packs the current workspace runs: each pack's rendered document (the SOP people read), its
 * document control and its version history with content hashes; under the active pack, a preview of its
 * message templates.
 */
import { useEffect, useState } from 'react';
import { api, describeError, type PackDocument, type PackVersion, type Workspace } from './api';
import { TemplatesTab } from './NotificationTemplatePreview';

interface Props {
  readonly workspace: Workspace;
}

export function PacksPage({ workspace }: Props) {
  const [packs, setPacks] = useState<PackVersion[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [document, setDocument] = useState<PackDocument | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setPacks(null);
    setDocument(null);
    api.packs(workspace.id).then(
      ({ items }) => {
        if (!live) return;
        setPacks(items);
        setSelected(items[0]?.packId ?? null);
      },
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [workspace.id]);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    api.pack(workspace.id, selected).then(
      (doc) => live && setDocument(doc),
      (err: unknown) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [workspace.id, selected]);

  if (error) return <p role="alert">{error}</p>;
  if (!packs) return <p className="muted">Loading packs…</p>;
  if (packs.length === 0) {
    return (
      <section className="empty-state">
        <h2>No SOP packs in {workspace.name} yet</h2>
        <p>Packs are the SOPs this workspace runs; an owner activates them.</p>
      </section>
    );
  }
  return (
    <div className="packs">
      <nav aria-label="Packs" className="pack-list">
        {packs.map((p) => (
          <button
            key={p.packId}
            type="button"
            aria-current={p.packId === selected ? 'true' : undefined}
            onClick={() => setSelected(p.packId)}
          >
            <span className="pack-title">{p.title}</span>
            <span className="muted">
              {p.packId} · v{p.version}
            </span>
          </button>
        ))}
      </nav>
      {/* One grid cell beside the list: the document, then (for the active pack) its template preview. */}
      <div className="pack-main">
        {document && <PackView doc={document} workspaceId={workspace.id} />}
        {document?.active && <TemplatesTab workspace={workspace} />}
      </div>
    </div>
  );
}

function PackView({ doc, workspaceId }: { readonly doc: PackDocument; readonly workspaceId: string }) {
  const [compared, setCompared] = useState<{ version: PackVersion; changes: string[] } | null>(null);
  const [diffError, setDiffError] = useState<string | null>(null);
  const compare = (version: PackVersion) => {
    setDiffError(null);
    api.packDiff(workspaceId, doc.packId, version.hash, doc.hash).then(
      ({ changes }) => setCompared({ version, changes }),
      (err: unknown) => setDiffError(describeError(err)),
    );
  };
  return (
    <article className="pack-document" aria-label={doc.title}>
      {/* Server-rendered from the pack; raw HTML in pack text is escaped there (src/packs/html.ts). */}
      <div className="sop" dangerouslySetInnerHTML={{ __html: doc.html }} />
      <section aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Status</th>
              <th>Activated</th>
              <th>Hash</th>
              <th>
                <span className="visually-hidden">Compare</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {doc.versions.map((v) => (
              <tr key={v.hash}>
                <td>{v.version}</td>
                <td>{v.active ? 'active' : 'inactive'}</td>
                <td>
                  {v.activatedAt
                    ? `${new Date(v.activatedAt).toLocaleString()} by ${v.activatedBy ?? '—'}`
                    : '—'}
                </td>
                <td>
                  <code title={v.hash}>{v.hash.slice(0, 12)}</code>
                </td>
                <td>
                  {!v.active && (
                    <button type="button" onClick={() => compare(v)}>
                      What changed since
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {diffError && <p role="alert">{diffError}</p>}
        {compared && (
          <section aria-label="Changes">
            <h3>
              Changes from <code>{compared.version.hash.slice(0, 12)}</code> to the active version
            </h3>
            {compared.changes.length === 0 ? (
              <p>No differences in meaning.</p>
            ) : (
              <ul className="changes">
                {compared.changes.map((line) => (
                  <li key={line}>
                    <code>{line}</code>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}
      </section>
    </article>
  );
}
