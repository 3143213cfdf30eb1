/**
 * Usage facts over HTTP (issue 9): one account's batch, or up to 1,000 batches of many accounts in one
 * transaction; idempotent by key; for `accounts.write` or an ingest token.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import { recordFactBatches } from '../../modules/customers/facts.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';
import { A, AccountId, FactBatch, Outcome, retrying, TAGS, W } from './customer-schemas.js';

export function factRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const apply = (
    workspaceId: string,
    actor: string,
    batches: readonly (z.infer<typeof FactBatch> & { account: string })[],
    bulk: boolean,
  ) =>
    retrying(() =>
      deps.database.inWorkspace(workspaceId, async (tx) => {
        const nowMs = deps.now().getTime();
        // An observation from the future would make every later real one stale.
        batches.forEach((b, i) => {
          if (b.at !== undefined && Date.parse(b.at) > nowMs + 5 * 60_000)
            throw new OpsError('OPS_VALIDATION', 'A batch is dated in the future.', [
              {
                pointer: bulk ? `/body/items/${i}/at` : '/body/at',
                message:
                  'Date the values when the SaaS observed them (at most 5 minutes ahead of our clock).',
              },
            ]);
        });
        return recordFactBatches(
          tx,
          engine,
          workspaceId,
          batches.map((b) => ({
            account: b.account,
            facts: b.facts,
            ...(b.at !== undefined ? { atMs: Date.parse(b.at) } : {}),
            ...(b.key !== undefined ? { key: b.key } : {}),
          })),
          actor,
          nowMs,
        );
      }),
    );

  r.post(
    `${base}/:accountId/facts`,
    {
      schema: {
        tags: TAGS,
        summary: "Record an account's usage facts",
        description:
          'Values observed at `at` (default now); an older value never replaces a newer one. With a `key`, a replay changes nothing and answers `duplicate: true`. Changed values reach the engine (`fact.set`) for the account and its registered contacts.',
        params: A,
        body: FactBatch,
        response: { 200: Outcome },
      },
      config: { access: ['accounts.write', 'ingest'] },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      const [outcome] = await apply(
        workspaceId,
        accessOf(request).actor,
        [{ ...request.body, account: accountId }],
        false,
      );
      return outcome!;
    },
  );

  r.post(
    '/api/v1/workspaces/:workspaceId/facts',
    {
      schema: {
        tags: TAGS,
        summary: 'Record usage facts of many accounts in one call (up to 1,000 batches)',
        description: 'All batches are applied in one transaction, in order: all or none.',
        params: W,
        body: z.strictObject({
          items: z
            .array(FactBatch.extend({ account: AccountId }))
            .min(1)
            .max(1000),
        }),
        response: { 200: z.object({ items: z.array(Outcome) }) },
      },
      config: { access: ['accounts.write', 'ingest'] },
    },
    async (request) => ({
      items: await apply(request.params.workspaceId, accessOf(request).actor, request.body.items, true),
    }),
  );
}
