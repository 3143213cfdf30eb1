/**
 * `opsbook render-template` against the seed packs: every locale with example values, one locale with
 * --locale, --var overrides, JSON lines, bad usage (exit 2), and templates that do not render (exit 1) in a
 * temporary copy of a pack, reported at their file:line:column.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTemplateCommand } from '../../src/cli/render-template.js';

const PACKS = join(import.meta.dirname, '..', '..', 'packs');
const SHOPSMART = join(PACKS, 'shopsmart-pro');
const ESTATE = join(PACKS, 'smart-estate');

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await renderTemplateCommand(args, { out: (s) => (stdout += s), err: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of shopsmart-pro whose templates.yaml has `from` replaced by `to` (exactly once). */
function brokenCopy(from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-render-template-'));
  copies.push(dir);
  cpSync(SHOPSMART, dir, { recursive: true });
  const file = join(dir, 'templates.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text.split(from)).toHaveLength(2);
  writeFileSync(file, text.replace(from, to));
  return dir;
}

describe('opsbook render-template', () => {
  it('prints every locale of a template with example values (Hindi and English)', async () => {
    const r = await run([SHOPSMART, 'welcome-email']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '== welcome-email [en] (email, customer) ==\nSubject: Welcome to ShopSmart Pro\n',
    );
    expect(r.stdout).toContain('Hello Ramesh,');
    expect(r.stdout).toContain(
      '== welcome-email [hi] (email, customer) ==\nSubject: ShopSmart Pro में आपका स्वागत है\n',
    );
    expect(r.stdout).toContain('नमस्ते Ramesh जी,');
    expect(r.stdout).toContain('-- example values used for: customer_name');
  });

  it('prints the English-only smart-estate template with its subject', async () => {
    const r = await run([ESTATE, 'estate-access-enabled']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Subject: Access enabled for Palm Grove Estate\n\nHello Adaeze Okafor,');
    expect(r.stdout).toContain('For help, contact support@smartestate.example.');
    expect(r.stdout).not.toContain('[hi]');
  });

  it('prints only Hindi with --locale hi, and --var replaces an example', async () => {
    const r = await run([SHOPSMART, 'day-3-call-script', '--locale', 'hi', '--var', 'name=Asha']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^== day-3-call-script \[hi\] \(phone, customer\) ==\n"नमस्ते Asha जी! मैं Priya, ShopSmart Pro से।/,
    );
    expect(r.stdout).not.toContain('[en]');
    expect(r.stdout).toContain('-- example values used for: your_name\n');
  });

  it('prints one JSON object per locale with --json', async () => {
    const r = await run([SHOPSMART, 'welcome-sms', '--json', '--var', 'customer_name=Meera']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      {
        template: 'welcome-sms',
        locale: 'en',
        subject: null,
        text: 'Welcome to ShopSmart Pro, Meera! Your account is ready. Add your first customer today.',
        missing: [],
      },
      expect.objectContaining({ locale: 'hi', text: expect.stringMatching(/^नमस्ते Meera जी!/), missing: [] }),
    ]);
  });

  it('exits 2 for an unknown template, naming the templates there are', async () => {
    const r = await run([ESTATE, 'welcome-sms']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(
      'no template “welcome-sms” in pack smart-estate (' + ESTATE + '); templates are: estate-access-enabled',
    );
  });

  it('exits 2 for bad usage: an unknown locale or variable, a malformed --var, missing arguments', async () => {
    const cases: [string[], string][] = [
      [
        [SHOPSMART, 'welcome-sms', '--locale', 'fr'],
        'template “welcome-sms” has no locale “fr”; it has: en, hi',
      ],
      [[SHOPSMART, 'welcome-sms', '--var', 'nme=x'], 'has no variable “nme”; it declares: customer_name'],
      [[SHOPSMART, 'welcome-sms', '--var', 'Asha'], '--var "Asha" must be name=value'],
      [[SHOPSMART], 'missing arguments. Give <pack-dir> and <template-id>.'],
      [[SHOPSMART, 'welcome-sms', '--bogus'], "Unknown option '--bogus'"],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('exits 1 with the loader problems when the pack is invalid (a Liquid syntax error)', async () => {
    const dir = brokenCopy("'नमस्ते {{ customer_name }} जी!", "'नमस्ते {{ customer_name जी!");
    const r = await run([dir, 'welcome-sms']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^templates\.yaml:21:15 error templates\[0\]\.locales\.hi\.body: is not valid Liquid: /m,
    );
  });

  it('exits 1 and points at the body that does not render, still printing the locales that do', async () => {
    const dir = brokenCopy("'नमस्ते {{ customer_name }} जी!", "'नमस्ते {{ customer_name | shout }} जी!");
    const r = await run([dir, 'welcome-sms']);
    expect(r.code).toBe(1);
    // The loader may accept the unknown filter (then rendering reports it) or refuse it itself.
    expect(r.stderr).toMatch(
      /^templates\.yaml:21:15 error templates\[0\]\.locales\.hi\.body: .*line 1, column \d+: (unknown|undefined) filter:? "?shout/m,
    );
    if (r.stdout !== '') expect(r.stdout).toContain('Welcome to ShopSmart Pro, Ramesh!');
    const json = await run([dir, 'welcome-sms', '--locale', 'hi', '--json']);
    expect(json.code).toBe(1);
    if (json.stdout !== '')
      expect(JSON.parse(json.stdout)).toEqual({
        template: 'welcome-sms',
        locale: 'hi',
        error: expect.stringMatching(
          /^template "welcome-sms" \(hi\) body: line 1, column \d+: unknown filter "shout"$/,
        ),
      });
  });
});
