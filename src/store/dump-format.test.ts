/**
 * The dump's text without a database: the header reads back as written, only the writer's own lines are
 * accepted, foreign keys order the tables, and the body parser finds the same lines and rows however the
 * file is cut into chunks (a 1 GB restore reads 1 MB at a time, so rows and `\.` lines straddle chunks).
 */
import { describe, expect, it } from 'vitest';
import {
  COPY_END,
  orderByForeignKeys,
  parseDumpLine,
  parseHeader,
  parseTrailer,
  renderCopyStart,
  renderHeader,
  renderSetval,
  renderTrailer,
  type DumpHeader,
} from './dump-format.js';
import { parseBody } from './dump-read.js';

const HEADER: DumpHeader = {
  formatVersion: 1,
  opsbookVersion: '0.1.0',
  migrationCount: 18,
  migrationTag: '0017_records_vendors_drills',
  engine: 'pglite',
  createdAt: '2026-12-01T09:00:00.000Z',
  masterKeys: ['k20261201'],
  tables: [
    { name: 'workspaces', columns: 'id, name', rows: 3 },
    { name: 'timeline_events', columns: 'id, workspace_id, data', rows: 0 },
  ],
};

describe('dump format', () => {
  it('reads its header back as written, up to the first blank line', () => {
    const text = renderHeader(HEADER);
    const parsed = parseHeader(text.slice(0, text.indexOf('\n\n')));
    expect(parsed).toEqual({ ...HEADER, tables: HEADER.tables.map((t) => ({ ...t, columns: '' })) });
    expect(parseHeader('-- some other file\n')).toEqual({ problem: expect.stringContaining('header') });
  });

  it('accepts only the lines it writes', () => {
    expect(parseDumpLine('COPY public.workspaces (id, name, "order") FROM stdin;')).toEqual({
      kind: 'copy',
      table: 'workspaces',
      columns: ['id', 'name', '"order"'],
    });
    expect(parseDumpLine(renderSetval('effects_id_seq', '42', true).trimEnd())).toEqual({
      kind: 'setval',
      sequence: 'effects_id_seq',
      value: '42',
      isCalled: true,
    });
    expect(parseDumpLine('SET session_replication_role = replica;')).toEqual({ kind: 'skip' });
    expect(parseDumpLine('DROP TABLE workspaces;')).toBeNull();
    expect(parseDumpLine("SELECT pg_catalog.setval('public.x', 1, true); DROP TABLE y;")).toBeNull();
    expect(parseDumpLine("COPY public.workspaces (id) FROM PROGRAM 'rm -rf /';")).toBeNull();
    expect(parseTrailer(renderTrailer('a'.repeat(64)))).toBe('a'.repeat(64));
    expect(parseTrailer(`-- SHA-256: ${'a'.repeat(63)}\n\n`)).toBeNull();
  });

  it('puts every table after the tables it references, by name among equals', () => {
    const order = orderByForeignKeys(
      ['tickets', 'workspaces', 'ticket_messages', 'audit_log', 'users', 'memberships'],
      [
        { from: 'tickets', to: 'workspaces' },
        { from: 'ticket_messages', to: 'tickets' },
        { from: 'memberships', to: 'users' },
        { from: 'memberships', to: 'workspaces' },
        { from: 'tickets', to: 'tickets' },
      ],
    );
    expect(order).toEqual(['audit_log', 'users', 'workspaces', 'memberships', 'tickets', 'ticket_messages']);
  });
});

describe('dump body parser', () => {
  // Rows that look like the end marker without being it: a value `\.` is written `\\.`.
  const rows = ['1\tplain\n', '2\tback\\\\.\n', '3\t\\\\.\n', '4\ttab\\there\\nnewline ✓\n'];
  const body = [
    '-- comment\n',
    '\n',
    renderCopyStart({ name: 'workspaces', columns: 'id, name', rows: rows.length }),
    ...rows,
    COPY_END,
    renderSetval('effects_id_seq', '7', false),
    '\n',
  ].join('');

  async function parse(chunkBytes: number) {
    const bytes = Buffer.from(body, 'utf8');
    const chunks = async function* () {
      for (let i = 0; i < bytes.length; i += chunkBytes) yield bytes.subarray(i, i + chunkBytes);
    };
    const events: string[] = [];
    const data: Buffer[] = [];
    await parseBody('dump.sql', chunks(), {
      async line(text, lineNo) {
        events.push(`${lineNo}:${text}`);
        return text.startsWith('COPY ');
      },
      async data(chunk) {
        expect(chunk.at(-1)).toBe(10); // whole rows only
        data.push(Buffer.from(chunk));
      },
      async endCopy(lineNo) {
        events.push(`${lineNo}:end`);
      },
    });
    return { events, data: Buffer.concat(data).toString('utf8') };
  }

  it('finds the same lines and rows for every chunk size', async () => {
    const whole = await parse(1 << 20);
    expect(whole.data).toBe(rows.join(''));
    expect(whole.events).toContain('12:end');
    expect(whole.events.at(-2)).toBe("15:SELECT pg_catalog.setval('public.effects_id_seq', 7, false);");
    for (let size = 1; size <= 48; size++) expect(await parse(size)).toEqual(whole);
  });

  it('refuses a file that ends inside a table or without a newline', async () => {
    const cut = body.slice(0, body.indexOf('3\t'));
    const once = async function* (text: string) {
      yield Buffer.from(text, 'utf8');
    };
    const handlers = {
      line: async (text: string) => text.startsWith('COPY '),
      data: async () => undefined,
      endCopy: async () => undefined,
    };
    await expect(parseBody('dump.sql', once(cut), handlers)).rejects.toThrow(/ends inside a table's data/);
    await expect(parseBody('dump.sql', once('-- x\nSET'), handlers)).rejects.toThrow(
      /does not end with a newline/,
    );
  });
});
