import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCalendar, wallClockCalendar } from './calendar.js';
import { readClock, retargetClock, startClock, stopClock } from './clocks.js';
import {
  buildComplianceReport,
  compareVersions,
  verdictOf,
  verdictOfPhase,
  type ComplianceRow,
  type DescribeStep,
} from './compliance.js';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T04:00:00Z');
const wall = wallClockCalendar('UTC');
const office = compileCalendar({ id: 'office', timeZone: 'Asia/Kolkata', hours: { daily: ['09:00-18:00'] } });

const describe0: DescribeStep = (row) => ({
  family: row.source === 'checklist' ? 'checklists' : 'targets',
  label: row.step,
  quote: null,
  levelLabel: null,
  targetPercent: 95,
  targetKpi: null,
  order: 0,
});

const row = (over: Partial<ComplianceRow>): ComplianceRow => ({
  packId: 'p',
  packVersion: '1.0.0',
  kind: 'ticket',
  step: 'first-response',
  source: 'scale:s/p1',
  level: 'p1',
  verdict: 'met',
  overdue: false,
  count: 1,
  ...over,
});

describe('verdicts', () => {
  it('counts a step done exactly at its due instant as met, one millisecond later as breached', () => {
    expect(verdictOf(T0 + 5 * MIN, T0 + 5 * MIN, T0 + 60 * MIN)).toEqual({ verdict: 'met', overdue: false });
    expect(verdictOf(T0 + 5 * MIN, T0 + 5 * MIN + 1, T0 + 60 * MIN).verdict).toBe('breached');
  });

  it('counts a step still running as running, and past due from its due instant on', () => {
    expect(verdictOf(T0 + 5 * MIN, null, T0 + 5 * MIN - 1)).toEqual({ verdict: 'running', overdue: false });
    expect(verdictOf(T0 + 5 * MIN, null, T0 + 5 * MIN)).toEqual({ verdict: 'running', overdue: true });
    // Paused (no due now): running, never past due.
    expect(verdictOf(null, null, T0)).toEqual({ verdict: 'running', overdue: false });
  });

  it('agrees with readClock on the wall clock at every instant, retargeted or not (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
        fc.integer({ min: 0, max: 20_000 }),
        fc.option(
          fc.record({
            atMin: fc.integer({ min: 0, max: 20_000 }),
            fromMin: fc.integer({ min: 0, max: 10_000 }),
          }),
          {
            nil: null,
          },
        ),
        (targetMin, stopMin, nowMin, retarget) => {
          // A retarget (the priority changed) keeps the start: the verdict is the current target's.
          const first = startClock(
            { id: 'c', targetMs: (retarget?.fromMin ?? targetMin) * MIN, calendarId: null },
            T0,
          );
          const retargetAt = Math.min(retarget?.atMin ?? 0, stopMin ?? Infinity);
          const started = retarget
            ? retargetClock(
                first,
                { targetMs: targetMin * MIN, calendarId: null },
                T0 + retargetAt * MIN,
                'p1',
              )
            : first;
          const nowMs = T0 + Math.max(nowMin, stopMin ?? 0) * MIN;
          const clock = stopMin === null ? started : stopClock(started, T0 + stopMin * MIN);
          const reading = readClock(clock, wall, nowMs);
          const fromInstants = verdictOf(T0 + targetMin * MIN, clock.stoppedAtMs, nowMs);
          expect(verdictOfPhase(reading.phase, clock.stoppedAtMs !== null)).toEqual(fromInstants);
        },
      ),
    );
  });

  it('reads a business-hours clock stopped exactly at its due as met, as the clocks module does', () => {
    // 09:00 IST Monday + 15 business minutes = 09:15 IST.
    const start = Date.parse('2026-03-02T03:30:00Z');
    const clock = startClock({ id: 'c', targetMs: 15 * MIN, calendarId: 'office' }, start);
    const due = readClock(clock, office, start).dueMs!;
    expect(verdictOfPhase(readClock(stopClock(clock, due), office, due).phase, true).verdict).toBe('met');
    const late = stopClock(clock, due + 1);
    expect(verdictOfPhase(readClock(late, office, due + 1).phase, true).verdict).toBe('breached');
    expect(verdictOfPhase(readClock(clock, office, due).phase, false)).toEqual({
      verdict: 'running',
      overdue: true,
    });
  });
});

