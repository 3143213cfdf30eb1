/**
 * The knowledge base (issue 7): help-centre articles in Markdown, written by agents and published to the
 * workspace's public help centre (SofaCover, 002#33: "FAQ/Knowledge Base: Self-service options"). Search is
 * PostgreSQL full text over title and body with the `simple` configuration (no stemming, no stop words: the
 * help centres are in several languages), ranked with titles weighted above bodies. Suggestions for a
 * ticket or a chat turn the customer's words into an either-or query, so one shared word is enough.
 *
 * Only published articles ever leave through the public functions (`*Published*`, `suggestArticles`).
 */
import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import { newId } from '../../shared/ids.js';
import type { Database, Tx } from '../../store/database.js';
import { pgCode } from '../../store/database.js';
import { kbArticles, workspaces } from '../../store/schema.js';
import { excerptOf, slugify, suggestionWords } from './article-text.js';
import { activeDeskLists, unknownIds } from './desk-lists.js';

export type ArticleRow = typeof kbArticles.$inferSelect;

export interface ArticleInput {
  /** Made from the title when left out (`how-to-reset-your-password`). */
  readonly slug?: string | undefined;
  readonly title: string;
  /** Markdown. */
  readonly body: string;
  /** The help-centre section it is listed under (`Getting started`, `Billing`). */
  readonly category: string;
  /** Ticket categories of the pack it answers, to suggest it on such tickets first. */
  readonly ticketCategories?: readonly string[] | undefined;
  readonly published?: boolean | undefined;
}

export type ArticleChanges = Partial<ArticleInput>;

/** An article as search and suggestions give it: enough to list and link it. */
export interface ArticleHit {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly category: string;
  readonly excerpt: string;
  readonly rank: number;
  readonly updatedAt: Date;
}

/** The indexed document (0008_support.sql, `kb_articles_search`): the same expression, so the index is used. */
const DOCUMENT = sql`to_tsvector('simple', ${kbArticles.title} || ' ' || ${kbArticles.body})`;
/** Titles count more than bodies in the ranking. */
const WEIGHTED = sql`setweight(to_tsvector('simple', ${kbArticles.title}), 'A') || setweight(to_tsvector('simple', ${kbArticles.body}), 'D')`;

const hitColumns = (query: SQL) => ({
  id: kbArticles.id,
  slug: kbArticles.slug,
  title: kbArticles.title,
  category: kbArticles.category,
  // Enough of the body for an excerpt, not a whole long article per hit.
  body: sql<string>`left(${kbArticles.body}, 1000)`,
  rank: sql<number>`ts_rank(${WEIGHTED}, ${query})::float8`,
  updatedAt: kbArticles.updatedAt,
});

function toHit(row: {
  id: string;
  slug: string;
  title: string;
  category: string;
  body: string;
  rank: number;
  updatedAt: Date;
}): ArticleHit {
  const { body, ...rest } = row;
  return { ...rest, rank: Number(rest.rank), excerpt: excerptOf(body) };
}

async function slugTaken(tx: Tx, workspaceId: string, slug: string, exceptId?: string): Promise<boolean> {
  const rows = await tx
    .select({ id: kbArticles.id })
    .from(kbArticles)
    .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.slug, slug)))
    .limit(1);
  return rows.length > 0 && rows[0]!.id !== exceptId;
}

const slugConflict = (slug: string) =>
  new OpsError(
    'OPS_CONFLICT',
    `Another article of this help centre has the address "${slug}": choose another.`,
    [{ pointer: '/body/slug', message: 'already used by another article' }],
  );

/** Maps the unique index's refusal (two writers taking one slug at once) to the same conflict. */
async function guardSlug<T>(slug: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (pgCode(err) === '23505') throw slugConflict(slug);
    throw err;
  }
}

/** Ticket categories must be the active pack's (`desk.categories`), so suggestions by category work. */
async function checkTicketCategories(tx: Tx, workspaceId: string, given: readonly string[] | undefined) {
  if (!given?.length) return;
  const known = (await activeDeskLists(tx, workspaceId)).ticketCategories;
  const unknown = unknownIds(given, known);
  if (unknown.length > 0)
    throw new OpsError(
      'OPS_VALIDATION',
      `Not a ticket category of the active pack: ${unknown.join(', ')}.`,
      unknown.map((c) => ({
        pointer: `/body/ticketCategories/${given.indexOf(c)}`,
        message: `use one of: ${known.map((k) => k.id).join(', ')}`,
      })),
    );
}

