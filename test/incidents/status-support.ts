/** What the status-page suites share: incidents written as the incident module writes them, an XML check. */
import { Parser } from 'htmlparser2';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { eq } from 'drizzle-orm';
import {
  componentStatusChanges,
  incidents,
  incidentUpdates,
  maintenanceWindows,
  statusComponents,
} from '../../src/store/schema-incidents.js';
import { timers, users } from '../../src/store/schema.js';
import { DEMO_ADMIN_EMAIL } from '../../src/modules/admin/demo.js';
import { listMyWorkspaces } from '../../src/modules/admin/workspaces.js';
import { MAINTENANCE_TIMER } from '../../src/modules/status/maintenance.js';

let number = 1000;

export interface UpdateSpec {
  readonly status: string;
  readonly audience: 'public' | 'internal';
  readonly text: string;
  /** Published (public updates): when; null: pending approval. */
  readonly publishedAt?: Date | null;
  readonly hi?: string;
}

/** An incident row and its updates, as src/modules/incidents writes them. */
export async function insertIncident(
  database: Database,
  workspaceId: string,
  input: {
    title: string;
    severity?: string;
    restricted?: boolean;
    components?: string[];
    detectedAt?: Date;
    resolvedAt?: Date | null;
    updates: readonly UpdateSpec[];
  },
): Promise<{ id: string; updateIds: string[] }> {
  const detectedAt = input.detectedAt ?? new Date(Date.now() - 3_600_000);
  const id = newId('inc', detectedAt.getTime());
  const updateIds: string[] = [];
  await database.inWorkspace(workspaceId, async (tx) => {
    await tx.insert(incidents).values({
      id,
      workspaceId,
      number: number++,
      title: input.title,
      status: input.resolvedAt ? 'resolved' : (input.updates.at(-1)?.status ?? 'declared'),
      severity: input.severity ?? 'p1',
      restricted: input.restricted ?? false,
      components: input.components ?? [],
      declaredBy: 'user:test',
      detectedAt,
      resolvedAt: input.resolvedAt ?? null,
    });
    let at = detectedAt.getTime();
    for (const u of input.updates) {
      at += 60_000;
      const updateId = newId('upd', at);
      updateIds.push(updateId);
      const published =
        u.audience === 'public' ? (u.publishedAt === undefined ? new Date(at) : u.publishedAt) : null;
      await tx.insert(incidentUpdates).values({
        id: updateId,
        workspaceId,
        incidentId: id,
        status: u.status,
        audience: u.audience,
        body: { en: u.text, ...(u.hi ? { hi: u.hi } : {}) },
        approval: published || u.audience === 'internal' ? 'approved' : 'pending',
        postedBy: 'user:test',
        createdAt: new Date(at),
        publishedAt: published,
      });
    }
  });
  return { id, updateIds };
}

/**
 * Problems that make a document not well-formed XML: an element closed by another's end tag, one left
 * open, text after the root, an unknown entity, a raw `<` or control character. Empty when well-formed.
 */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  if (!xml.startsWith('<?xml ')) problems.push('no XML declaration');
  const stack: { name: string; selfClosing: boolean }[] = [];
  let roots = 0;
  const parser: Parser = new Parser(
    {
      onopentag(name) {
        if (stack.length === 0) roots++;
        stack.push({ name, selfClosing: xml[parser.endIndex - 1] === '/' });
      },
      onclosetag(name, isImplied) {
        const open = stack.pop();
        // The parser reports the end of `<x/>` as implied; any other implied end is a missing end tag.
        if (isImplied && !open?.selfClosing) problems.push(`<${name}> closed implicitly`);
        if (open?.name !== name) problems.push(`</${name}> does not close the open element`);
      },
      ontext(text) {
        if (stack.length === 0 && text.trim() !== '')
          problems.push(`text outside the root: ${text.slice(0, 40)}`);
      },
    },
    { xmlMode: true, decodeEntities: false },
  );
  parser.write(xml);
  parser.end();
  if (stack.length > 0) problems.push(`left open: ${stack.map((e) => e.name).join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.exec(xml);
  if (entity) problems.push(`a bare & at ${entity.index}`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(xml)) problems.push('a control character');
  return problems;
}

/**
 * The demo seeds every demo workspace's status page (components with history, maintenance, a resolved
 * incident's public updates). The status-page suites start from a blank page instead, as a new workspace
 * has: this clears what the demo put there, in every demo workspace.
 */
export async function blankDemoStatusPages(database: Database): Promise<void> {
  const [admin] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, DEMO_ADMIN_EMAIL));
  if (!admin) return;
  for (const ws of await listMyWorkspaces(database, admin.id))
    await database.inWorkspace(ws.id, async (tx) => {
      await tx.delete(componentStatusChanges);
      await tx.delete(statusComponents);
      await tx.delete(maintenanceWindows);
      await tx.delete(timers).where(eq(timers.kind, MAINTENANCE_TIMER));
      await tx.update(incidentUpdates).set({ publishedAt: null, audience: 'internal' });
    });
}
