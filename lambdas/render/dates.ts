/**
 * Dates at the precision the author gave them (content format: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an
 * ISO 8601 date-time). Shared by validation and the wire-dispatch reader, so that both accept and
 * refuse exactly the same texts.
 */
import type { PartialDate } from './types';

export type DateReading =
  | { readonly kind: 'date'; readonly date: PartialDate }
  /** Written as a date (starts with a four-digit year) but not one: `2022-13-01`, `2022-02-30`. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Not written as a date at all: `jeudi`, `24 février`. */
  | { readonly kind: 'text' };

export const DATE_FORMATS = 'YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 date-time such as 2022-02-28T14:30Z';

/** A four-digit year, then anything a date-time could continue with. */
const DATE_SHAPED = /^\d{4}(?:$|[-T ])/;
const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
/** RFC 3339 allows a space instead of the `T`; editors and spreadsheets write it that way. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;

const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

export function parsePartialDate(raw: string): PartialDate | null {
  const reading = readPartialDate(raw);
  return reading.kind === 'date' ? reading.date : null;
}

export function readPartialDate(raw: string): DateReading {
  const text = raw.trim();
  if (!DATE_SHAPED.test(text)) return { kind: 'text' };
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) return readDateTime(text, dateTime);
  const date = DATE.exec(text);
  if (!date) return { kind: 'invalid', reason: `"${text}" is not written as a date` };
  const [, year, month, day] = date;
  const problem = calendarProblem(Number(year), month === undefined ? undefined : Number(month), day === undefined ? undefined : Number(day));
  if (problem) return { kind: 'invalid', reason: `"${text}": ${problem}` };
  return {
    kind: 'date',
    date: {
      year: Number(year),
      ...(month === undefined ? {} : { month: Number(month) }),
      ...(day === undefined ? {} : { day: Number(day) }),
      raw: text,
    },
  };
}

function readDateTime(text: string, match: RegExpExecArray): DateReading {
  const [, year, month, day, hour, minute, second, offset] = match;
  const problem =
    calendarProblem(Number(year), Number(month), Number(day)) ??
    timeProblem(Number(hour), Number(minute), second === undefined ? 0 : Number(second), offset);
  if (problem) return { kind: 'invalid', reason: `"${text}": ${problem}` };
  // Everything after the `T` (or space) at index 10: the time as written, with its zone.
  return {
    kind: 'date',
    date: { year: Number(year), month: Number(month), day: Number(day), time: text.slice(11), raw: text },
  };
}

function calendarProblem(year: number, month: number | undefined, day: number | undefined): string | null {
  if (year === 0) return 'there is no year 0000';
  if (month === undefined) return null;
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (day === undefined) return null;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${MONTH_NAMES[month - 1]} ${year} has ${days} days, not ${day}`;
  return null;
}

function timeProblem(hour: number, minute: number, second: number, offset: string | undefined): string | null {
  if (hour > 23) return `there is no hour ${hour}`;
  if (minute > 59) return `there is no minute ${minute}`;
  if (second > 59) return `there is no second ${second}`;
  if (offset && offset.length > 1) {
    const offsetHours = Number(offset.slice(1, 3));
    const offsetMinutes = Number(offset.slice(-2));
    if (offsetHours > 14 || (offset.length > 3 && offsetMinutes > 59)) return `there is no time zone offset ${offset}`;
  }
  return null;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
