/**
 * The period of a metrics page (support, incidents, customers): whole days in the workspace's zone, the
 * last 30 by default, as two date fields; `from` and `to` are the instants the API takes (`to` is the
 * start of the day after the last one), empty while the period is not valid.
 */
import { useState } from 'react';
import { Field } from './AuthCard';
import { addDays, dateIn, dayStartIn } from './support/zoned';

const DEFAULT_DAYS = 30;

export interface Period {
  readonly fromDate: string;
  readonly toDate: string;
  readonly setFromDate: (date: string) => void;
  readonly setToDate: (date: string) => void;
  /** The first day is not after the last. */
  readonly valid: boolean;
  readonly from: string;
  readonly to: string;
}

export function usePeriod(zone: string, days = DEFAULT_DAYS): Period {
  const [toDate, setToDate] = useState(() => dateIn(Date.now(), zone));
  const [fromDate, setFromDate] = useState(() => addDays(toDate, 1 - days));
  const valid = fromDate !== '' && toDate !== '' && fromDate <= toDate;
  return {
    fromDate,
    toDate,
    setFromDate,
    setToDate,
    valid,
    from: valid ? dayStartIn(fromDate, zone).toISOString() : '',
    to: valid ? dayStartIn(addDays(toDate, 1), zone).toISOString() : '',
  };
}

/** The From and To date fields of a period; `idPrefix` keeps their ids unique on the page. */
export function PeriodFields({ period, idPrefix }: { readonly period: Period; readonly idPrefix: string }) {
  return (
    <>
      <Field id={`${idPrefix}-from`} label="From">
        <input
          id={`${idPrefix}-from`}
          type="date"
          value={period.fromDate}
          max={period.toDate}
          onChange={(e) => period.setFromDate(e.target.value)}
        />
      </Field>
      <Field id={`${idPrefix}-to`} label="To">
        <input
          id={`${idPrefix}-to`}
          type="date"
          value={period.toDate}
          min={period.fromDate}
          onChange={(e) => period.setToDate(e.target.value)}
        />
      </Field>
    </>
  );
}
