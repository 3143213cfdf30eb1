/**
 * R7 for the mail intake: when the database cannot write, SMTP answers a temporary 4xx and never 250;
 * when it can again, the sender's retry is stored, once.
 *
 * - Disk full: a throwaway PostgreSQL cluster (never the shared server) whose data folder is a small
 *   tmpfs (its WAL on the ordinary disk, so PostgreSQL reports ENOSPC as an error, SQLSTATE 53100, rather
 *   than stopping), filled to the last byte. Mail is answered 452; after the filler is removed, the same
 *   mails are accepted. Needs root to mount the tmpfs; without it that part is skipped (and says so).
 * - Gone: the same cluster stopped with `pg_ctl stop -m immediate` mid-run: 451, then accepted once it is
 *   back.
 * - The mapping from a failure's code to the answer, unit by unit.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { storeFailureReply } from '../../src/core/support/mail-rules.js';
import { silentLog } from '../../src/engine/log.js';
import { startSupportSmtp, type RunningSupportSmtp } from '../../src/intake/support-smtp.js';
import { supportContext } from '../../src/modules/support/context.js';
import { rowsOf, type Database } from '../../src/store/database.js';
import { migratePostgres, openPostgres } from '../../src/store/postgres.js';
import { sleep } from '../engine/fault-support.js';
import { freePort, mailWorkspace, SmtpSender, type SmtpReply } from './fault-mail-support.js';
import { mime } from './mail-fixtures.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;
const clusterAvailable = existsSync(join(PG_BIN, 'initdb'));

describe('the answer to a mail the database could not store', () => {
  it('is 452 (insufficient storage) for a full disk, 451 for anything else; both temporary', () => {
    for (const code of ['53100', '53000', '53200', '53400', 'ENOSPC', 'EDQUOT'])
      expect(storeFailureReply(code).code, code).toBe(452);
    for (const code of ['53300', '57P01', '08006', 'ECONNREFUSED', '40001', 'OPS_INTERNAL', undefined])
      expect(storeFailureReply(code).code, String(code)).toBe(451);
    expect(storeFailureReply('53100').message).toMatch(/storage is full; try again later/);
  });
});

/** A cluster of this test's own; its data folder on a tmpfs of `sizeMb` when `tmpfsMb` is given. */
function cluster(port: number, tmpfsMb: number | null) {
  const base = mkdtempSync(join(tmpdir(), 'opsbook-r7-'));
  const dataFs = join(base, 'fs');
  mkdirSync(dataFs);
  mkdirSync(join(base, 'wal'));
  let mounted = false;
  if (tmpfsMb !== null) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsMb}m`, 'tmpfs', dataFs], { stdio: 'pipe' });
      mounted = true;
    } catch {
      // no tmpfs (not root, or no mount permission): the disk-full part is skipped
    }
  }
  const run = (bin: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { stdio: 'pipe' })
      : execFileSync(join(PG_BIN, bin), args, { stdio: 'pipe' });
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chmodSync(base, 0o755);
    for (const dir of [base, dataFs, join(base, 'wal')]) chownSync(dir, uid, gid);
  }
  const dataDir = join(dataFs, 'data');
  // WAL on the ordinary disk: a full data folder then fails statements (53100), not the server.
  run('initdb', [
    '-D',
    dataDir,
    `--waldir=${join(base, 'wal', 'pg_wal')}`,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
  ]);
  const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB`;
  const start = () =>
    void run('pg_ctl', ['-D', dataDir, '-l', join(base, 'log'), '-o', options, '-w', 'start']);
  const filler = join(dataFs, 'filler');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    mounted,
    start,
    stopImmediate: () => void run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']),
    /** Writes a file until the data folder's file system has no byte left. */
    fill() {
      const fd = openSync(filler, 'w');
      const block = Buffer.alloc(1024 * 1024, 1);
      try {
        for (;;) writeSync(fd, block);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        try {
          for (;;) writeSync(fd, block, 0, 512); // the last scraps
        } catch {
          // full
        }
      } finally {
        closeSync(fd);
      }
    },
    free: () => rmSync(filler, { force: true }),
    destroy() {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already stopped
      }
      if (mounted) execFileSync('umount', [dataFs], { stdio: 'pipe' });
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** A customer's mail with a 200 KB attachment of random bytes: storing it must allocate new pages. */
const heavyMail = (n: number) =>
  mime({
    from: `r7-${n}@shop.test`,
    subject: `R7 mail ${n}`,
    messageId: `<r7-${n}-${randomBytes(4).toString('hex')}@shop.test>`,
    attachments: [
      { filename: 'log.bin', contentType: 'application/octet-stream', data: randomBytes(200_000) },
    ],
  });

async function sendOnce(port: number, to: string, raw: Buffer): Promise<SmtpReply> {
  const sender = await SmtpSender.open(port);
  try {
    return await sender.send('customer@shop.test', to, raw);
  } finally {
    sender.close();
  }
}

