/** Business calendars: open intervals per weekday in a time zone, with holidays; or 24/7. */
import { z } from 'zod';
import { Facts, Id, Quote, Ref, Text, TimeZone } from './common.js';

const Interval = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
    'an interval is "HH:MM-HH:MM" between 00:00 and 24:00, e.g. "09:00-21:00"',
  )
  .describe('An open interval, `HH:MM-HH:MM` (`24:00` ends at midnight).');

const Day = z.array(Interval).describe('The open intervals of that day; `[]` closed.');

export const WeeklyHours = z
  .strictObject({
    mon: Day.optional(),
    tue: Day.optional(),
    wed: Day.optional(),
    thu: Day.optional(),
    fri: Day.optional(),
    sat: Day.optional(),
    sun: Day.optional(),
    weekdays: Day.optional().describe('Shorthand for mon-fri.'),
    daily: Day.optional().describe('Shorthand for every day.'),
  })
  .describe(
    'Open intervals per weekday; a day not listed is closed. `daily` and `weekdays` are shorthands that named days override.',
  );

export const Calendar = z.strictObject({
  id: Id,
  label: Text,
  timeZone: TimeZone.optional().describe("IANA zone; defaults to the pack's `timeZone`."),
  hours: z.union([z.literal('24/7'), WeeklyHours]).describe('`24/7`, or the weekly open intervals.'),
  holidays: z.array(Ref('a holiday set')).optional(),
  quote: Quote.optional(),
  facts: Facts.optional(),
});

export const HolidaySet = z.strictObject({
  id: Id,
  label: Text,
  dates: z.array(z.strictObject({ date: z.iso.date(), name: Text })),
});