/** A slug of its own: the one asked for (a conflict when taken), else the title's, numbered when taken. */
async function chooseSlug(tx: Tx, workspaceId: string, input: ArticleInput): Promise<string> {
  if (input.slug !== undefined) {
    if (await slugTaken(tx, workspaceId, input.slug)) throw slugConflict(input.slug);
    return input.slug;
  }
  const base = slugify(input.title);
  for (let n = 1; n < 100; n++) {
    const candidate = n === 1 ? base : `${base.slice(0, 75)}-${n}`;
    if (!(await slugTaken(tx, workspaceId, candidate))) return candidate;
  }
  throw slugConflict(base);
}

export async function createArticle(
  database: Database,
  workspaceId: string,
  input: ArticleInput,
  now: Date,
): Promise<ArticleRow> {
  return database.inWorkspace(workspaceId, async (tx) => {
    await checkTicketCategories(tx, workspaceId, input.ticketCategories);
    const slug = await chooseSlug(tx, workspaceId, input);
    const [row] = await guardSlug(slug, () =>
      tx
        .insert(kbArticles)
        .values({
          id: newId('kb', now.getTime()),
          workspaceId,
          slug,
          title: input.title,
          body: input.body,
          category: input.category,
          ticketCategories: [...new Set(input.ticketCategories ?? [])],
          published: input.published ?? false,
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    return row!;
  });
}

export async function getArticle(database: Database, workspaceId: string, id: string): Promise<ArticleRow> {
  const row = await database.inWorkspace(workspaceId, async (tx) => {
    const [found] = await tx
      .select()
      .from(kbArticles)
      .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id)));
    return found;
  });
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No article "${id}" in this workspace.`);
  return row;
}

export async function updateArticle(
  database: Database,
  workspaceId: string,
  id: string,
  changes: ArticleChanges,
  now: Date,
): Promise<ArticleRow> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const where = and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id));
    const [current] = await tx.select({ id: kbArticles.id }).from(kbArticles).where(where).for('update');
    if (!current) throw new OpsError('OPS_NOT_FOUND', `No article "${id}" in this workspace.`);
    await checkTicketCategories(tx, workspaceId, changes.ticketCategories);
    if (changes.slug !== undefined && (await slugTaken(tx, workspaceId, changes.slug, id)))
      throw slugConflict(changes.slug);
    const [row] = await guardSlug(changes.slug ?? '', () =>
      tx
        .update(kbArticles)
        .set({
          ...(changes.slug !== undefined ? { slug: changes.slug } : {}),
          ...(changes.title !== undefined ? { title: changes.title } : {}),
          ...(changes.body !== undefined ? { body: changes.body } : {}),
          ...(changes.category !== undefined ? { category: changes.category } : {}),
          ...(changes.ticketCategories !== undefined
            ? { ticketCategories: [...new Set(changes.ticketCategories)] }
            : {}),
          ...(changes.published !== undefined ? { published: changes.published } : {}),
          updatedAt: now,
        })
        .where(where)
        .returning(),
    );
    return row!;
  });
}

export async function deleteArticle(database: Database, workspaceId: string, id: string): Promise<void> {
  const deleted = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .delete(kbArticles)
      .where(and(eq(kbArticles.workspaceId, workspaceId), eq(kbArticles.id, id)))
      .returning({ id: kbArticles.id }),
  );
  if (deleted.length === 0) throw new OpsError('OPS_NOT_FOUND', `No article "${id}" in this workspace.`);
}

export interface ArticleFilter {
  /** Words to search for (all of them must appear); ranked by relevance when given. */
  readonly q?: string | undefined;
  readonly category?: string | undefined;
  /** Agents see drafts too; the public only ever `true`. */
  readonly published?: boolean | undefined;
  readonly limit?: number | undefined;
}

/** Articles for agents (drafts included unless filtered), or searched: best match first. */
export async function listArticles(
  database: Database,
  workspaceId: string,
  filter: ArticleFilter = {},
): Promise<(ArticleHit & { published: boolean; ticketCategories: string[] })[]> {
  return database.inWorkspace(workspaceId, (tx) => findArticles(tx, workspaceId, filter));
}

async function findArticles(tx: Tx, workspaceId: string, filter: ArticleFilter) {
  const q = filter.q?.trim();
  const query = q ? sql`plainto_tsquery('simple', ${q})` : sql`null::tsquery`;
  const conditions = [
    eq(kbArticles.workspaceId, workspaceId),
    ...(filter.published !== undefined ? [eq(kbArticles.published, filter.published)] : []),
    ...(filter.category ? [eq(kbArticles.category, filter.category)] : []),
    ...(q ? [sql`${DOCUMENT} @@ ${query}`] : []),
  ];
  const rows = await tx
    .select({
      ...hitColumns(query),
      published: kbArticles.published,
      ticketCategories: kbArticles.ticketCategories,
    })
    .from(kbArticles)
    .where(and(...conditions))
    .orderBy(
      ...(q ? [desc(sql`ts_rank(${WEIGHTED}, ${query})`)] : []),
      asc(kbArticles.category),
      asc(kbArticles.title),
    )
    .limit(Math.min(filter.limit ?? 200, 500));
  return rows.map((r) => ({ ...toHit(r), published: r.published, ticketCategories: r.ticketCategories }));
}

/** The public help centre's list or search: published articles only. */
export async function listPublishedArticles(
  database: Database,
  workspaceId: string,
  filter: Omit<ArticleFilter, 'published'> = {},
): Promise<ArticleHit[]> {
  const rows = await listArticles(database, workspaceId, { ...filter, published: true });
  return rows.map(({ published: _p, ticketCategories: _c, ...hit }) => hit);
}

/** A published article by its slug, counted as viewed (`countView`); null for a draft or an unknown slug. */
export async function publishedArticle(
  database: Database,
  workspaceId: string,
  slug: string,
  options: { readonly countView?: boolean } = {},
): Promise<ArticleRow | null> {
  return database.inWorkspace(workspaceId, async (tx) => {
    const where = and(
      eq(kbArticles.workspaceId, workspaceId),
      eq(kbArticles.slug, slug),
      eq(kbArticles.published, true),
    );
    if (!options.countView) return (await tx.select().from(kbArticles).where(where))[0] ?? null;
    const [row] = await tx
      .update(kbArticles)
      .set({ views: sql`${kbArticles.views} + 1` })
      .where(where)
      .returning();
    return row ?? null;
  });
}

/** A reader's "was this helpful?" answer on a published article; false when there is no such article. */
export async function recordFeedback(
  database: Database,
  workspaceId: string,
  slug: string,
  helpful: boolean,
): Promise<boolean> {
  const rows = await database.inWorkspace(workspaceId, (tx) =>
    tx
      .update(kbArticles)
      .set(
        helpful
          ? { helpful: sql`${kbArticles.helpful} + 1` }
          : { notHelpful: sql`${kbArticles.notHelpful} + 1` },
      )
      .where(
        and(
          eq(kbArticles.workspaceId, workspaceId),
          eq(kbArticles.slug, slug),
          eq(kbArticles.published, true),
        ),
      )
      .returning({ id: kbArticles.id }),
  );
  return rows.length > 0;
}

/** A suggested article: `path` is relative to the public URL (`/help/<workspace slug>/articles/<slug>`). */
export interface SuggestedArticle {
  readonly id: string;
  readonly slug: string;
  readonly title: string;
  readonly path: string;
}

/**
 * The `limit` published articles that best match a text (a new ticket's subject and first message, a chat
 * question), for the chat bot, the acknowledgement and the agent's ticket view. Any shared word counts;
 * more shared words and title words rank higher, and with `category` the articles written for that ticket
 * category come first. Runs in the caller's transaction, or in its own on a `Database`.
 *
 * @example await suggestArticles(tx, ws, 'How do I export my invoices?', 3)
 */
export async function suggestArticles(
  on: Tx | Database,
  workspaceId: string,
  text: string,
  limit: number,
  options: { readonly category?: string | null | undefined } = {},
): Promise<SuggestedArticle[]> {
  if ('inWorkspace' in on)
    return on.inWorkspace(workspaceId, (tx) => suggestArticles(tx, workspaceId, text, limit, options));
  const words = suggestionWords(text);
  if (words.length === 0 || limit <= 0) return [];
  // Letters, marks and digits only: nothing in a word is tsquery syntax.
  const query = sql`to_tsquery('simple', ${words.join(' | ')})`;
  const categoryFirst = options.category
    ? [desc(sql`${kbArticles.ticketCategories} @> ${JSON.stringify([options.category])}::jsonb`)]
    : [];
  const rows = await on
    .select({ id: kbArticles.id, slug: kbArticles.slug, title: kbArticles.title })
    .from(kbArticles)
    .where(
      and(
        eq(kbArticles.workspaceId, workspaceId),
        eq(kbArticles.published, true),
        sql`${DOCUMENT} @@ ${query}`,
      ),
    )
    .orderBy(...categoryFirst, desc(sql`ts_rank(${WEIGHTED}, ${query})`), asc(kbArticles.title))
    .limit(Math.min(limit, 20));
  if (rows.length === 0) return [];
  const [ws] = await on
    .select({ slug: workspaces.slug })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  const base = `/help/${encodeURIComponent(ws?.slug ?? workspaceId)}/articles/`;
  return rows.map((r) => ({ ...r, path: `${base}${encodeURIComponent(r.slug)}` }));
}
