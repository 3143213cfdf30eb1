/**
 * An account's data as one JSON file (issue 9): the export offered before the data is deleted at the end
 * of retention (POS "Data export available", 003#71). Reading it needs what reading the account needs
 * (`records.read`); every export is recorded in the audit log, as a personal-data export is. After the
 * deletion it holds the tombstone and the record of the deletion only (src/modules/customers/retention.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportAccountData } from '../../modules/customers/retention.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { A, Contact, Scalar, TAGS } from './customer-schemas.js';

const Entry = z.object({
  id: z.number(),
  subject: z.string(),
  type: z.string(),
  actor: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: z.string(),
});

const AccountExport = z.object({
  exportedAt: z.string(),
  account: z.object({
    id: z.string(),
    name: z.string(),
    kind: z.string(),
    plan: z.string().nullable(),
    ownerUserId: z.string().nullable(),
    state: z.string(),
    lifecycles: z.record(z.string(), z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
  dataDeleted: z
    .object({ at: z.string(), data: z.record(z.string(), z.unknown()) })
    .nullable()
    .describe('When the data was deleted at the end of retention, and what was deleted; null if never.'),
  facts: z.record(z.string(), z.object({ value: Scalar, observedAt: z.string().nullable() })),
  custom: z.record(z.string(), Scalar),
  contacts: z.array(Contact),
  timeline: z.array(Entry).describe('The whole timeline; after a deletion, from the deletion on.'),
});

/** `shop_42` → `account-shop_42-2026-03-02.json` (a colon is not safe in every file system). */
const filename = (accountId: string, at: Date) =>
  `account-${accountId.replaceAll(':', '_')}-${at.toISOString().slice(0, 10)}.json`;

export function exportRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/workspaces/:workspaceId/accounts/:accountId/export',
    {
      schema: {
        tags: TAGS,
        summary: "The account's data as one JSON file: account, facts, custom fields, contacts, timeline",
        description:
          'Offered before the data is deleted at the end of retention; after the deletion, the tombstone and the record of the deletion only. Recorded in the audit log.',
        params: A,
        response: { 200: AccountExport },
      },
      config: { access: 'records.read' },
    },
    async (request, reply) => {
      const { workspaceId, accountId } = request.params;
      const now = deps.now();
      const exported = await deps.database.inWorkspace(workspaceId, (tx) =>
        exportAccountData(tx, workspaceId, accountId, accessOf(request).actor, now),
      );
      return reply
        .header('content-disposition', `attachment; filename="${filename(accountId, now)}"`)
        .header('cache-control', 'private, no-store')
        .send(exported);
    },
  );
}
