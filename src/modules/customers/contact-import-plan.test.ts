import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../security/otp.js';
import { MAX_PROBLEMS, type ExistingContact, type ImportPlan } from './contact-import-plan.js';
import { account, codes, HEADER, mobile, run, utf8 } from './contact-import-plan.fixtures.js';

const contact = (
  over: Partial<ExistingContact> & Pick<ExistingContact, 'id' | 'phone'>,
): ExistingContact => ({
  accountId: account.id,
  name: 'Someone',
  email: null,
  unit: 'A-1',
  role: 'resident',
  locale: null,
  status: 'active',
  ...over,
});
/** What the caller does with an `ok` plan, inside its one transaction. */
function apply(existing: readonly ExistingContact[], plan: ImportPlan): ExistingContact[] {
  expect(plan.ok).toBe(true);
  const suspended = new Set(plan.suspend.map((s) => s.id));
  const updated = existing.map((c) => {
    const change = plan.update.find((u) => u.id === c.id);
    return { ...c, ...change?.changes, ...(suspended.has(c.id) ? { status: 'suspended' as const } : {}) };
  });
  const created = plan.create.map(({ line, ...draft }) =>
    contact({ ...draft, id: `c_new_${line}`, accountId: account.id }),
  );
  return [...updated, ...created];
}

describe('planContactImport: a good file', () => {
  it('creates every row with its phone in E.164, the default role and nulls for blank cells', () => {
    const plan = run(
      utf8([
        HEADER,
        'Asha Rao,98765 43210,A-101,Green Park,asha@example.com,,en-IN',
        ' Ravi Kumar , +91 98765 43211 ,B-2,green park,,Guard,',
        'Meena,098765-43212,C-3,ACC_GREEN,,,',
      ]),
    );
    expect(plan).toMatchObject({ ok: true, fatal: null, rows: 3, update: [], unchanged: 0, problems: [] });
    expect(plan.create).toEqual([
      {
        name: 'Asha Rao',
        phone: '+919876543210',
        email: 'asha@example.com',
        unit: 'A-101',
        role: 'resident',
        locale: 'en-IN',
        line: 2,
      },
      {
        name: 'Ravi Kumar',
        phone: '+919876543211',
        email: null,
        unit: 'B-2',
        role: 'guard',
        locale: null,
        line: 3,
      },
      {
        name: 'Meena',
        phone: '+919876543212',
        email: null,
        unit: 'C-3',
        role: 'resident',
        locale: null,
        line: 4,
      },
    ]);
  });
});

describe('planContactImport: problems with the whole file', () => {
  it('refuses more than 100,000 rows, naming the first row over the limit', () => {
    const lines = [HEADER];
    for (let i = 0; i < 100_001; i++) lines.push(`R${i},${mobile(i)},U${i},Green Park,,,`);
    const plan = run(utf8(lines));
    expect(plan).toMatchObject({ ok: false, rows: 100_001, create: [], problems: [] });
    expect(plan.fatal).toMatchObject({ code: 'IMPORT_TOO_MANY_ROWS', line: 100_002 });
    expect(plan.fatal?.hint).toMatch(/^Split the file/);
  });

  it('plans 100,000 valid rows', () => {
    const lines = [HEADER];
    for (let i = 0; i < 100_000; i++)
      lines.push(`Resident ${i},${mobile(i)},U${i},Green Park,r${i}@example.com,,`);
    const plan = run(utf8(lines));
    expect(plan.problems.slice(0, 3)).toEqual([]);
    expect(plan).toMatchObject({ ok: true, rows: 100_000 });
    expect(plan.create).toHaveLength(100_000);
    expect(plan.create[99_999]).toMatchObject({ phone: mobile(99_999), line: 100_001 });
  });
});

