/**
 * A message template of the active pack rendered in every language it has, with each variable's example
 * value, so an author sees the Hindi and the English text before any is sent.
 */
import { useState } from 'react';
import { api, type Workspace } from './api';
import { Field } from './AuthCard';
import { ErrorNotice } from './controls';
import { notificationsApi, type TemplatePreview as Preview } from './notifications-api';
import { useAction, useLoad, useSession } from './session';

export interface TemplateRef {
  readonly id: string;
  readonly label: string;
  readonly channel: string;
}

/** A language tag in words: `hi` → "Hindi (hi)". */
export function languageName(locale: string): string {
  try {
    const name = new Intl.DisplayNames(['en'], { type: 'language' }).of(locale);
    return name && name !== locale ? `${name} (${locale})` : locale;
  } catch {
    return locale;
  }
}

/** The active pack's templates (GET /templates), one previewed at a time: on the Packs page and in Admin. */
export function TemplatesTab({ workspace }: { readonly workspace: Workspace }) {
  const templates = useLoad(workspace.id, async () => {
    const [{ items }, packs] = await Promise.all([
      notificationsApi.templates(workspace.id),
      api.packs(workspace.id),
    ]);
    const active = packs.items.find((p) => p.active);
    return { pack: active?.title ?? null, items };
  });
  if (!templates.data) {
    return (
      <section className="card" aria-labelledby="template-preview-title">
        <h2 id="template-preview-title">Preview a message template</h2>
        <ErrorNotice error={templates.error} />
        {!templates.error && <p className="muted">Loading the pack's templates…</p>}
      </section>
    );
  }
  return (
    <TemplatePreview workspaceId={workspace.id} pack={templates.data.pack} templates={templates.data.items} />
  );
}

/** The picker and the rendered result; PacksPage can show it under an active pack's document too. */
export function TemplatePreview({
  workspaceId,
  pack,
  templates,
}: {
  readonly workspaceId: string;
  readonly pack: string | null;
  readonly templates: readonly TemplateRef[];
}) {
  const { me } = useSession();
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [preview, setPreview] = useState<Preview | null>(null);
  const action = useAction();
  const show = (id: string) =>
    void action.run(async () => {
      setPreview(null);
      setPreview(await notificationsApi.preview(workspaceId, id, me.csrfToken));
    });

  return (
    <section className="card" aria-labelledby="template-preview-title">
      <h2 id="template-preview-title">Preview a message template</h2>
      {templates.length === 0 ? (
        <p className="muted">
          {pack ? `The pack "${pack}" has no message templates.` : 'This workspace runs no pack yet.'}
        </p>
      ) : (
        <>
          <p className="muted">
            Each language of a template of {pack ? `"${pack}"` : 'the active pack'}, filled with the examples
            its variables give.
          </p>
          <form
            className="inline-form"
            aria-busy={action.busy}
            onSubmit={(e) => {
              e.preventDefault();
              show(templateId);
            }}
          >
            <Field id="template-id" label="Template">
              <select id="template-id" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
                {templates.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.label} ({t.id}, {t.channel})
                  </option>
                ))}
              </select>
            </Field>
            <button type="submit" className="button primary" disabled={action.busy || !templateId}>
              Preview
            </button>
          </form>
        </>
      )}
      <ErrorNotice error={action.error} />
      {preview && <Rendered preview={preview} />}
    </section>
  );
}

function Rendered({ preview }: { readonly preview: Preview }) {
  return (
    <section className="preview-result" aria-label={`Preview of ${preview.template}`}>
      <p className="muted">
        <code>{preview.template}</code>, sent over {preview.channel}, in{' '}
        {preview.items.length === 1 ? 'one language' : `${preview.items.length} languages`}.
      </p>
      <div className="previews">
        {preview.items.map((item) => (
          <article key={item.locale} className="preview" aria-label={languageName(item.locale)}>
            <h3>{languageName(item.locale)}</h3>
            {item.subject !== null && (
              <p>
                <span className="muted">Subject:</span> <strong>{item.subject}</strong>
              </p>
            )}
            <pre className="message-text">{item.text}</pre>
            {item.missing.length > 0 && (
              <p className="hint">
                No value given for {item.missing.join(', ')}: each shows its example from the pack, or nothing
                when it has none.
              </p>
            )}
          </article>
        ))}
      </div>
    </section>
  );
}
