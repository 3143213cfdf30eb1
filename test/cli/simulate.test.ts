/** `opsbook simulate` and `opsbook test` as a user runs them: output, exit codes, and bad input. */
import { mkdtempSync, writeFileSync, readFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEventTable } from '../../src/engine/scenario/reference.js';
import { runCli } from '../support/cli.js';

const PACK = 'packs/sofacover-pro';
const tmp = mkdtempSync(join(tmpdir(), 'opsbook-sim-'));
const write = (name: string, text: string) => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};

describe('opsbook simulate', () => {
  it('prints one JSON object per line with at (offset), type, subject and fields, in time order', () => {
    const scenario = write(
      'p0.yaml',
      `start: '2025-01-20T10:00:00+00:00'
until: +1h
events:
  - { at: +0m, type: ticket.created, ticket: T1, channel: phone-support, priority: p0 }
  - { at: +12m, type: ticket.replied, ticket: T1, by: agent }
`,
    );
    const r = runCli(['simulate', PACK, scenario, '--json', '--explain']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const escalate = lines.find((l) => l.type === 'escalate');
    expect(escalate).toMatchObject({
      at: '2025-01-20T10:30:00Z',
      subject: 'ticket:T1',
      rule: 'p0-to-tier-2',
      to: 'tier:tier-2',
    });
    expect(lines.find((l) => l.type === 'clock.met')).toMatchObject({
      at: '2025-01-20T10:12:00Z',
      clock: 'response',
    });
    const start = lines.find((l) => l.type === 'clock.start' && l.clock === 'response');
    expect(String(start?.explain)).toMatch(/^due Mon 10:15/);
    const ats = lines.map((l) => Date.parse(String(l.at)));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));
  });

  it('refuses a bad scenario with every problem at its line, runs nothing, exit 1', () => {
    const scenario = write(
      'bad.yaml',
      `start: '2025-01-20T10:00:00+00:00'
events:
  - { at: +0m, type: ticket.replied, ticket: T1, by: agent }
  - { at: +2 hourz, type: incident.declared, incident: I1, severity: p0 }
`,
    );
    const r = runCli(['simulate', PACK, scenario]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bad.yaml:3:');
    expect(r.stderr).toContain('ticket:T1 was never created');
    expect(r.stderr).toContain('bad.yaml:4:');
  });

  it('needs two arguments (exit 2)', () => {
    expect(runCli(['simulate', PACK]).code).toBe(2);
  });
});

describe('opsbook test', () => {
  it('passes on the seed pack and fails with a readable diff when an expectation is wrong', () => {
    expect(runCli(['test', PACK]).code).toBe(0);
    const copy = join(tmp, 'pack');
    cpSync(PACK, copy, { recursive: true });
    const file = join(copy, 'tests', 'ticket-p0-phone.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('{ at: +30m, type: escalate', '{ at: +31m, type: escalate'),
    );
    const r = runCli(['test', copy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL tests/ticket-p0-phone.yaml');
    expect(r.stdout).toMatch(/expected at \+31m: .*escalate/);
    expect(r.stdout).toContain('~ +30m escalate ticket:tkt_checkout');
  });
});

describe('docs/scenarios.md', () => {
  it('lists the event catalog as generated (npm run docs)', () => {
    const doc = readFileSync('docs/scenarios.md', 'utf8');
    expect(withEventTable(doc)).toBe(doc);
  });
});
