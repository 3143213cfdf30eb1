/**
 * Malformed MIME never crashes the intake (issue 7): random bytes, random header blocks and real messages
 * mutated byte by byte go through readMail and intakeMail on both engines. Each one is either stored (a
 * ticket or a message, or quarantined) or refused with a reason; nothing throws.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { activatePack } from '../../src/modules/packs/versions.js';
import { supportContext } from '../../src/modules/support/context.js';
import { intakeMail, type MailTarget } from '../../src/modules/support/mail-intake.js';
import { readMail } from '../../src/modules/support/mail-parse.js';
import type { SupportContext } from '../../src/modules/support/ticket-store.js';
import { loadPack } from '../../src/packs/load.js';
import { ENGINES, type OpenedDatabase } from '../support/databases.js';
import { createWorkspace } from '../support/fixtures.js';
import { bounce, mime } from './mail-fixtures.js';

const SEEDS: readonly Buffer[] = [
  mime({ subject: 'Plain' }),
  mime({
    from: '=?utf-8?B?w4lsb2RpZQ==?= <elodie@shop.test>',
    subject: '=?utf-8?Q?R=C3=A9sum=C3=A9?= [#1]',
    html: '<p>Hi<script>x()</script><img src="cid:a"></p>',
    references: '<a@x.test> <b@y.test>',
    attachments: [
      { filename: 'a.png', contentType: 'image/png', data: Buffer.from([137, 80, 78, 71]), inlineId: 'a' },
      { filename: 'r\u00e9sum\u00e9.pdf', contentType: 'application/pdf', data: Buffer.alloc(300, 7) },
    ],
  }),
  bounce('<msg_abcdefghijklmnopqrstuvwxyz@opsbook.localhost>'),
];

type Mutation =
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'flip'; at: number; value: number }
  | { op: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc
        .constantFrom('\r\n', '\r\n\r\n', '--', '=?', '?=', '<', '>', '\u0000', ':', ';', '"', '\\', '=\r\n')
        .map((s) => new Uint8Array(Buffer.from(s))),
    ),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(seed: Buffer, mutations: readonly Mutation[]): Buffer {
  let b = Buffer.from(seed);
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.length)]);
    else if (m.op === 'flip' && b.length > 0) b[at] = m.value;
    else if (m.op === 'truncate') b = b.subarray(0, at);
  }
  return b;
}

const header = fc.tuple(
  fc.constantFrom(
    'From',
    'Subject',
    'Message-ID',
    'In-Reply-To',
    'References',
    'Content-Type',
    'X-Any',
    'Auto-Submitted',
  ),
  fc.string({ maxLength: 80, unit: 'binary' }),
);
const headerBlock = fc
  .tuple(fc.array(header, { maxLength: 12 }), fc.string({ maxLength: 200, unit: 'binary' }))
  .map(([hs, body]) => Buffer.from(`${hs.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`));

const raw: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
  headerBlock,
  fc
    .tuple(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 8 }))
    .map(([seed, ms]) => mutate(seed, ms)),
);

for (const engine of ENGINES) {
  describe.runIf(engine.available)(`mail intake fuzz: ${engine.title}`, () => {
    let opened: OpenedDatabase;
    let ctx: SupportContext;
    let target: MailTarget;

    beforeAll(async () => {
      opened = await engine.open();
      const ws = await createWorkspace(opened.database, 'ShopSmart');
      const loaded = await loadPack('packs/shopsmart-pro');
      if (!loaded.ok) throw new Error('shopsmart-pro does not load');
      await activatePack(opened.database, ws, loaded, 'test', new Date());
      ctx = supportContext({ database: opened.database, now: () => new Date(), config: loadConfig({}) });
      target = { workspaceId: ws, channel: 'email', address: 'fuzz@support.localhost' };
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('stores or refuses every message, with a reason, and never throws', async () => {
      const seen = { stored: 0, quarantined: 0, refused: 0 };
      await fc.assert(
        fc.asyncProperty(raw, async (bytes) => {
          const read = await readMail(bytes);
          if (!read.ok) {
            expect(read.reason.length).toBeGreaterThan(5);
            seen.refused++;
            return;
          }
          const result = await intakeMail(ctx, target, read.mail, 'smtp');
          if (result.outcome === 'stored') {
            expect(result.ticket).toBeGreaterThan(0);
            seen.stored++;
          } else {
            expect(['loop', 'bounce']).toContain(result.reason);
            seen.quarantined++;
          }
        }),
        { numRuns: 200 },
      );
      // Each kind of outcome happened, so the generator reaches past the parser.
      expect(seen.stored).toBeGreaterThan(20);
      expect(seen.refused).toBeGreaterThan(20);
      console.log(`RESULT mail-fuzz engine=${engine.name} ${JSON.stringify(seen)} crashes=0`);
    });
  });
}
