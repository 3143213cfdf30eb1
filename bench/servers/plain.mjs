// The peer: plain Fastify, no plugins, no validation, one route running the same SQL as Opsbook's
// GET /api/v1/workspaces/:id (session lookup, then a workspace-scoped transaction) on the raw driver.
import { createHash } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { announce, setUp } from './setup.mjs';

const url = process.argv[2];
const setup = await setUp(url);
const SESSION_SQL = `select s.id, s.csrf_token, s.current_workspace, s.last_seen_at, s.expires_at, u.id as user_id, u.email, u.name
  from sessions s inner join users u on u.id = s.user_id where s.token_hash = $1 and s.revoked_at is null limit 1`;
const SCOPE_SQL = `select set_config('opsbook.workspace_id', $1, true), set_config('opsbook.user_id', $2, true)`;
const WORKSPACE_SQL = `select w.id, w.slug, w.name, w.time_zone, m.role, w.created_at from workspaces w
  inner join memberships m on m.workspace_id = w.id and m.user_id = $2 where w.id = $1 limit 1`;

let query; // (fn: (q) => Promise<T>) => Promise<T>, q(sql, params) → rows, inside one transaction
let plainQuery;
if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c role=opsbook_app' });
  plainQuery = async (sql, params) => (await pool.query(sql, params)).rows;
  query = async (fn) => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const result = await fn(async (sql, params) => (await client.query(sql, params)).rows);
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback');
      throw err;
    } finally {
      client.release();
    }
  };
} else {
  const client = setup.database.db.$client;
  plainQuery = async (sql, params) => (await client.query(sql, params)).rows;
  query = (fn) => client.transaction((tx) => fn(async (sql, params) => (await tx.query(sql, params)).rows));
}

const app = Fastify();
app.get('/api/v1/workspaces/:workspaceId', async (request, reply) => {
  const token = /opsbook_session=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  const [session] = token
    ? await plainQuery(SESSION_SQL, [createHash('sha256').update(token).digest('hex')])
    : [];
  if (!session) return reply.code(401).send({ code: 'OPS_UNAUTHENTICATED' });
  const { workspaceId } = request.params;
  const [w] = await query(async (q) => {
    await q(SCOPE_SQL, [workspaceId, session.user_id]);
    return q(WORKSPACE_SQL, [workspaceId, session.user_id]);
  });
  if (!w) return reply.code(404).send({ code: 'OPS_NOT_FOUND' });
  return {
    id: w.id,
    slug: w.slug,
    name: w.name,
    timeZone: w.time_zone,
    role: w.role,
    createdAt: new Date(w.created_at).toISOString(),
  };
});
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server.address().port, setup);
process.once('SIGTERM', () => process.exit(0));
