/**
 * `npm run bench -- calendar`: business-time arithmetic on a New York calendar with DST and holidays
 * (mon-fri 09:00-17:00, sat 10:00-14:00, 10 holidays a year). Per-call `add` and `elapsed` for SLA lengths
 * of 15 min to 30 d, against moment-business-time (with moment-timezone) in the same run, then the
 * mismatch count against the minute-by-minute oracle. Single calls are below timer resolution, so calls are
 * timed in batches and p50/p99 are over the per-call average of each batch.
 * Goals: p99 ≤ 5 µs, ≥ 30× faster than moment-business-time, 0 mismatches.
 */
import moment from 'moment-timezone';
import 'moment-business-time';
import { compileCalendar, type CalendarSpec } from '../src/core/calendar.js';
import { oracleAdd, oracleElapsed } from '../src/core/calendar-oracle.js';
import { loadavg } from 'node:os';
import { fmt, machine } from './lib.js';

const ZONE = 'America/New_York';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const YEARS = [2025, 2026, 2027];
const HOLIDAY_DAYS = [
  '01-01',
  '01-20',
  '02-17',
  '05-26',
  '06-19',
  '07-04',
  '09-01',
  '11-27',
  '11-28',
  '12-25',
];
const DURATIONS = [
  { label: '15 min', ms: 15 * MIN },
  { label: '4 h', ms: 4 * HOUR },
  { label: '1 d', ms: DAY },
  { label: '30 d', ms: 30 * DAY },
];
const RANGE_START = Date.UTC(2025, 0, 1);
const RANGE_MS = 365 * DAY; // starts in 2025, so 30-day SLAs stay inside the holiday list
const OURS = { batches: 1000, perBatch: 500 };
const THEIRS = { batches: 30, perBatch: 5 };
const P99_GOAL_US = 5;
const RATIO_GOAL = 30;
const DEFAULT_CASES = 100_000;

const SPEC: CalendarSpec = {
  id: 'ny-office',
  timeZone: ZONE,
  hours: { weekdays: ['09:00-17:00'], sat: ['10:00-14:00'] },
  holidays: YEARS.flatMap((year) => HOLIDAY_DAYS.map((day) => ({ date: `${year}-${day}`, name: day }))),
};

interface BusinessMoment extends moment.Moment {
  addWorkingTime(amount: number, unit: 'milliseconds'): BusinessMoment;
  workingDiff(other: moment.Moment, unit: 'milliseconds'): number;
}

function configureMomentBusinessTime(): void {
  moment.updateLocale('en', {
    workinghours: {
      0: null,
      1: ['09:00:00', '17:00:00'],
      2: ['09:00:00', '17:00:00'],
      3: ['09:00:00', '17:00:00'],
      4: ['09:00:00', '17:00:00'],
      5: ['09:00:00', '17:00:00'],
      6: ['10:00:00', '14:00:00'],
    },
    holidays: SPEC.holidays!.map((h) => h.date),
  });
}

const inZone = (ms: number) => moment.tz(ms, ZONE) as BusinessMoment;

/** A small seeded generator (mulberry32), so runs are repeatable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Per-call µs of each batch; `call(i)` is called perBatch times per batch, after one warm-up batch. */
function timeBatches(plan: { batches: number; perBatch: number }, call: (i: number) => number): number[] {
  let sink = 0;
  const perCall: number[] = [];
  for (let batch = -1; batch < plan.batches; batch++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < plan.perBatch; i++) sink += call(batch * plan.perBatch + i);
    const ns = Number(process.hrtime.bigint() - started);
    if (batch >= 0) perCall.push(ns / 1000 / plan.perBatch);
  }
  if (Number.isNaN(sink)) console.log('(sink)');
  return perCall;
}

