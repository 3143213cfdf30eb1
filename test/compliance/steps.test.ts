/**
 * What the report says of each step, read from the seed packs: the SOP's words, the level as the SOP writes
 * it, and the target share from the pack's KPIs (SofaCover "P1: 95% within 1 hour"), else 100 %.
 */
import { describe, expect, it } from 'vitest';
import type { ComplianceRow } from '../../src/core/compliance.js';
import { describeSteps } from '../../src/modules/compliance/steps.js';
import { compilePack } from '../../src/packs/compile.js';
import { loadPack } from '../../src/packs/load.js';

async function describerOf(folder: string) {
  const loaded = await loadPack(folder);
  if (!loaded.ok) throw new Error(`${folder} does not load`);
  return describeSteps(compilePack(loaded.pack, loaded.hash).pack);
}

const row = (over: Partial<ComplianceRow>): ComplianceRow => ({
  packId: 'p',
  packVersion: '1',
  kind: 'ticket',
  step: 'response',
  source: 'scale:ticket-priority/p1',
  level: 'p1',
  verdict: 'met',
  overdue: false,
  count: 1,
  ...over,
});

describe('steps as the packs say them', () => {
  it("takes SofaCover's target shares from its KPIs, per priority and clock", async () => {
    const describe = await describerOf('packs/sofacover-pro');
    const response = describe(row({}));
    expect(response).toMatchObject({
      family: 'targets',
      label: 'Response within 1 h',
      quote: 'Within 1 hour',
      levelLabel: 'High (P1)',
      targetPercent: 95,
      targetKpi: 'response-p1',
    });
    expect(
      describe(row({ step: 'resolution', source: 'scale:ticket-priority/p3', level: 'p3' })),
    ).toMatchObject({
      targetPercent: 75,
      targetKpi: 'resolution-p3',
    });
    // An incident's response on the incident scale shares the levels and the KPI.
    expect(
      describe(row({ kind: 'incident', source: 'scale:incident-priority/p1', level: 'p1' })).targetPercent,
    ).toBe(95);
  });

  it('names regulatory clocks and stages by their authority and deadline, with 100 % when no KPI says', async () => {
    const describe = await describerOf('packs/shopsmart-pro');
    expect(
      describe(
        row({ kind: 'incident', step: 'regulatory:cert-in', source: 'regulatory:cert-in', level: 'sev1' }),
      ),
    ).toMatchObject({
      family: 'regulatory',
      label: 'CERT-In report within 6 h',
      quote: 'CERT-In | 6 hours | CERT-In',
      targetPercent: 100,
      targetKpi: null,
    });
    expect(
      describe(
        row({ kind: 'incident', step: 'stage:post-mortem', source: 'stage:post-mortem', level: 'sev2' }),
      ),
    ).toMatchObject({ family: 'stages', label: 'POST-MORTEM (T+48 hrs)', levelLabel: 'SEV2' });
  });

  it("names a recurring checklist's runs with its cadence", async () => {
    const describe = await describerOf('packs/pos-saas');
    expect(
      describe(row({ kind: 'schedule', step: 'daily', source: 'checklist', level: null })),
    ).toMatchObject({
      family: 'checklists',
      label: 'Daily (every day) completed by its due time',
      levelLabel: null,
    });
  });

  it('keeps an unknown clock under its id rather than failing', async () => {
    const describe = await describerOf('packs/shopsmart-pro');
    expect(
      describe(row({ kind: 'release', step: 'rollback-window', source: 'lifecycle:release', level: null })),
    ).toMatchObject({
      family: 'clocks',
      label: 'rollback-window',
      targetPercent: 100,
    });
  });
});