describe('planContactImport: problems with rows', () => {
  it('reports each bad cell with its column, value and a hint, and creates nothing from that row', () => {
    const plan = run(
      utf8([
        HEADER,
        ',12345,,Green Park,asha@,owner,EN_in',
        'Ravi,+91 98765 43211,A-2,Green Park,,,',
        'Meena,98765 43212 ext 5,A-3,Green Park,,,',
      ]),
    );
    expect(codes(plan)).toEqual([
      [2, 'IMPORT_REQUIRED'],
      [2, 'IMPORT_REQUIRED'],
      [2, 'IMPORT_PHONE'],
      [2, 'IMPORT_EMAIL'],
      [2, 'IMPORT_ROLE'],
      [2, 'IMPORT_LOCALE'],
      [4, 'IMPORT_PHONE'],
    ]);
    const [name, unit, phone, , role] = plan.problems;
    expect(name).toMatchObject({ column: 'name', message: 'name is empty' });
    expect(unit).toMatchObject({ column: 'unit' });
    expect(phone).toMatchObject({ column: 'phone', value: '12345' });
    expect(phone?.message).toContain('too short');
    expect(phone?.hint).toBe(
      'Write the number with its country code, e.g. +91 81234 56789 (saved as +918123456789).',
    );
    expect(role?.hint).toBe('Use one of resident, guard, or leave it empty for resident.');
    expect(plan.ok).toBe(false);
    expect(plan.create.map((c) => c.line)).toEqual([3]);
  });

  it('refuses a landline, since the sign-in code goes by SMS (as the contacts API does)', () => {
    const plan = run(utf8([HEADER, 'Asha,011 2345 6789,A-1,Green Park,,,']));
    expect(plan.problems).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'IMPORT_PHONE',
        message: '“011 2345 6789”: This number cannot receive text messages; use a mobile number.',
      }),
    ]);
  });

  it('takes exactly the phone numbers the contacts API takes (the OTP check), in the same E.164', () => {
    const lengths = { IN: 10, GB: 10, US: 10, AE: 9, DE: 11, NG: 10 } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(lengths) as (keyof typeof lengths)[])),
        fc.uniqueArray(fc.nat({ max: 999_999_999 }), { minLength: 50, maxLength: 50 }),
        (country, numbers) => {
          const texts = numbers.map((n) => `${(n % 9) + 1}${String(n).padStart(lengths[country] - 1, '0')}`);
          const plan = run(utf8([HEADER, ...texts.map((t) => `A,${t},A-1,Green Park,,,`)]), {
            defaultCountry: country,
          });
          const created = new Map(plan.create.map((c) => [c.line, c.phone]));
          texts.forEach((text, i) => {
            const sms = normalisePhone(text, country);
            expect(created.get(i + 2)).toBe(sms.ok ? sms.e164 : undefined);
          });
        },
      ),
      { numRuns: 30 },
    );
  });

  it('reports a ragged row without stopping, but accepts trailing empty values', () => {
    const plan = run(
      utf8([
        HEADER,
        'Asha,+919876543210,A-1,Green Park',
        'Ravi,+919876543211,A-2,Green Park,,,,,',
        'X,+919876543212,A-3,Green Park,,,,extra',
      ]),
    );
    expect(codes(plan)).toEqual([
      [2, 'IMPORT_ROW_SHAPE'],
      [4, 'IMPORT_ROW_SHAPE'],
    ]);
    expect(plan.create.map((c) => c.line)).toEqual([3]);
  });

  it('refuses a row for another estate (SOP: assign residents only to their estate)', () => {
    const plan = run(utf8([HEADER, 'Asha,+919876543210,A-1,Blue Hills,,,']));
    expect(plan.problems).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'IMPORT_OTHER_ACCOUNT',
        column: 'estate',
        message: 'row is for estate “Blue Hills”, this import is for “Green Park”',
      }),
    ]);
  });

  it('reports both lines of a phone number written twice in different forms', () => {
    const plan = run(
      utf8([
        HEADER,
        'Asha,09876543210,A-1,Green Park,,,',
        'Ravi,+919876543211,A-2,Green Park,,,',
        'Meena,+91 98765 43210,A-3,Green Park,,,',
      ]),
    );
    expect(plan.problems).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'IMPORT_DUPLICATE_PHONE',
        message: '+919876543210 appears again on line 4',
      }),
      expect.objectContaining({
        line: 4,
        code: 'IMPORT_DUPLICATE_PHONE',
        message: '+919876543210 is already on line 2',
      }),
    ]);
    expect(plan.create.map((c) => c.line)).toEqual([3]);
  });

  it('refuses a phone that belongs to a contact of another account, naming it', () => {
    const existing = [contact({ id: 'c_1', accountId: 'acc_blue', phone: '+919876543210' })];
    const plan = run(utf8([HEADER, 'Asha,98765 43210,A-1,Green Park,,,']), { existing });
    expect(plan.problems).toEqual([
      expect.objectContaining({
        line: 2,
        code: 'IMPORT_PHONE_TAKEN',
        message: expect.stringContaining('acc_blue'),
      }),
    ]);
    expect(plan.create).toEqual([]);
  });

  it('stops at 1,000 problems and says how many more there are', () => {
    const lines = [HEADER];
    for (let i = 0; i < 1_500; i++) lines.push(`R${i},${mobile(i)},U${i},Green Park,bad-email,,`);
    const plan = run(utf8(lines));
    expect(plan.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(plan.problems[MAX_PROBLEMS - 1]).toMatchObject({ line: 1_001, code: 'IMPORT_EMAIL' });
    expect(plan.problems[MAX_PROBLEMS]).toMatchObject({
      line: 1_002,
      code: 'IMPORT_MORE_PROBLEMS',
      message: '500 more problems from line 1002 on are not listed',
    });
  });
});