const arbRow = fc.record({
  packId: fc.constantFrom('a', 'b'),
  packVersion: fc.constantFrom('1.0.0', '1.1.0'),
  kind: fc.constantFrom('ticket', 'incident'),
  step: fc.constantFrom('first-response', 'resolution', 'stage:assess'),
  source: fc.constantFrom('scale:s/p1', 'stage:assess'),
  level: fc.constantFrom('p1', 'p2', null),
  verdict: fc.constantFrom('met' as const, 'breached' as const, 'running' as const),
  overdue: fc.boolean(),
  count: fc.integer({ min: 0, max: 5 }),
});

describe('the report', () => {
  it('counts every line as a simple oracle does (property)', () => {
    fc.assert(
      fc.property(fc.array(arbRow, { maxLength: 60 }), (rows) => {
        const report = buildComplianceReport(rows, describe0, { fromMs: T0, toMs: T0 + 1, nowMs: T0 });
        const keyOf = (r: { kind: string; step: string; source: string; level: string | null }) =>
          [r.kind, r.step, r.source, r.level ?? ''].join('|');
        for (const pack of report.packs) {
          for (const line of pack.families.flatMap((f) => f.lines)) {
            const mine = rows.filter(
              (r) => r.packId === pack.packId && r.packVersion === pack.version && keyOf(r) === keyOf(line),
            );
            const sum = (pick: (r: ComplianceRow) => boolean) =>
              mine.filter(pick).reduce((n, r) => n + r.count, 0);
            const met = sum((r) => r.verdict === 'met');
            const breached = sum((r) => r.verdict === 'breached');
            expect(line.met).toBe(met);
            expect(line.breached).toBe(breached);
            expect(line.running).toBe(sum((r) => r.verdict === 'running'));
            expect(line.overdue).toBe(sum((r) => r.verdict === 'running' && r.overdue));
            expect(line.total).toBe(line.met + line.breached + line.running);
            // A step running past its due instant can no longer be met: it counts as missed.
            const late = sum((r) => r.verdict === 'running' && r.overdue);
            const decided = met + breached + late;
            expect(line.percent).toBe(decided === 0 ? null : Math.round((1000 * met) / decided) / 10);
            expect(line.onTarget).toBe(decided === 0 ? null : met / decided >= 0.95);
          }
        }
        // Every counted record is on exactly one line.
        const counted = report.packs.reduce((n, p) => n + p.steps, 0);
        expect(counted).toBe(rows.reduce((n, r) => n + r.count, 0));
      }),
    );
  });

  it('words a line as the SOP reads, and keeps packs with nothing to count', () => {
    const rows = [
      ...Array.from({ length: 12 }, () => row({ kind: 'incident', step: 'stage:assess', level: 'sev1' })),
      row({ kind: 'incident', step: 'stage:assess', level: 'sev1', verdict: 'breached' }),
      row({ kind: 'incident', step: 'stage:assess', level: 'sev1', verdict: 'running', overdue: true }),
    ];
    const report = buildComplianceReport(rows, describe0, { fromMs: T0, toMs: T0 + 1, nowMs: T0 }, [
      { packId: 'p', version: '1.0.0', title: 'Pack P' },
      { packId: 'q', version: '2.0.0', title: 'Pack Q' },
    ]);
    expect(report.packs.map((p) => [p.packId, p.steps])).toEqual([
      ['p', 14],
      ['q', 0],
    ]);
    const [line] = report.packs[0]!.families[0]!.lines;
    expect(line!.text).toBe(
      'sev1 · stage:assess: met in 12 of 14 incidents (85.7 %, target 95 %); 1 running, 1 past due and counted as missed',
    );
    expect(line!.onTarget).toBe(false);
  });

  it('orders versions newest first, numerically', () => {
    expect(['1.9.0', '1.10.0', '1.2.0'].sort((a, b) => compareVersions(b, a))).toEqual([
      '1.10.0',
      '1.9.0',
      '1.2.0',
    ]);
  });
});
