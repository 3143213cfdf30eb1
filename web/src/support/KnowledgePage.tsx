/**
 * The knowledge base (knowledge.write): the workspace's help-centre articles, drafts and published, and
 * an editor for one: Markdown with a live preview, its help-centre category, the ticket categories it
 * answers (the inbox suggests it on those tickets), and Publish / Unpublish.
 */
import { useState } from 'react';
import type { Workspace } from '../api';
import { Field } from '../AuthCard';
import { ConfirmButton, ErrorNotice, when } from '../controls';
import { usePageHeading } from './page-heading';
import type { ReadyAccess } from '../permissions';
import { useAction, useLoad, useSession } from '../session';
import { type Article, type ArticleInput, deskApi } from './desk-api';
import { markdownToSafeHtml } from './markdown';
import { SupportNav } from './SupportNav';

const PATH = '/support/knowledge';
/** The editor's key for an article not saved yet. */
const NEW = 'new';

interface Props {
  readonly workspace: Workspace;
  readonly access: ReadyAccess;
}

export function KnowledgePage({ workspace, access }: Props) {
  const heading = usePageHeading(PATH, `Knowledge · ${workspace.name}`);
  const articles = useLoad(workspace.id, () => deskApi.articles(workspace.id));
  const [editing, setEditing] = useState<string | null>(null);
  const action = useAction();
  const { me } = useSession();

  return (
    <>
      <header className="page-header">
        <h1 ref={heading} tabIndex={-1}>
          Support{' '}
          <span className="heading-sep" aria-hidden="true">
            ·
          </span>{' '}
          <span className="heading-workspace">{workspace.name}</span>
        </h1>
      </header>
      <SupportNav access={access} current={PATH} />
      {editing && (
        <ArticleLoader
          key={editing}
          workspace={workspace}
          articleId={editing === NEW ? null : editing}
          onSaved={(saved) => {
            setEditing(saved.id);
            articles.reload();
          }}
          onClose={() => setEditing(null)}
        />
      )}
      <section className="card" aria-labelledby="articles-title">
        <div className="card-head">
          <h2 id="articles-title">Articles</h2>
          <button type="button" className="button primary" onClick={() => setEditing(NEW)}>
            New article
          </button>
        </div>
        <p className="muted">
          Published articles appear in the help centre at{' '}
          <a href={`/help/${encodeURIComponent(workspace.slug)}`} target="_blank" rel="noreferrer">
            /help/{workspace.slug}
          </a>{' '}
          and are suggested on tickets of their categories.
        </p>
        <ErrorNotice error={articles.error ?? action.error} />
        {!articles.data && !articles.error && <p className="muted">Loading articles…</p>}
        {articles.data?.length === 0 && <p className="muted">No articles yet.</p>}
        {articles.data && articles.data.length > 0 && (
          <div className="table-wrap">
            <table className="data" aria-labelledby="articles-title">
              <thead>
                <tr>
                  <th>Title</th>
                  <th>Category</th>
                  <th>Ticket categories</th>
                  <th>State</th>
                  <th>Updated</th>
                  <th>
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {articles.data.map((a) => (
                  <tr key={a.id} className={editing === a.id ? 'selected' : undefined}>
                    <td>{a.title}</td>
                    <td>{a.category}</td>
                    <td>{a.ticketCategories.join(', ') || '—'}</td>
                    <td>
                      <span className={a.published ? 'badge on' : 'badge'}>
                        {a.published ? 'published' : 'draft'}
                      </span>
                    </td>
                    <td>{when(a.updatedAt)}</td>
                    <td className="actions-cell">
                      <button
                        type="button"
                        className="button small"
                        aria-label={`Edit ${a.title}`}
                        onClick={() => setEditing(a.id)}
                      >
                        Edit
                      </button>{' '}
                      <ConfirmButton
                        label="Delete"
                        question={`Delete “${a.title}”?`}
                        confirm="Yes, delete"
                        action={action}
                        onConfirm={async () => {
                          await deskApi.deleteArticle(workspace.id, a.id, me.csrfToken);
                          if (editing === a.id) setEditing(null);
                          articles.reload();
                        }}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

/** Fetches the article's text (the list has only an excerpt), then edits it. */
function ArticleLoader({
  workspace,
  articleId,
  onSaved,
  onClose,
}: {
  readonly workspace: Workspace;
  readonly articleId: string | null;
  readonly onSaved: (article: Article) => void;
  readonly onClose: () => void;
}) {
  const article = useLoad(`${workspace.id}/${articleId ?? NEW}`, () =>
    articleId ? deskApi.article(workspace.id, articleId) : Promise.resolve(null),
  );
  if (article.error) return <ErrorNotice error={article.error} />;
  if (articleId && !article.data) return <p className="muted">Loading the article…</p>;
  return <ArticleEditor workspace={workspace} article={article.data} onSaved={onSaved} onClose={onClose} />;
}

function ArticleEditor({
  workspace,
  article,
  onSaved,
  onClose,
}: {
  readonly workspace: Workspace;
  readonly article: Article | null;
  readonly onSaved: (article: Article) => void;
  readonly onClose: () => void;
}) {
  const { me } = useSession();
  const action = useAction();
  const [title, setTitle] = useState(article?.title ?? '');
  const [slug, setSlug] = useState(article?.slug ?? '');
  const [category, setCategory] = useState(article?.category ?? '');
  const [ticketCategories, setTicketCategories] = useState(article?.ticketCategories.join(', ') ?? '');
  const [body, setBody] = useState(article?.body ?? '');
  const [saved, setSaved] = useState('');

  const save = (published: boolean) =>
    void action.run(async () => {
      const input: ArticleInput = {
        title: title.trim(),
        body,
        category: category.trim(),
        ticketCategories: ticketCategories
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
        published,
        ...(slug.trim() ? { slug: slug.trim() } : {}),
      };
      const result = article
        ? await deskApi.updateArticle(workspace.id, article.id, input, me.csrfToken)
        : await deskApi.createArticle(workspace.id, input, me.csrfToken);
      setSaved(published ? 'Published.' : 'Saved as a draft.');
      onSaved(result);
    });

  const publicUrl = article?.published ? article.url : null;
  return (
    <section className="card" aria-labelledby="editor-title">
      <div className="card-head">
        <h2 id="editor-title">{article ? `Edit “${article.title}”` : 'New article'}</h2>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <ErrorNotice error={action.error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save(article?.published ?? false);
        }}
        aria-busy={action.busy}
      >
        <div className="inline-form">
          <Field id="article-title" label="Title">
            <input id="article-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
          </Field>
          <Field id="article-slug" label="Address (slug)" hint="Made from the title when left empty.">
            <input
              id="article-slug"
              value={slug}
              pattern="[a-z0-9-]*"
              onChange={(e) => setSlug(e.target.value)}
            />
          </Field>
          <Field id="article-category" label="Help-centre category">
            <input
              id="article-category"
              required
              value={category}
              onChange={(e) => setCategory(e.target.value)}
            />
          </Field>
          <Field
            id="article-ticket-categories"
            label="Ticket categories"
            hint="Comma-separated, e.g. technical, how-to."
          >
            <input
              id="article-ticket-categories"
              value={ticketCategories}
              onChange={(e) => setTicketCategories(e.target.value)}
            />
          </Field>
        </div>
        <div className="markdown-editor">
          <div className="field">
            <label htmlFor="article-body">Text (Markdown)</label>
            <textarea id="article-body" rows={18} value={body} onChange={(e) => setBody(e.target.value)} />
          </div>
          <div className="field">
            <span className="label-text" id="article-preview-label">
              Preview
            </span>
            <div
              className="sop markdown-preview"
              aria-labelledby="article-preview-label"
              role="region"
              // Rendered with raw HTML escaped and only safe links kept (markdown.ts).
              dangerouslySetInnerHTML={{ __html: markdownToSafeHtml(body) }}
            />
          </div>
        </div>
        <div className="actions">
          <button
            type="submit"
            className="button"
            disabled={action.busy || !title.trim() || !category.trim()}
          >
            {article?.published ? 'Save' : 'Save draft'}
          </button>
          {article?.published ? (
            <button type="button" className="button" disabled={action.busy} onClick={() => save(false)}>
              Unpublish
            </button>
          ) : (
            <button
              type="button"
              className="button primary"
              disabled={action.busy || !title.trim() || !body.trim() || !category.trim()}
              onClick={() => save(true)}
            >
              Publish
            </button>
          )}
          {publicUrl && (
            <a href={publicUrl} target="_blank" rel="noreferrer">
              View in the help centre
            </a>
          )}
          <span role="status" className="hint">
            {saved}
          </span>
        </div>
      </form>
    </section>
  );
}