describe('planContactImport: against the contacts already there', () => {
  const first = utf8([
    HEADER,
    'Asha Rao,+919876543210,A-101,Green Park,asha@example.com,,en-IN',
    'Ravi Kumar,+919876543211,B-2,Green Park,,guard,',
  ]);

  it('updates only the fields that changed, and a second identical run changes nothing', () => {
    const existing = apply([], run(first));
    const second = utf8([
      HEADER,
      'Asha Rao,+919876543210,A-102,Green Park,asha@example.com,,en-IN',
      'Ravi K,+91 98765 43211,B-2,Green Park,ravi@example.com,,',
    ]);
    const plan = run(second, { existing });
    expect(plan).toMatchObject({ ok: true, create: [], unchanged: 0 });
    expect(plan.update).toEqual([
      { id: 'c_new_2', line: 2, changes: { unit: 'A-102' } },
      { id: 'c_new_3', line: 3, changes: { name: 'Ravi K', email: 'ravi@example.com' } },
    ]);
    const again = run(second, { existing: apply(existing, plan) });
    expect(again).toMatchObject({ ok: true, create: [], update: [], unchanged: 2 });
  });

  it('reactivates a suspended contact that is in the file', () => {
    const existing = apply([], run(first)).map((c) =>
      c.phone === '+919876543211' ? { ...c, status: 'suspended' as const } : c,
    );
    const plan = run(first, { existing });
    expect(plan.update).toEqual([{ id: 'c_new_3', line: 3, changes: { status: 'active' } }]);
    expect(plan.unchanged).toBe(1);
  });

  it('suspends active contacts of this account missing from the file, only when asked', () => {
    const existing = [
      ...apply([], run(first)),
      contact({ id: 'c_gone', name: 'Gone', phone: '+919876543299' }),
      contact({ id: 'c_already', phone: '+919876543298', status: 'suspended' }),
      contact({ id: 'c_other', accountId: 'acc_blue', phone: '+919876543297' }),
    ];
    expect(run(first, { existing }).suspend).toEqual([]);
    const plan = run(first, { existing, suspendAbsent: true });
    expect(plan).toMatchObject({ ok: true, unchanged: 2 });
    expect(plan.suspend).toEqual([{ id: 'c_gone', name: 'Gone', phone: '+919876543299' }]);
  });

  it('keeps a contact’s role, email and locale when the file leaves them blank', () => {
    const existing = [
      contact({
        id: 'c_1',
        phone: '+919876543210',
        name: 'Asha',
        role: 'guard',
        email: 'a@x.in',
        locale: 'hi',
      }),
    ];
    const plan = run(utf8(['name,phone,unit,estate', 'Asha,+919876543210,A-1,Green Park']), { existing });
    expect(plan).toMatchObject({ ok: true, update: [], unchanged: 1 });
  });

  it('every valid file is planned row for row, and applying the plan makes a re-run change nothing', () => {
    const field = (value: string) => (/[",]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    const row = fc.record({
      name: fc.stringMatching(/^[A-Za-z][A-Za-z ,"']{0,12}[A-Za-z]$/),
      unit: fc.stringMatching(/^[A-Z]-\d{1,3}$/),
      role: fc.constantFrom('', 'resident', 'Guard'),
      known: fc.constantFrom('no', 'same', 'changed', 'suspended'),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 99_999_999 }), { minLength: 1, maxLength: 30 }),
        fc.array(row, { minLength: 30, maxLength: 30 }),
        (numbers, specs) => {
          const rows = numbers.map((n, i) => ({ ...specs[i]!, phone: mobile(n) }));
          const existing = rows
            .filter((r) => r.known !== 'no')
            .map((r, i) =>
              contact({
                id: `c_${i}`,
                phone: r.phone,
                name: r.known === 'changed' ? 'Old name' : r.name.trim(),
                unit: r.unit,
                role: r.role === '' ? 'resident' : r.role.toLowerCase(),
                status: r.known === 'suspended' ? 'suspended' : 'active',
              }),
            );
          const bytes = utf8([
            HEADER,
            ...rows.map((r) => [field(r.name), r.phone, r.unit, 'Green Park', '', r.role, ''].join(',')),
          ]);
          const plan = run(bytes, { existing });
          expect(plan.problems).toEqual([]);
          expect(plan.create.length + plan.update.length + plan.unchanged).toBe(rows.length);
          expect(plan.create).toHaveLength(rows.filter((r) => r.known === 'no').length);
          expect(run(bytes, { existing: apply(existing, plan) })).toMatchObject({
            ok: true,
            create: [],
            update: [],
            unchanged: rows.length,
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
