/**
 * loadPack on fixture packs: a valid one, and one broken pack per kind of mistake, each reported at the
 * exact file, line, column and path an author has to fix; and the content hash, stable under reformatting.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPack } from '../../src/packs/load.js';
import type { PackProblem } from '../../src/packs/problems.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const tempDir = () => mkdtempSync(join(tmpdir(), 'opsbook-pack-'));

async function problemsOf(dir: string): Promise<PackProblem[]> {
  const result = await loadPack(dir);
  if (result.ok) throw new Error(`${dir} loaded as valid`);
  return result.problems;
}

/** One expected problem: exact place and path, a fragment of the message (and of the hint). */
function at(
  file: string,
  line: number,
  column: number,
  path: string,
  message: string,
  hint?: string,
): unknown {
  return expect.objectContaining({
    file,
    line,
    column,
    path,
    message: expect.stringContaining(message),
    severity: 'error',
    ...(hint === undefined ? {} : { hint: expect.stringContaining(hint) }),
  });
}

describe('loadPack: a valid pack', () => {
  it('assembles pack.yaml and the section files, leaving tests/ out', async () => {
    const result = await loadPack(fixture('valid'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.files).toEqual(['calendars.yaml', 'pack.yaml']);
    expect(result.pack.pack).toMatchObject({
      id: 'fixture-pack',
      version: '1.0.0',
      review: { every: 'year' },
    });
    expect(result.pack.calendars?.[0]?.hours).toEqual({
      weekdays: ['09:00-13:00', '14:00-18:00'],
      sat: ['10:00-14:00'],
    });
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.warnings).toEqual([]);
  });

  it('gives the same hash for the same definitions in other files, order and formatting', async () => {
    const a = await loadPack(fixture('valid'));
    const b = await loadPack(fixture('valid-reordered'));
    expect(b.ok && b.files).toEqual(['defs/hours.yml', 'pack.yaml']);
    expect(a.ok && b.ok && a.hash === b.hash).toBe(true);
  });

  it('gives another hash when a value changes', async () => {
    const dir = tempDir();
    cpSync(fixture('valid'), dir, { recursive: true });
    const before = await loadPack(dir);
    writeFileSync(
      join(dir, 'calendars.yaml'),
      'calendars:\n  - { id: support-hours, label: Support hours, hours: { weekdays: ["09:00-13:00"] } }\n',
    );
    const after = await loadPack(dir);
    expect(before.ok && after.ok && before.hash !== after.hash).toBe(true);
  });

  it('warns about an empty file without making the pack invalid', async () => {
    const dir = tempDir();
    cpSync(fixture('valid'), dir, { recursive: true });
    writeFileSync(join(dir, 'notes.yaml'), '# to do\n');
    const result = await loadPack(dir);
    expect(result.ok && result.warnings).toEqual([
      expect.objectContaining({
        file: 'notes.yaml',
        line: 1,
        severity: 'warning',
        message: 'the file is empty: it defines no section',
      }),
    ]);
  });
});