function printSpeed(): void {
  const calendar = compileCalendar(SPEC);
  const next = random(1);
  const starts = Array.from({ length: 4096 }, () => RANGE_START + Math.floor(next() * RANGE_MS));
  const pick = (i: number) => starts[((i % starts.length) + starts.length) % starts.length]!;
  // Build the year tables before timing: the server compiles once and reuses them.
  for (const s of starts) calendar.add(s, 30 * DAY);
  configureMomentBusinessTime();

  // Ours first for every row, so moment's garbage does not land in our batches.
  const rows = DURATIONS.flatMap(({ label, ms }) => {
    const ends = starts.map((s) => calendar.add(s, ms));
    const end = (i: number) => ends[((i % ends.length) + ends.length) % ends.length]!;
    return [
      {
        op: 'add',
        label,
        ours: timeBatches(OURS, (i) => calendar.add(pick(i), ms)),
        theirs: (i: number) => inZone(pick(i)).addWorkingTime(ms, 'milliseconds').valueOf(),
      },
      {
        op: 'elapsed',
        label,
        ours: timeBatches(OURS, (i) => calendar.elapsed(pick(i), end(i))),
        theirs: (i: number) => inZone(end(i)).workingDiff(inZone(pick(i)), 'milliseconds'),
      },
    ];
  });
  console.log(
    '| op | SLA | ours p50 µs | ours p99 µs | moment-business-time p50 µs | p99 µs | ratio (p50) | goal | result |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const theirs = timeBatches(THEIRS, row.theirs);
    const [p50, p99] = [percentile(row.ours, 50), percentile(row.ours, 99)];
    const [t50, t99] = [percentile(theirs, 50), percentile(theirs, 99)];
    const ratio = t50 / p50;
    const met = p99 <= P99_GOAL_US && ratio >= RATIO_GOAL ? 'met' : '**NOT met**';
    console.log(
      `| ${row.op} | ${row.label} | ${fmt(p50, 3)} | ${fmt(p99, 3)} | ${fmt(t50, 1)} | ${fmt(t99, 1)} | ${fmt(ratio)}× | p99 ≤ ${P99_GOAL_US} µs, ≥ ${RATIO_GOAL}× | ${met} |`,
    );
  }
  const agree = starts.slice(0, 200).filter(
    (s) =>
      inZone(s)
        .addWorkingTime(4 * HOUR, 'milliseconds')
        .valueOf() === calendar.add(s, 4 * HOUR),
  );
  console.log(`(moment-business-time agrees with ours on ${agree.length}/200 4-hour adds)`);
}

/** Ours vs the oracle on random whole-minute cases: add (1 min-8 h) and elapsed (spans up to 3 days). */
function printMismatches(cases: number): void {
  const calendar = compileCalendar(SPEC);
  const next = random(2);
  const started = process.hrtime.bigint();
  let mismatches = 0;
  let example = '';
  for (let i = 0; i < cases; i++) {
    const start = RANGE_START + Math.floor((next() * RANGE_MS) / MIN) * MIN;
    const add = i % 2 === 0;
    const ms = (1 + Math.floor(next() * (add ? 8 * 60 : 3 * 24 * 60))) * MIN;
    const ours = add ? calendar.add(start, ms) : calendar.elapsed(start, start + ms);
    const oracle = add ? oracleAdd(SPEC, start, ms) : oracleElapsed(SPEC, start, start + ms);
    if (ours !== oracle) {
      mismatches++;
      example ||= `${add ? 'add' : 'elapsed'}(${new Date(start).toISOString()}, ${ms}): ${ours} vs ${oracle}`;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const met = mismatches === 0 ? 'met' : '**NOT met**';
  console.log(
    `oracle check: ${fmt(cases)} cases (add 1 min-8 h, elapsed over up to 3 d) in ${fmt(seconds, 1)} s: ${fmt(mismatches)} mismatches (goal 0: ${met}; the issue asks for 10,000,000: OPSBOOK_BENCH_CASES=10000000)`,
  );
  if (example) console.log(`first mismatch: ${example}`);
}

export async function benchCalendar(): Promise<void> {
  console.log(`calendar: ${ZONE} mon-fri 09:00-17:00, sat 10:00-14:00, 10 holidays/year; ${machine()}`);
  // p99 of a batch is sensitive to other load on the machine (preemption), so say how busy it was.
  console.log(
    `load average at start: ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' / ')}`,
  );
  console.log(
    `ours: ${OURS.batches} batches × ${OURS.perBatch} calls; moment-business-time: ${THEIRS.batches} batches × ${THEIRS.perBatch} calls`,
  );
  printSpeed();
  printMismatches(Number(process.env.OPSBOOK_BENCH_CASES ?? DEFAULT_CASES));
}
