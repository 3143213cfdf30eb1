/**
 * `opsbook token create --workspace <id> --role <read|write|ingest|admin> [--name N] [--days D]`:
 * mints an API token for operators and demos (integrations use `ingest`). The secret is printed once;
 * only its SHA-256 is stored, and the creation is in the workspace's audit log.
 */
import { userInfo } from 'node:os';
import { eq } from 'drizzle-orm';
import type { Config } from '../config/config.js';
import { TOKEN_SCOPES, type TokenScope } from '../core/access.js';
import { createToken } from '../modules/access/tokens.js';
import { openDatabase } from '../store/open.js';
import { workspaces } from '../store/schema.js';

export function isTokenScope(value: string): value is TokenScope {
  return Object.hasOwn(TOKEN_SCOPES, value);
}

export async function createTokenCommand(
  config: Config,
  input: { workspace: string; scope: TokenScope; name: string; days: number | null },
): Promise<boolean> {
  const database = await openDatabase(config);
  try {
    // Row-level security shows a workspace's row only inside its own transaction: the id is needed.
    const [found] = await database.inWorkspace(input.workspace, (tx) =>
      tx
        .select({ id: workspaces.id, name: workspaces.name })
        .from(workspaces)
        .where(eq(workspaces.id, input.workspace)),
    );
    if (!found) {
      process.stdout.write(
        `No workspace "${input.workspace}" (use its id, ws_…, shown on the Admin page).\n`,
      );
      return false;
    }
    const now = new Date();
    const made = await createToken(
      database,
      found.id,
      {
        name: input.name,
        scope: input.scope,
        expiresAt: input.days === null ? null : new Date(now.getTime() + input.days * 86_400_000),
        createdBy: `cli:${userInfo().username}`,
      },
      now,
    );
    process.stdout.write(
      `Created ${input.scope} token "${input.name}" (${made.view.id}) for ${found.name}.\n` +
        `Send it as "Authorization: Bearer <token>"; it is shown only now:\n${made.token}\n`,
    );
    return true;
  } finally {
    await database.close();
  }
}