/** Sends until a 250, as a sending MTA retries; returns the replies before it and how long it took. */
async function sendUntilAccepted(port: number, to: string, raw: Buffer, deadlineMs: number) {
  const seen: number[] = [];
  const startedAt = Date.now();
  for (;;) {
    const reply = await sendOnce(port, to, raw).catch(() => ({ code: 0, text: 'connection lost' }));
    if (reply.code === 250) return { before: seen, ms: Date.now() - startedAt };
    seen.push(reply.code);
    if (Date.now() > deadlineMs) throw new Error(`not accepted in time; replies ${seen.join(',')}`);
    await sleep(250);
  }
}

async function storedCount(database: Database, ws: string, messageIds: readonly string[]): Promise<number> {
  const [row] = await database.inWorkspace(ws, (tx) =>
    tx
      .execute(
        sql`select count(*)::int as n from ticket_messages where email_message_id in (${sql.join(
          messageIds.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      )
      .then(rowsOf<{ n: number }>),
  );
  return row?.n ?? 0;
}

const idOf = (raw: Buffer) => /Message-ID: <([^>]+)>/.exec(raw.toString('latin1'))![1]!;

describe.runIf(clusterAvailable)('R7-mail: the database cannot write', () => {
  it(
    'answers 452 on a full disk and 451 with the server gone, never 250, and recovers',
    { timeout: 240_000 },
    async () => {
      const c = cluster(await freePort(), asRoot ? 96 : null);
      let smtp: RunningSupportSmtp | null = null;
      let database: Database | null = null;
      try {
        c.start();
        const ownerUrl = c.url.replace(/\/postgres$/, '/opsbook');
        const appUrl = ownerUrl.replace('postgres@', 'opsbook_app_login@');
        const admin = new pg.Client({ connectionString: c.url });
        await admin.connect();
        await admin.query('create database opsbook');
        await admin.query('create role opsbook_app_login login nosuperuser nobypassrls');
        await admin.end();
        await migratePostgres(ownerUrl, { grantTo: 'opsbook_app_login' });
        database = await openPostgres({ url: appUrl, poolMax: 2, migrate: false, onError: () => undefined });
        const { ws, address } = await mailWorkspace(database, 'R7 mail');
        smtp = await startSupportSmtp({
          support: supportContext({ database, now: () => new Date(), config: loadConfig({}) }),
          log: silentLog,
          host: '127.0.0.1',
          port: 0,
          domain: 'support.localhost',
          maxBytes: 1024 * 1024,
        });
        expect((await sendOnce(smtp.port, address, heavyMail(0))).code).toBe(250);

        // Disk full: every mail is answered 452 and none is stored; after space returns, each is stored once.
        let diskFull = 'skipped (no tmpfs: not root, or mount refused)';
        if (c.mounted) {
          c.fill();
          const mails = Array.from({ length: 5 }, (_, i) => heavyMail(i + 1));
          const replies: SmtpReply[] = [];
          for (const raw of mails) replies.push(await sendOnce(smtp.port, address, raw));
          const ids = mails.map(idOf);
          const storedWhileFull = await storedCount(database, ws, ids);
          c.free();
          const retried = [];
          for (const raw of mails)
            retried.push(await sendUntilAccepted(smtp.port, address, raw, Date.now() + 60_000));
          const storedAfter = await storedCount(database, ws, ids);
          diskFull =
            `answers=${replies.map((r) => r.code).join(',')} stored_while_full=${storedWhileFull} ` +
            `accepted_after_space_returned=${retried.length} stored_after=${storedAfter}`;
          expect(replies.map((r) => r.code)).toEqual([452, 452, 452, 452, 452]);
          expect(replies[0]!.text).toMatch(/storage is full; try again later/);
          expect(storedWhileFull).toBe(0);
          expect(storedAfter).toBe(mails.length);
        }

        // Server gone: 451 (at RCPT or after DATA), never 250; accepted again once it is back.
        const gone = heavyMail(10);
        c.stopImmediate();
        const whileDown = await sendOnce(smtp.port, address, gone);
        expect(whileDown.code).toBe(451);
        c.start();
        const back = await sendUntilAccepted(smtp.port, address, gone, Date.now() + 60_000);
        expect(back.before.every((code) => code === 451 || code === 0)).toBe(true);
        expect(await storedCount(database, ws, [idOf(gone)])).toBe(1);
        console.log(
          `RESULT R7-mail disk_full: ${diskFull} | server_gone: answer=${whileDown.code} ` +
            `accepted_after_restart_ms=${back.ms} retries_before=${back.before.length} stored=1`,
        );
      } finally {
        await smtp?.stop();
        await database?.close();
        c.destroy();
      }
    },
  );
});
