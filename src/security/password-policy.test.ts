/** Password policy (ASVS 5.0 V6.2): length in code points, common passwords, the email, zxcvbn strength. */
import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy.js';

const alice = { email: 'alice.smith@example.com', name: 'Alice Smith' };

function problemOf(password: string, context = {}): string {
  const r = checkPassword(password, context);
  if (r.ok) throw new Error(`expected ${JSON.stringify(password)} to be refused`);
  expect(r.hint.length).toBeGreaterThan(10);
  return r.problem;
}

describe('checkPassword', () => {
  it('accepts the demo password, also for the demo accounts', () => {
    expect(checkPassword('opsbook-demo-2026')).toEqual({ ok: true });
    expect(checkPassword('opsbook-demo-2026', { email: 'admin@opsbook.demo', name: 'Demo Admin' })).toEqual({
      ok: true,
    });
  });

  it('accepts a passphrase of unrelated words', () => {
    expect(checkPassword('kitchen-window-orbit-42', alice)).toEqual({ ok: true });
    expect(checkPassword('violet sprocket harbour lantern', alice)).toEqual({ ok: true });
  });

  it('refuses fewer than 12 characters and says how many there are', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(problemOf('q7#vL9!xR2w')).toBe('This password has 11 characters; it needs at least 12.');
    expect(problemOf('')).toBe('This password has 0 characters; it needs at least 12.');
  });

  it('counts Unicode code points, not UTF-16 units', () => {
    // 11 astral symbols are 22 UTF-16 units, still 11 characters.
    expect(problemOf('🦊🌋🎻🧭🪁🦉🍋🛶🧲🪵🎲')).toBe(
      'This password has 11 characters; it needs at least 12.',
    );
    expect(checkPassword('🦊🌋🎻🧭🪁🦉🍋🛶🧲🪵🎲🦑')).toEqual({ ok: true });
    expect(checkPassword('žluťoučký kůň úpěl ódy')).toEqual({ ok: true });
  });

  it('refuses more than 1,024 characters', () => {
    const long = 'kitchen-window-orbit-'.repeat(49).slice(0, PASSWORD_MAX_LENGTH + 1);
    expect(problemOf(long)).toBe('This password has 1,025 characters; the limit is 1,024.');
    const tail = 'Zq8!'.repeat(256);
    expect(checkPassword(`violet sprocket harbour lantern ${tail}`.slice(0, 1024)).ok).toBe(true);
  });

  it('refuses common breached passwords, whatever the case', () => {
    for (const common of ['password1234', 'Password1234', 'qwertyuiop123', '1qaz2wsx3edc']) {
      expect(problemOf(common)).toMatch(
        /^This password is among the \d{2},\d{3} most common breached passwords\.$/,
      );
    }
    expect(checkPassword('password1234')).toMatchObject({
      ok: false,
      hint: expect.stringContaining('passphrase'),
    });
  });

  it("refuses a password containing the email's local part, in any case or spacing", () => {
    const problem = 'This password contains "alice.smith" from your email address.';
    expect(problemOf('my-alice.smith-vault-key', alice)).toBe(problem);
    expect(problemOf('AliceSmith-vault-key-77', alice)).toBe(problem);
    expect(problemOf('vault-ana-lima-key-77', { email: 'ana.lima+ops@example.com' })).toContain(
      'ana.lima+ops',
    );
    // Too short a local part to be meaningful.
    expect(checkPassword('kitchen-window-orbit-42', { email: 'or@example.com' })).toEqual({ ok: true });
  });

  it('refuses guessable passwords with a specific reason (zxcvbn score below 3)', () => {
    expect(problemOf('aaaaaaaaaaaaaaaa')).toMatch(/repeats characters/);
    expect(problemOf('abcdefghijklmnop')).toMatch(/sequence/);
    expect(problemOf('12/03/198712/03/1987')).toMatch(/repeats a group/);
    const variation = checkPassword('Password2024!');
    expect(variation).toEqual({
      ok: false,
      problem: 'This password is a small variation of a commonly used password.',
      hint: expect.stringContaining('changing case does not help'),
    });
  });

  it('uses the name as a dictionary word', () => {
    expect(checkPassword('FitzgeraldOkonkwo', {}).ok).toBe(true);
    expect(checkPassword('FitzgeraldOkonkwo', { name: 'Fitzgerald Okonkwo' })).toEqual({
      ok: false,
      problem: 'This password is built from your name or email address.',
      hint: expect.stringContaining('names and email addresses'),
    });
  });

  it('stays fast on hostile input', () => {
    const hostile = ['4@3!0$1|5+7%'.repeat(85), 'p@$$w0rd'.repeat(128), 'x'.repeat(1024)];
    const started = performance.now();
    for (const password of hostile) checkPassword(password, alice);
    // Measured around 15 ms each; the bound only catches a return to zxcvbn's defaults (0.5-2 s each).
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