describe('loadPack: broken packs', () => {
  it('reports a YAML syntax error with its line and column', async () => {
    expect(await problemsOf(fixture('broken-yaml'))).toEqual([
      at(
        'calendars.yaml',
        6,
        7,
        '',
        'YAML: Flow sequence in block collection must be sufficiently indented',
        'close every [',
      ),
    ]);
  });

  it('reports an unknown section and suggests the closest name', async () => {
    expect(await problemsOf(fixture('unknown-section'))).toEqual([
      at('calendars.yaml', 1, 1, 'calendar', 'unknown section `calendar`', 'did you mean `calendars`?'),
    ]);
  });

  it('reports each unknown field at the key itself, with a suggestion', async () => {
    expect(await problemsOf(fixture('unknown-field'))).toEqual([
      at(
        'calendars.yaml',
        4,
        5,
        'calendars[0].timezone',
        'unknown field `timezone`',
        'did you mean `timeZone`?',
      ),
      at('calendars.yaml', 7, 7, 'calendars[0].hours.tues', 'unknown field `tues`', 'did you mean `tue`?'),
    ]);
  });

  it('reports wrong types and values, saying what was expected and what was found', async () => {
    expect(await problemsOf(fixture('wrong-type'))).toEqual([
      at(
        'calendars.yaml',
        5,
        12,
        'calendars[0].hours.mon',
        'expected a list, got the text "09:00-13:00"',
        '- item',
      ),
      at('calendars.yaml', 6, 28, 'calendars[0].hours.tue[1]', 'an interval is "HH:MM-HH:MM"'),
      at('pack.yaml', 4, 10, 'pack.version', 'expected text, got the number 1', 'put it in quotes'),
      at(
        'pack.yaml',
        9,
        10,
        'pack.review.every',
        'got the text "decade"',
        'allowed: month, quarter, half-year, year',
      ),
    ]);
  });

  it('reports a misspelt duration, and a misspelt field in the same union', async () => {
    expect(await problemsOf(fixture('bad-duration'))).toEqual([
      at('support.yaml', 9, 36, 'scales[0].levels[0].targets.firstResponse.within', 'unknown unit "minuets"'),
      at(
        'support.yaml',
        12,
        13,
        'scales[0].levels[0].targets.resolution.calender',
        'unknown field `calender`',
        'did you mean `calendar`?',
      ),
    ]);
  });

  it('reports timed transitions that loop, at the transition that closes the loop', async () => {
    expect(await problemsOf(fixture('lifecycle-cycle'))).toEqual([
      at('lifecycles.yaml', 12, 9, 'lifecycles[0].transitions[1]', 'timed transitions form a cycle'),
    ]);
  });

  it('reports vendor weights that sum to 95 %', async () => {
    expect(await problemsOf(fixture('vendor-weights'))).toEqual([
      at(
        'vendors.yaml',
        6,
        5,
        'vendors.criteria',
        'the criteria weights sum to 95 %; they must sum to 100 %',
      ),
    ]);
  });

  it('reports a missing field at the map that lacks it', async () => {
    expect(await problemsOf(fixture('missing-field'))).toEqual([
      at('calendars.yaml', 5, 5, 'calendars[1].label', 'missing required field `label`'),
      at('pack.yaml', 2, 1, 'pack.approver', 'missing required field `approver`'),
    ]);
  });

  it('reports a section defined in two files, naming the first', async () => {
    expect(await problemsOf(fixture('duplicate-section'))).toEqual([
      at(
        'more-calendars.yaml',
        3,
        1,
        'calendars',
        'section `calendars` is also defined in calendars.yaml:1:1',
      ),
    ]);
  });

  it('reports a reference to something the pack does not define', async () => {
    expect(await problemsOf(fixture('unknown-reference'))).toEqual([
      at('calendars.yaml', 5, 16, 'calendars[0].holidays[0]', 'no holidaySet "diwali"'),
    ]);
  });

  it('reports a missing pack.yaml, and still checks the sections', async () => {
    expect(await problemsOf(fixture('missing-pack-yaml'))).toEqual([
      at('pack.yaml', 0, 0, 'pack', 'missing pack.yaml'),
    ]);
  });

  it('reports an empty folder and a folder that does not exist', async () => {
    expect(await problemsOf(tempDir())).toEqual([at('.', 0, 0, '', 'the folder is empty')]);
    expect(await problemsOf(join(tempDir(), 'nowhere'))).toEqual([at('.', 0, 0, '', 'does not exist')]);
  });

  it('reports every problem of every file at once, sorted by file and line', async () => {
    const dir = tempDir();
    cpSync(fixture('wrong-type'), dir, { recursive: true });
    cpSync(join(fixture('unknown-field'), 'calendars.yaml'), join(dir, 'more.yaml'));
    writeFileSync(join(dir, 'broken.yaml'), 'roles: [\n');
    const places = (await problemsOf(dir)).map((p) => `${p.file}:${p.line}`);
    expect(places).toEqual([
      'broken.yaml:2',
      'calendars.yaml:5',
      'calendars.yaml:6',
      'more.yaml:1',
      'pack.yaml:4',
      'pack.yaml:9',
    ]);
  });
});
