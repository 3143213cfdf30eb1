/**
 * Reading the uploaded file (contact-import-csv.ts), through the planner: encodings, CSV quoting, physical
 * line numbers, the header, and files that cannot be read at all.
 */
import { describe, expect, it } from 'vitest';
import { codes, HEADER, run, utf8 } from './contact-import-plan.fixtures.js';

describe('planContactImport: a good file', () => {
  it('reads CRLF line ends and a UTF-8 byte-order mark', () => {
    const body = utf8(
      [HEADER, 'Asha,+919876543210,A-1,Green Park,,,', 'Ravi,+919876543211,A-2,Green Park,,,'],
      '\r\n',
    );
    const plan = run(new Uint8Array([0xef, 0xbb, 0xbf, ...body]));
    expect(plan.ok).toBe(true);
    expect(plan.create.map((c) => [c.line, c.name, c.unit])).toEqual([
      [2, 'Asha', 'A-1'],
      [3, 'Ravi', 'A-2'],
    ]);
  });

  it('reads UTF-16 with a byte-order mark, little- and big-endian (Excel "Unicode text")', () => {
    const text = `\uFEFF${HEADER}\r\nZoë Ñúñez,+919876543210,A-1,Green Park,,,\r\n`;
    const le = new Uint8Array(Buffer.from(text, 'utf16le'));
    const be = le.map((_, i) => le[i % 2 === 0 ? i + 1 : i - 1]!);
    for (const bytes of [le, be]) {
      const plan = run(bytes);
      expect(plan.ok).toBe(true);
      expect(plan.create[0]).toMatchObject({ name: 'Zoë Ñúñez', phone: '+919876543210', line: 2 });
    }
  });

  it('accepts the usual header aliases in any order and case, and skips blank lines', () => {
    const plan = run(
      utf8([
        ' Mobile ,FULL NAME,Flat,Account,E-mail',
        '',
        '98765 43210,Asha,A-1,Green Park,',
        ' , , , , ',
        '98765 43211,Ravi,A-2,Green Park,',
      ]),
    );
    expect(plan.ok).toBe(true);
    expect(plan.rows).toBe(2);
    expect(plan.create.map((c) => [c.line, c.name, c.phone])).toEqual([
      [3, 'Asha', '+919876543210'],
      [5, 'Ravi', '+919876543211'],
    ]);
  });

  it('reads quoted values with spaces around the quotes, and doubled quotes inside', () => {
    const plan = run(
      utf8([
        HEADER,
        '"Asha ""Ash"" Rao" , "+91 98765 43210" ,A-1,Green Park,,,',
        '   ',
        'Ravi,+919876543211,A-2,Green Park,,,',
      ]),
    );
    expect(plan.ok).toBe(true);
    expect(plan.create.map((c) => [c.line, c.name, c.phone])).toEqual([
      [2, 'Asha "Ash" Rao', '+919876543210'],
      [4, 'Ravi', '+919876543211'],
    ]);
  });

  it('keeps line numbers right after a quoted value that spans lines', () => {
    const plan = run(
      utf8([
        HEADER,
        'Asha,+919876543210,"Block A',
        'Flat 1",Green Park,not-an-email,,',
        'Ravi,+919876543211,A-2,Green Park,also bad,,',
      ]),
    );
    expect(codes(plan)).toEqual([
      [2, 'IMPORT_EMAIL'],
      [4, 'IMPORT_EMAIL'],
    ]);
  });
});

describe('planContactImport: problems with the whole file', () => {
  it('names the first line that is not UTF-8 in a file that mixes encodings', () => {
    const lines = [HEADER, 'Zoë,+919876543210,A-1,Green Park,,,', 'Ravi,+919876543211,A-2,Green Park,,,'];
    const latin1 = new Uint8Array([
      ...Buffer.from('Ren'),
      0xe9,
      ...Buffer.from(',+919876543212,A-3,Green Park,,,\r\n'),
    ]);
    const tail = utf8(['Ok,+919876543213,A-4,Green Park,,,'], '\r\n');
    const plan = run(new Uint8Array([...utf8(lines, '\r\n'), ...latin1, ...tail]));
    expect(plan.ok).toBe(false);
    expect(plan.fatal).toMatchObject({ code: 'IMPORT_ENCODING', line: 4 });
    expect(plan.fatal?.message).toContain('line 4');
    expect(plan.fatal?.hint).toContain('Save the file as UTF-8 (CSV UTF-8 in Excel)');
    expect(plan.create).toEqual([]);
  });

  it('refuses NUL characters and Excel workbooks', () => {
    expect(run(utf8([HEADER, 'A\0,+919876543210,A-1,Green Park,,,'])).fatal).toMatchObject({
      code: 'IMPORT_ENCODING',
      line: 2,
    });
    expect(run(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00])).fatal).toMatchObject({
      code: 'IMPORT_ENCODING',
      message: expect.stringContaining('Excel workbook'),
    });
  });

  it('names a missing required column and an unknown one, and shows the expected header', () => {
    const plan = run(utf8(['name,unit,estate,colour', 'Asha,A-1,Green Park,blue']));
    expect(plan.ok).toBe(false);
    expect(plan.fatal).toMatchObject({ code: 'IMPORT_HEADER', line: 1, column: 'phone' });
    expect(plan.fatal?.message).toBe('missing column: phone; unknown column: “colour”');
    expect(plan.fatal?.hint).toContain('name,phone,unit,estate,email,role,locale');
    expect(plan.rows).toBe(1);
  });

  it('refuses a column given twice under two names', () => {
    const plan = run(utf8(['name,phone,mobile,unit,estate', 'Asha,+919876543210,,A-1,Green Park']));
    expect(plan.fatal).toMatchObject({ code: 'IMPORT_HEADER' });
    expect(plan.fatal?.message).toBe('“phone” and “mobile” are both phone');
  });

  it('says an empty file and a header without rows are empty', () => {
    expect(run(new Uint8Array()).fatal?.code).toBe('IMPORT_EMPTY');
    expect(run(utf8(['', ' '])).fatal?.code).toBe('IMPORT_EMPTY');
    expect(run(utf8([HEADER, '', ','])).fatal?.code).toBe('IMPORT_EMPTY');
  });

  it('names the line where a quote is opened and never closed', () => {
    const plan = run(
      utf8([HEADER, 'Asha,+919876543210,A-1,Green Park,,,', 'Ravi,+919876543211,"A-2,Green Park,,,', 'x,y']),
    );
    expect(plan.fatal).toMatchObject({ code: 'IMPORT_CSV', line: 3 });
  });
});
