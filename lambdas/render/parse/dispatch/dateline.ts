/**
 * The dateline that opens a wire dispatch: `PARIS, 28 février 2022 (AFP) -`, `Kyiv (AFP) —`,
 * `LONDON, March 2 -`, `МОСКВА, 24 апреля (ТАСС).`, `新华社上海10月15日电`, `東京（共同）`.
 */
import { dateMentions, type DispatchDate, nearestYear } from './calendar';
import { lazily } from './lexicon';

export interface Dateline {
  readonly location: string;
  /** `YYYY-MM-DD` when the dateline gives a day. */
  readonly date?: string;
  readonly agency?: string;
  /** Offsets in the paragraph. */
  readonly locationAt: number;
  readonly agencyAt?: number;
  readonly dateAt?: number;
  /** Where the text after the dateline starts. */
  readonly length: number;
}

const PLACE_WORD = String.raw`\p{Lu}[\p{L}\p{M}’'.-]*`;
const DATELINE = lazily(
  () =>
    new RegExp(
      // A dash ends it; so does a full stop right after the agency (TASS, Ukrinform: "(ТАСС). ").
      String.raw`^(${PLACE_WORD}(?:\s+${PLACE_WORD}){0,3})(?:,\s+([^()\n,]{3,25}(?:,\s*\d{4})?))?\s*(?:\(([\p{L}][\p{L}\s-]{0,20})\))?(?:\s*[-–—]|(?<=\))\.)\s+`,
      'u',
    ),
);

/** Xinhua style: agency, place, month and day, 电, an optional reporter in parentheses. */
const CHINESE_DATELINE = /^(\p{Script=Han}{1,4}社)(\p{Script=Han}{1,8}?)(\d{1,2})月(\d{1,2})日电(?:（[^）\n]{1,20}）)?\s*/u;
/**
 * Kyodo style: a place, then the agency in full-width parentheses. Only agencies of this list:
 * "日本銀行（日銀）は…" has the same shape and is no dateline.
 */
const JAPANESE_DATELINE = /^(\p{Script=Han}{1,6})（((?:[A-Z]{2,5}=)?(?:共同|時事|ロイター|新華社|聯合|ブルームバーグ|AFP|AP))）\s*/u;
/** "24 апреля": a day and a month in a script the calendar does not read; kept as text, no date. */
const UNREAD_DATE = /^\d{1,2}\s+\p{Script=Cyrillic}+$/u;

/**
 * A dateline needs an agency, a date, or a place in capitals: "Emmanuel Macron — …" is not one. The
 * date must be one; its year, when not written, is the one nearest the dispatch's date token.
 */
export function datelineOf(paragraph: string, reference: DispatchDate): Dateline | null {
  const match = DATELINE().exec(paragraph);
  if (!match) return cjkDatelineOf(paragraph, reference);
  const [whole, place, dateText, agency] = match as unknown as [string, string, string | undefined, string | undefined];
  const mention = dateText === undefined ? undefined : dateMentions(dateText, reference)[0];
  const unread = dateText !== undefined && agency !== undefined && UNREAD_DATE.test(dateText.trim());
  if (dateText !== undefined && !unread && (mention === undefined || mention.start !== 0 || mention.end !== dateText.trim().length)) return null;
  if (agency === undefined && mention === undefined && place !== place.toUpperCase()) return null;
  const dateAt = dateText === undefined ? undefined : whole.indexOf(dateText, place.length);
  const agencyAt = agency === undefined ? undefined : whole.lastIndexOf(`(${agency})`) + 1;
  return {
    location: titleCase(place),
    locationAt: 0,
    ...(mention ? { date: mention.date, dateAt } : {}),
    ...(agency === undefined ? {} : { agency: agency.trim(), agencyAt }),
    length: whole.length,
  };
}

function cjkDatelineOf(paragraph: string, reference: DispatchDate): Dateline | null {
  const chinese = CHINESE_DATELINE.exec(paragraph);
  if (chinese) {
    const [whole, agency, place, month, day] = chinese as unknown as [string, string, string, string, string];
    const date = isoDay(nearestYear(Number(month), Number(day), reference), Number(month), Number(day));
    if (date === null) return null;
    return { location: place, locationAt: agency.length, date, dateAt: agency.length + place.length, agency, agencyAt: 0, length: whole.length };
  }
  const japanese = JAPANESE_DATELINE.exec(paragraph);
  if (!japanese) return null;
  const [whole, place, agency] = japanese as unknown as [string, string, string];
  return { location: place, locationAt: 0, agency, agencyAt: place.length + 1, length: whole.length };
}

/** `YYYY-MM-DD`, or null for a day the calendar does not have (2月30日). */
function isoDay(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date.toISOString().slice(0, 10) : null;
}

/** "NEW YORK" → "New York", "SAINT-DENIS" → "Saint-Denis"; a place written in mixed case stays as written. */
export function titleCase(place: string): string {
  if (place !== place.toUpperCase()) return place;
  return place.toLowerCase().replace(/(^|[\s’'-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
