/** The packs a workspace runs: list, and one pack's rendered SOP with its version history. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import {
  diffPackVersions,
  getPack,
  listActivePacks,
  type PackVersionSummary,
} from '../../modules/packs/versions.js';
import { markdownToSafeHtml } from '../../packs/html.js';
import type { AppDeps } from '../deps.js';

const PackVersion = z.object({
  packId: z.string(),
  title: z.string(),
  version: z.string(),
  hash: z.string().describe('SHA-256 of the validated pack: the same files always give the same hash.'),
  active: z.boolean(),
  createdAt: z.string(),
  activatedAt: z.string().nullable(),
  activatedBy: z.string().nullable(),
});

const json = (v: PackVersionSummary): z.infer<typeof PackVersion> => ({
  ...v,
  createdAt: v.createdAt.toISOString(),
  activatedAt: v.activatedAt?.toISOString() ?? null,
});

const WorkspaceParams = z.strictObject({ workspaceId: z.string().min(1).max(64) });

export function packRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/workspaces/:workspaceId/packs',
    {
      schema: {
        tags: ['packs'],
        summary: 'The packs this workspace runs (their active versions)',
        params: WorkspaceParams,
        response: { 200: z.object({ items: z.array(PackVersion) }) },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      return { items: (await listActivePacks(deps.database, request.params.workspaceId)).map(json) };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/packs/:packId',
    {
      schema: {
        tags: ['packs'],
        summary: 'One pack: its SOP document (Markdown and HTML) and its version history',
        params: WorkspaceParams.extend({ packId: z.string().min(1).max(100) }),
        response: {
          200: PackVersion.extend({ markdown: z.string(), html: z.string(), versions: z.array(PackVersion) }),
        },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      const { workspaceId, packId } = request.params;
      const pack = await getPack(deps.database, workspaceId, packId);
      if (!pack) throw new OpsError('OPS_NOT_FOUND', `This workspace runs no pack "${packId}".`);
      const { rendered, ...active } = pack.active;
      return {
        ...json(active),
        markdown: rendered,
        html: markdownToSafeHtml(rendered),
        versions: pack.versions.map(json),
      };
    },
  );

  r.get(
    '/api/v1/workspaces/:workspaceId/packs/:packId/diff',
    {
      schema: {
        tags: ['packs'],
        summary: 'What changed in meaning between two versions of a pack (targets, steps, templates)',
        params: WorkspaceParams.extend({ packId: z.string().min(1).max(100) }),
        querystring: z.strictObject({
          from: z.string().regex(/^[0-9a-f]{64}$/, 'a version hash (64 hex digits)'),
          to: z.string().regex(/^[0-9a-f]{64}$/, 'a version hash (64 hex digits)'),
        }),
        response: { 200: z.object({ changes: z.array(z.string()) }) },
      },
      config: { access: 'packs.read' },
    },
    async (request) => {
      const { workspaceId, packId } = request.params;
      const changes = await diffPackVersions(
        deps.database,
        workspaceId,
        packId,
        request.query.from,
        request.query.to,
      );
      if (!changes)
        throw new OpsError('OPS_NOT_FOUND', `Pack "${packId}" has no version with one of these hashes.`);
      return { changes };
    },
  );
}
