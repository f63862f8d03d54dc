/** Dates written in words ("le 24 février", "on March 2", "June 3, 2023") and weekdays, resolved to days. */
import { FUTURE_MARKERS, lazily, MONTHS, NEXT_WEEK_MARKERS, PAST_MARKERS, WEEKDAYS } from './lexicon';

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
 * Weekdays ("lundi", "on Thursday") as days, only when the dispatch's date is a full day: the one
 * in the week of that date (Monday to Sunday, the day itself when it is that weekday); the last one
 * on or before it when the weekday's clause is in the past; the next one on or after it when the
 * clause speaks of the future ("prochain", "next": after it).
 */
export function weekdayMentions(sentence: string, reference: DispatchDate): DayMention[] {
  const { year, month, day } = reference;
  if (month === undefined || day === undefined) return [];
  const today = Date.UTC(year, month - 1, day);
  const todayWeekday = new Date(today).getUTCDay();
  return [...sentence.matchAll(WEEKDAY_MENTION())].map((match) => {
    const weekday = WEEKDAYS[match[1] as string] as number;
    const words = wordsOf(clauseAround(sentence, match.index));
    const shift = isFuture(words)
      ? (weekday - todayWeekday + 7) % 7 || (words.some((word) => NEXT_WEEK_MARKERS().has(word)) ? 7 : 0)
      : isPast(words)
        ? -((todayWeekday - weekday + 7) % 7)
        : ((weekday + 6) % 7) - ((todayWeekday + 6) % 7);
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

function wordsOf(clause: string): string[] {
  return clause.toLowerCase().split(/[^\p{L}’']+/u).filter((word) => word !== '');
}

/**
 * French simple future and conditional in the third person, which the wire writes ("recevra",
 * "seront", "se rendrait"): a stem an infinitive gives, then -ra, -ront, -rait, -raient. The passé
 * simple of -rer verbs ("déclara") has no such stem; "front", "attrait" and English "era" are nouns.
 */
const FRENCH_FUTURE = /(?:e|i|d|v|r|au|tt|ît)r(?:a|ont|ait|aient)$/u;
const NOT_FUTURE = new Set(['front', 'affront', 'attrait', 'era', 'camera', 'opera']);

function isFuture(words: readonly string[]): boolean {
  return words.some((word) => FUTURE_MARKERS().has(word) || (FRENCH_FUTURE.test(word) && !NOT_FUTURE.has(word)));
}

/**
 * A past clause: a marker ("hier", "dernier", "said", "last"), an English -ed form, or a French
 * auxiliary followed, after at most one word ("a également demandé"), by a past participle in -é.
 */
function isPast(words: readonly string[]): boolean {
  return words.some(
    (word, index) =>
      PAST_MARKERS().has(word) ||
      (/^\p{L}{2,}ed$/u.test(word) && !NOT_PAST.has(word)) ||
      (FRENCH_AUXILIARIES.has(word) && words.slice(index + 1, index + 3).some((next) => /\p{L}(?:é|ée|és|ées)$/u.test(next))),
  );
}

const FRENCH_AUXILIARIES = new Set(['a', 'ont', 'avait', 'avaient', 'ai', 'avons', 'est', 'sont', 'était', 'étaient', 's’est', "s'est"]);
const NOT_PAST = new Set(['need', 'speed', 'indeed', 'united', 'proceed', 'exceed', 'succeed']);

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
