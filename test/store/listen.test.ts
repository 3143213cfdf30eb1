/** LISTEN survives PostgreSQL dropping the connection: the listener reconnects and wakes its owner. */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, ENGINES, postgresAvailable, postgresSkipReason } from '../support/databases.js';

describe.runIf(postgresAvailable)(`LISTEN on PostgreSQL${postgresSkipReason}`, () => {
  it('reconnects after its backend is terminated, and wakes once for what it may have missed', async () => {
    const opened = await ENGINES.find((e) => e.name === 'postgres')!.open();
    const payloads: string[] = [];
    const unlisten = await opened.database.listen('opsbook_test_channel', (p) => payloads.push(p));
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const terminated = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where query = 'LISTEN "opsbook_test_channel"'`,
      );
      expect(terminated.rowCount).toBe(1);
      const deadline = Date.now() + 10_000;
      while (!payloads.includes('') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(payloads).toContain(''); // the wake-up after reconnecting
      await opened.database.db.execute(sql`select pg_notify('opsbook_test_channel', 'after')`);
      while (!payloads.includes('after') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(payloads).toContain('after');
    } finally {
      await admin.end();
      await unlisten();
      await opened.close();
    }
  });
});
