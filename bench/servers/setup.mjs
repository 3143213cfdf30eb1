// Shared set-up of both benchmark servers: the same database (PostgreSQL is migrated by the parent, which
// passes the application's login), demo data and signed-in session, made with Opsbook's own (built) code,
// so the two servers differ only in how they answer a request.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDemo, DEMO_ADMIN_EMAIL, DEMO_PASSWORD } from '../../dist/modules/admin/demo.js';
import { signIn } from '../../dist/modules/admin/sessions.js';
import { listMyWorkspaces } from '../../dist/modules/admin/workspaces.js';
import { openPglite } from '../../dist/store/pglite.js';
import { openPostgres } from '../../dist/store/postgres.js';

export async function setUp(url) {
  const database = url
    ? await openPostgres({ url, poolMax: 10, migrate: false })
    : await openPglite({ dataDir: mkdtempSync(join(tmpdir(), 'opsbook-bench-')) });
  await loadDemo(database, new Date());
  const policy = { idleMinutes: 720, maxDays: 14 };
  const signedIn = await signIn(
    database,
    { email: DEMO_ADMIN_EMAIL, password: DEMO_PASSWORD },
    policy,
    new Date(),
  );
  const workspaces = await listMyWorkspaces(database, signedIn.session.user.id);
  const workspace = workspaces.find((w) => w.slug === 'shopsmart');
  return { database, token: signedIn.token, workspaceId: workspace.id };
}

export function announce(port, setup) {
  process.stdout.write(
    `${JSON.stringify({ port, cookie: `opsbook_session=${setup.token}`, path: `/api/v1/workspaces/${setup.workspaceId}` })}\n`,
  );
}
