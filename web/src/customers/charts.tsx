/**
 * Small hand-written SVG charts for the customer dashboard: columns per week, a line per week (NPS, which
 * may be negative) with the target marked, horizontal bars of counts, and a tile's meter. Each chart is
 * an image named by its title and described by its values in words (`<title>`, `<desc>`), so a screen
 * reader hears the figures; the page also shows them as a table.
 */
import type { ReactNode } from 'react';

export interface Point {
  readonly label: string;
  readonly value: number | null;
  /** Said for the point in the chart's description and its hover title, e.g. "4 new accounts". */
  readonly words: string;
}

/** A figure in words: `40 %`, `66.7 %`, `-20` (a score), `—` for none. */
export function figure(value: number | null, unit: string): string {
  if (value === null) return '—';
  const number = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return unit === '%' ? `${number} %` : number;
}

/** `1 answer`, `2 answers`. */
export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const WIDTH = 420;
const HEIGHT = 160;
const AXIS = 20;
const TOP = 14;

function Described({
  id,
  title,
  points,
  height,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly points: readonly Point[];
  readonly height: number;
  readonly children: ReactNode;
}) {
  const description = points.map((p) => `${p.label}: ${p.words}`).join('; ');
  return (
    <svg
      className="cm-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description || 'No data in the period.'}</desc>
      {children}
    </svg>
  );
}

/** Every nth label, so at most about 10 are written under the axis. */
const labelEvery = (n: number) => Math.max(1, Math.ceil(n / 10));

/** Columns, one per point (null counts as none), labelled below. */
export function ColumnChart({
  id,
  title,
  points,
  tone = 'brand',
}: {
  readonly id: string;
  readonly title: string;
  readonly points: readonly Point[];
  /** `bad` for what should be low (cancellations, failures). */
  readonly tone?: 'brand' | 'bad';
}) {
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  const slot = WIDTH / Math.max(1, points.length);
  const barWidth = Math.max(3, Math.min(44, slot * 0.6));
  const every = labelEvery(points.length);
  return (
    <Described id={id} title={title} points={points} height={HEIGHT + AXIS}>
      <line x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="cm-axis" />
      {points.map((p, i) => {
        const value = p.value ?? 0;
        const h = (value / max) * (HEIGHT - TOP);
        const x = i * slot + (slot - barWidth) / 2;
        return (
          <g key={`${p.label}-${i}`}>
            <rect
              x={x}
              y={HEIGHT - h}
              width={barWidth}
              height={Math.max(h, value > 0 ? 1 : 0)}
              className={`cm-bar tone-${tone}`}
            >
              <title>{`${p.label}: ${p.words}`}</title>
            </rect>
            {points.length <= 16 && value > 0 && (
              <text x={x + barWidth / 2} y={HEIGHT - h - 4} className="cm-value" textAnchor="middle">
                {value}
              </text>
            )}
            {i % every === 0 && (
              <text x={x + barWidth / 2} y={HEIGHT + 14} className="cm-label" textAnchor="middle">
                {p.label}
              </text>
            )}
          </g>
        );
      })}
    </Described>
  );
}

/**
 * A line over the points between `min` and `max` (a null point leaves a gap), with zero and the target
 * drawn across.
 */
