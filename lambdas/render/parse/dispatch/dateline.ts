/** The dateline that opens a wire dispatch: `PARIS, 28 février 2022 (AFP) -`, `Kyiv (AFP) —`, `LONDON, March 2 -`. */
import { dateMentions, type DispatchDate } from './calendar';
import { lazily } from './lexicon';

export interface Dateline {
  readonly location: string;
  /** `YYYY-MM-DD` when the dateline gives a day. */
  readonly date?: string;
  readonly agency?: string;
  /** Offsets in the paragraph: the location's start is 0. */
  readonly agencyAt?: number;
  readonly dateAt?: number;
  /** Where the text after the dateline starts. */
  readonly length: number;
}

const PLACE_WORD = String.raw`\p{Lu}[\p{L}\p{M}’'.-]*`;
const DATELINE = lazily(
  () =>
    new RegExp(
      String.raw`^(${PLACE_WORD}(?:\s+${PLACE_WORD}){0,3})(?:,\s+([^()\n,]{3,25}(?:,\s*\d{4})?))?\s*(?:\(([\p{L}][\p{L}\s-]{0,20})\))?\s*[-–—]\s+`,
      'u',
    ),
);

/**
 * A dateline needs an agency, a date, or a place in capitals: "Emmanuel Macron — …" is not one. The
 * date must be one; its year, when not written, is the one nearest the dispatch's date token.
 */
export function datelineOf(paragraph: string, reference: DispatchDate): Dateline | null {
  const match = DATELINE().exec(paragraph);
  if (!match) return null;
  const [whole, place, dateText, agency] = match as unknown as [string, string, string | undefined, string | undefined];
  const mention = dateText === undefined ? undefined : dateMentions(dateText, reference)[0];
  if (dateText !== undefined && (mention === undefined || mention.start !== 0 || mention.end !== dateText.trim().length)) return null;
  if (agency === undefined && mention === undefined && place !== place.toUpperCase()) return null;
  const dateAt = dateText === undefined ? undefined : whole.indexOf(dateText, place.length);
  const agencyAt = agency === undefined ? undefined : whole.lastIndexOf(`(${agency})`) + 1;
  return {
    location: titleCase(place),
    ...(mention ? { date: mention.date, dateAt } : {}),
    ...(agency === undefined ? {} : { agency: agency.trim(), agencyAt }),
    length: whole.length,
  };
}

/** "NEW YORK" → "New York", "SAINT-DENIS" → "Saint-Denis"; a place written in mixed case stays as written. */
export function titleCase(place: string): string {
  if (place !== place.toUpperCase()) return place;
  return place.toLowerCase().replace(/(^|[\s’'-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
