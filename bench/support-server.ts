/**
 * A server of part b of `npm run bench -- support`, in its own process (started under tsx by
 * support-create.ts) so the load generator does not share its event loop. argv[2] is JSON:
 * `{ kind: 'opsbook' | 'plain', url: string | null, workspaceId?, adminId? }` (url null: embedded PGlite,
 * in memory, loaded here). Prints `{ port, path, token }` when it listens.
 * - opsbook: the real app (buildApp as `opsbook serve` builds it, logging at warn to stderr) with an API
 *   token of scope `write` for the demo ShopSmart workspace; POST …/tickets creates a ticket.
 * - plain: Fastify with no plugins and one route that INSERTs the request's JSON into a plain table
 *   (no auth, no validation, no engine) on a pool of the same size, answering 201 with the row.
 */
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import pg from 'pg';
import { listenBenchApp } from './bench-app.js';
import { createToken } from '../src/modules/access/tokens.js';
import type { Database } from '../src/store/database.js';
import { openPglite } from '../src/store/pglite.js';
import { openPostgres } from '../src/store/postgres.js';
import { demoOf } from './support-engine.js';

export interface ServerArgs {
  readonly kind: 'opsbook' | 'plain';
  readonly url: string | null;
  /** PostgreSQL: the demo is loaded by the parent. */
  readonly workspaceId?: string;
  readonly adminId?: string;
}

export interface ServerInfo {
  readonly port: number;
  readonly path: string;
  readonly token: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ServerArgs;
const announce = (info: ServerInfo) => process.stdout.write(`${JSON.stringify(info)}\n`);
process.once('SIGTERM', () => process.exit(0));

async function opsbook(): Promise<void> {
  let database: Database;
  let ids: { workspaceId: string; adminId: string };
  if (args.url) {
    database = await openPostgres({ url: args.url, poolMax: 10, migrate: false });
    ids = { workspaceId: args.workspaceId!, adminId: args.adminId! };
  } else {
    database = await openPglite();
    const demo = await demoOf(database);
    ids = { workspaceId: demo.workspaces.get('shopsmart')!, adminId: demo.adminId };
  }
  const { token } = await createToken(
    database,
    ids.workspaceId,
    { name: 'bench', scope: 'write', expiresAt: null, createdBy: `user:${ids.adminId}` },
    new Date(),
  );
  const port = await listenBenchApp(database);
  announce({
    port,
    path: `/api/v1/workspaces/${ids.workspaceId}/tickets`,
    token,
  });
}

const TABLE = `create table if not exists bench_created (id bigserial primary key, workspace_id text not null,
  body jsonb not null, created_at timestamptz not null default now())`;

async function plain(): Promise<void> {
  let query: (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
  if (args.url) {
    const pool = new pg.Pool({ connectionString: args.url, max: 10 });
    query = async (text, params) => (await pool.query<Record<string, unknown>>(text, params)).rows;
  } else {
    // The same embedded engine and settings as openPglite, without Opsbook's schema.
    const client = await PGlite.create({ postgresqlconf: ['shared_buffers=16MB', 'max_connections=3'] });
    query = async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows;
    await query(TABLE);
  }
  const app = Fastify();
  app.post<{ Params: { workspaceId: string } }>(
    '/api/v1/workspaces/:workspaceId/tickets',
    async (request, reply) => {
      const [row] = await query(
        'insert into bench_created (workspace_id, body) values ($1, $2) returning id, created_at',
        [request.params.workspaceId, JSON.stringify(request.body)],
      );
      return reply.code(201).send({
        id: String(row!.id),
        ...(request.body as object),
        createdAt: new Date(row!.created_at as string).toISOString(),
      });
    },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  announce({
    port: typeof address === 'object' && address ? address.port : 0,
    path: `/api/v1/workspaces/${args.workspaceId ?? 'ws_bench'}/tickets`,
    token: '',
  });
}

await (args.kind === 'opsbook' ? opsbook() : plain());