export function LineChart({
  id,
  title,
  points,
  min,
  max,
  target,
}: {
  readonly id: string;
  readonly title: string;
  readonly points: readonly Point[];
  readonly min: number;
  readonly max: number;
  readonly target: number | null;
}) {
  const slot = WIDTH / Math.max(1, points.length);
  const xOf = (i: number) => i * slot + slot / 2;
  const yOf = (v: number) => TOP + ((max - Math.min(Math.max(v, min), max)) / (max - min)) * (HEIGHT - TOP);
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (current.length) segments.push(current.join(' '));
      current = [];
    } else current.push(`${xOf(i).toFixed(1)},${yOf(p.value).toFixed(1)}`);
  });
  if (current.length) segments.push(current.join(' '));
  const every = labelEvery(points.length);
  return (
    <Described id={id} title={title} points={points} height={HEIGHT + AXIS}>
      <line x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="cm-axis" />
      {min < 0 && max > 0 && <line x1="0" x2={WIDTH} y1={yOf(0)} y2={yOf(0)} className="cm-zero" />}
      {target !== null && <line x1="0" x2={WIDTH} y1={yOf(target)} y2={yOf(target)} className="cm-target" />}
      {segments.map((s) => (
        <polyline key={s} points={s} className="cm-line" />
      ))}
      {points.map((p, i) =>
        p.value === null ? null : (
          <circle
            key={`${p.label}-${i}`}
            cx={xOf(i)}
            cy={yOf(p.value)}
            r="4"
            className={target !== null && p.value < target ? 'cm-dot below' : 'cm-dot'}
          >
            <title>{`${p.label}: ${p.words}`}</title>
          </circle>
        ),
      )}
      {points.map(
        (p, i) =>
          i % every === 0 && (
            <text
              key={`l-${p.label}-${i}`}
              x={xOf(i)}
              y={HEIGHT + 14}
              className="cm-label"
              textAnchor="middle"
            >
              {p.label}
            </text>
          ),
      )}
    </Described>
  );
}

/** Horizontal bars of counts, one row per point, labelled on the left and counted on the right. */
export function RowChart({
  id,
  title,
  points,
}: {
  readonly id: string;
  readonly title: string;
  readonly points: readonly Point[];
}) {
  const rowHeight = 24;
  const labelWidth = 120;
  const width = WIDTH - labelWidth - 48;
  const max = Math.max(1, ...points.map((p) => p.value ?? 0));
  return (
    <Described id={id} title={title} points={points} height={Math.max(1, points.length) * rowHeight + 4}>
      {points.map((p, i) => {
        const y = i * rowHeight + 4;
        return (
          <g key={`${p.label}-${i}`}>
            <text x="0" y={y + 13} className="cm-label">
              {p.label.length > 18 ? `${p.label.slice(0, 17)}…` : p.label}
            </text>
            <rect x={labelWidth} y={y} width={width} height="16" className="cm-track" />
            <rect
              x={labelWidth}
              y={y}
              width={((p.value ?? 0) / max) * width}
              height="16"
              className="cm-bar tone-brand"
            >
              <title>{`${p.label}: ${p.words}`}</title>
            </rect>
            <text x={labelWidth + width + 6} y={y + 13} className="cm-value">
              {p.value ?? '—'}
            </text>
          </g>
        );
      })}
    </Described>
  );
}

/**
 * A tile's meter: the value's bar between `min` and `max`, the target ticked. Decorative: the tile says
 * the value, the target and the verdict in words.
 */
export function Meter({
  value,
  target,
  min,
  max,
  met,
}: {
  readonly value: number | null;
  readonly target: number | null;
  readonly min: number;
  readonly max: number;
  readonly met: boolean | null;
}) {
  const w = 200;
  const xOf = (v: number) => ((Math.min(Math.max(v, min), max) - min) / (max - min)) * w;
  const tone = met === null ? 'quiet' : met ? 'good' : 'bad';
  return (
    <svg className="cm-meter" viewBox={`0 0 ${w} 14`} aria-hidden="true" focusable="false">
      <rect x="0" y="3" width={w} height="8" rx="4" className="cm-track" />
      {value !== null && (
        <rect
          x={Math.min(xOf(0), xOf(value))}
          y="3"
          width={Math.abs(xOf(value) - xOf(0))}
          height="8"
          rx="4"
          className={`cm-fill tone-${tone}`}
        />
      )}
      {target !== null && (
        <line x1={xOf(target)} x2={xOf(target)} y1="0" y2="14" className="cm-target-tick" />
      )}
    </svg>
  );
}
