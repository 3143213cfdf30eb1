/**
 * Plain SVG charts for the support dashboard: bars (each bar a link to the tickets behind it), bars of a
 * percentage against a target, and a CSAT gauge. No chart library: a few rectangles and an arc.
 */
import type { MouseEvent } from 'react';
import { navigate } from '../router';

export interface Bar {
  readonly label: string;
  readonly value: number;
  /** The inbox filtered to the tickets behind the bar. */
  readonly href: string;
}

/** In-app navigation for links inside an SVG (plain clicks only). */
function follow(href: string) {
  return (event: MouseEvent<Element>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
}

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 22;

/** Vertical bars, one per item, labelled below (every nth label when there are many). */
export function BarChart({
  title,
  bars,
  unit,
}: {
  readonly title: string;
  readonly bars: readonly Bar[];
  readonly unit: string;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = WIDTH / Math.max(1, bars.length);
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const every = Math.ceil(bars.length / 12);
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT + AXIS}`} role="group" aria-label={title}>
      <line x1="0" x2={WIDTH} y1={HEIGHT} y2={HEIGHT} className="chart-axis" />
      {bars.map((b, i) => {
        const h = (b.value / max) * (HEIGHT - 16);
        const words = `${b.label}: ${b.value} ${b.value === 1 ? unit.replace(/s$/, '') : unit}`;
        const x = i * slot + (slot - barWidth) / 2;
        return (
          <a key={b.label} href={b.href} onClick={follow(b.href)} aria-label={words}>
            <rect
              x={x}
              y={HEIGHT - h}
              width={barWidth}
              height={Math.max(h, b.value > 0 ? 1 : 0)}
              className="chart-bar"
            >
              <title>{words}</title>
            </rect>
            {bars.length <= 12 && b.value > 0 && (
              <text x={x + barWidth / 2} y={HEIGHT - h - 4} className="chart-value" textAnchor="middle">
                {b.value}
              </text>
            )}
            {i % every === 0 && (
              <text x={x + barWidth / 2} y={HEIGHT + 15} className="chart-label" textAnchor="middle">
                {b.label}
              </text>
            )}
          </a>
        );
      })}
    </svg>
  );
}

export interface PercentBar {
  readonly label: string;
  readonly percent: number | null;
  readonly target: number | null;
  readonly href: string;
}

/** Horizontal bars of percentages (0-100) with each row's target marked; below target is coloured. */
export function PercentBars({
  title,
  rows,
}: {
  readonly title: string;
  readonly rows: readonly PercentBar[];
}) {
  const rowHeight = 26;
  const labelWidth = 150;
  const width = WIDTH - labelWidth - 50;
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${WIDTH} ${rows.length * rowHeight + 4}`}
      role="group"
      aria-label={title}
    >
      {rows.map((r, i) => {
        const y = i * rowHeight + 4;
        const w = ((r.percent ?? 0) / 100) * width;
        const below = r.percent !== null && r.target !== null && r.percent < r.target;
        const words = `${r.label}: ${r.percent === null ? 'no tickets' : `${r.percent.toFixed(0)} %`}${r.target !== null ? `, target ${r.target} %` : ''}`;
        return (
          <a key={r.label} href={r.href} onClick={follow(r.href)} aria-label={words}>
            <text x="0" y={y + 14} className="chart-label">
              {r.label}
            </text>
            <rect x={labelWidth} y={y} width={width} height="18" className="chart-track" />
            <rect
              x={labelWidth}
              y={y}
              width={w}
              height="18"
              className={below ? 'chart-bar below' : 'chart-bar'}
            >
              <title>{words}</title>
            </rect>
            {r.target !== null && (
              <line
                x1={labelWidth + (r.target / 100) * width}
                x2={labelWidth + (r.target / 100) * width}
                y1={y - 2}
                y2={y + 20}
                className="chart-target"
              />
            )}
            <text x={labelWidth + width + 6} y={y + 14} className="chart-value">
              {r.percent === null ? '—' : `${r.percent.toFixed(0)} %`}
            </text>
          </a>
        );
      })}
    </svg>
  );
}

/** A half-circle gauge of the average score out of `max`, with the target marked. */
export function Gauge({
  label,
  value,
  max,
  target,
}: {
  readonly label: string;
  readonly value: number | null;
  readonly max: number;
  readonly target: number | null;
}) {
  const r = 80;
  const cx = 100;
  const cy = 95;
  const point = (fraction: number) => {
    const angle = Math.PI * (1 - fraction);
    return [cx + r * Math.cos(angle), cy - r * Math.sin(angle)] as const;
  };
  const arc = (fraction: number) => {
    const [x, y] = point(Math.min(Math.max(fraction, 0), 1));
    return `M ${cx - r} ${cy} A ${r} ${r} 0 0 1 ${x.toFixed(1)} ${y.toFixed(1)}`;
  };
  const fraction = value === null ? 0 : value / max;
  const below = value !== null && target !== null && value < target;
  const words = `${label}: ${value === null ? 'no answers yet' : `${value.toFixed(2)} of ${max}`}${target !== null ? `, target ${target}` : ''}`;
  const [tx, ty] = target !== null ? point(target / max) : [0, 0];
  return (
    <svg className="gauge" viewBox="0 0 200 110" role="img" aria-label={words}>
      <path d={arc(1)} className="gauge-track" />
      {value !== null && value > 0 && (
        <path d={arc(fraction)} className={below ? 'gauge-value below' : 'gauge-value'} />
      )}
      {target !== null && <circle cx={tx} cy={ty} r="4" className="chart-target-dot" />}
      <text x={cx} y={cy - 10} textAnchor="middle" className="gauge-number">
        {value === null ? '—' : value.toFixed(2)}
      </text>
      <text x={cx} y={cy + 10} textAnchor="middle" className="chart-label">
        of {max}
      </text>
    </svg>
  );
}
