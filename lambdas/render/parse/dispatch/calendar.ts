/** Dates written in words ("le 24 février", "on March 2", "June 3, 2023") and weekdays, resolved to days. */
import { FUTURE_MARKERS, lazily, MONTHS, WEEKDAYS } from './lexicon';

/** The dispatch's own date, at the precision it was given. */
export interface DispatchDate {
  readonly year: number;
  readonly month?: number;
  readonly day?: number;
}

export interface DayMention {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  /** Where the mention starts and ends in the text searched. */
  readonly start: number;
  readonly end: number;
}

const monthNames = (): string => Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

/** "24 février [2022]", "1er avril", "March 2[, 2023]", "Feb. 28": day, month, year groups in either order. */
const DATE_MENTION = lazily(
  () =>
    new RegExp(
      String.raw`(?=[\p{L}\p{N}])(?<![\p{L}\p{N}])(?:(\d{1,2})(?:er|st|nd|rd|th)?\s+(${monthNames()})\.?(?:\s+(\d{4}))?|(${monthNames()})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?)(?![\p{L}\p{N}])`,
      'gu',
    ),
);
const WEEKDAY_MENTION = lazily(() => new RegExp(String.raw`(?=\p{Lu}|[dlmjvs])(?<![\p{L}])(${Object.keys(WEEKDAYS).join('|')})(?![\p{L}])`, 'gu'));

/** Every explicit date of the text; the year, when not written, is the one nearest the dispatch's date. */
export function dateMentions(text: string, reference: DispatchDate): DayMention[] {
  return [...text.matchAll(DATE_MENTION())].flatMap((match) => {
    const day = Number(match[1] ?? match[5]);
    const month = MONTHS[(match[2] ?? match[4]) as string] as number;
    const written = match[3] ?? match[6];
    const year = written === undefined ? nearestYear(month, day, reference) : Number(written);
    const date = isoDay(year, month, day);
    return date === null ? [] : [{ date, start: match.index, end: match.index + match[0].length }];
  });
}

/**
 * Weekdays ("lundi", "on Thursday") as days, only when the dispatch's date is a full day: the last
 * such day on or before it, or the next one after it when the sentence speaks of the future.
 */
export function weekdayMentions(sentence: string, reference: DispatchDate): DayMention[] {
  const { year, month, day } = reference;
  if (month === undefined || day === undefined) return [];
  const today = Date.UTC(year, month - 1, day);
  const todayWeekday = new Date(today).getUTCDay();
  return [...sentence.matchAll(WEEKDAY_MENTION())].map((match) => {
    const weekday = WEEKDAYS[match[1] as string] as number;
    const future = isFuture(clauseAround(sentence, match.index));
    const shift = future ? (weekday - todayWeekday + 7) % 7 || 7 : -((todayWeekday - weekday + 7) % 7);
    const resolved = new Date(today + shift * 86_400_000);
    return { date: resolved.toISOString().slice(0, 10), start: match.index, end: match.index + match[0].length };
  });
}

/** "Britain will send troops, the minister said on Wednesday": the tense that counts is the weekday's clause's. */
function clauseAround(sentence: string, at: number): string {
  const start = Math.max(sentence.lastIndexOf(',', at), sentence.lastIndexOf(';', at)) + 1;
  const ends = [sentence.indexOf(',', at), sentence.indexOf(';', at)].filter((end) => end >= 0);
  return sentence.slice(start, ends.length > 0 ? Math.min(...ends) : sentence.length);
}

function isFuture(clause: string): boolean {
  return clause.toLowerCase().split(/[^\p{L}’']+/u).some((word) => FUTURE_MARKERS().has(word));
}

/** The year that puts day and month nearest the reference date: a January dispatch's "28 décembre" is last year's. */
export function nearestYear(month: number, day: number, reference: DispatchDate): number {
  if (reference.month === undefined) return reference.year;
  const target = Date.UTC(reference.year, reference.month - 1, reference.day ?? 15);
  const candidates = [reference.year - 1, reference.year, reference.year + 1];
  return candidates.reduce((best, year) =>
    Math.abs(Date.UTC(year, month - 1, day) - target) < Math.abs(Date.UTC(best, month - 1, day) - target) ? year : best,
  );
}

/** `YYYY-MM-DD`, or null for a day the calendar does not have (31 avril). */
function isoDay(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

export function dispatchDateOf(text: string): DispatchDate {
  const [year, month, day] = text.split(/[-T]/).map(Number);
  return { year: year as number, ...(month ? { month } : {}), ...(day ? { day } : {}) };
}
