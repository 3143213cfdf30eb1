/** Small builders shared by the store, engine and API suites. */
import { randomBytes } from 'node:crypto';
import { newId } from '../../src/shared/ids.js';
import type { Database } from '../../src/store/database.js';
import { workspaces } from '../../src/store/schema.js';

export async function createWorkspace(database: Database, name = 'Test workspace'): Promise<string> {
  const id = newId('ws', Date.now());
  const slug = `t-${randomBytes(4).toString('hex')}`;
  await database.inWorkspace(id, (tx) => tx.insert(workspaces).values({ id, slug, name, timeZone: 'UTC' }));
  return id;
}
