/** Dated events: each sentence that names a day ("le 24 février", "on March 2", "lundi") is an entry for that day. */
import { dateMentions, type DayMention, type DispatchDate, weekdayMentions } from './calendar';

export interface FoundEntry {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly event: string;
  /** Offsets in the text searched. */
  readonly dateAt: number;
  readonly eventAt: number;
}

/** "jusqu’à jeudi", "until March 2": the day a span ends, which is not when anything happens. */
const SPAN_END = /(?:jusqu[’']\s*(?:à|au)|until|till)\s+(?:le\s+|on\s+)?$/iu;

/**
 * One entry per day a sentence names, the sentence being the event, except the day a span ends
 * (the sentence is the entry of the day it happens, not twice). A weekday is read only when the
 * dispatch's date is a full day; a weekday written with its date ("jeudi 24 février") is that date.
 */
export function entriesOf(sentence: string, sentenceAt: number, reference: DispatchDate): FoundEntry[] {
  const explicit = dateMentions(sentence, reference);
  const weekdays = weekdayMentions(sentence, reference).filter(
    (weekday) => !explicit.some((mention) => mention.start >= weekday.end && mention.start - weekday.end <= 4),
  );
  const endsSpan = (mention: DayMention): boolean => SPAN_END.test(sentence.slice(Math.max(0, mention.start - 16), mention.start));
  const event = sentence.trim().replace(/\.$/, '');
  const seen = new Set<string>();
  return [...explicit, ...weekdays]
    .filter((mention) => !endsSpan(mention))
    .sort((a, b) => a.start - b.start)
    .filter((mention) => !seen.has(mention.date) && seen.add(mention.date))
    .map((mention) => ({ date: mention.date, event, dateAt: sentenceAt + mention.start, eventAt: sentenceAt }));
}

/** In date order; entries of the same day keep the order of the text. */
export function chronological(entries: readonly FoundEntry[]): FoundEntry[] {
  return [...entries].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.eventAt - b.eventAt));
}
