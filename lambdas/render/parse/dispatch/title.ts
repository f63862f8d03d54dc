/**
 * A headline from the lead's first sentence: the sentence itself when it is short enough, else its
 * longest opening run of whole clauses that fits (subject, verb, object come first in wire copy),
 * never ending on who said it. Only a sentence with no such clause is cut at a word, with "…".
 */
import { CLOSING_MARK, sentencesOf } from '../../sentences';
import { FUNCTION_WORDS, lazily } from './lexicon';
import { isAttributionClause } from './speakers';

export const MAX_TITLE_LENGTH = 120;
/** A clause shorter than this is no headline ("Au cours de l’entretien"). */
const MIN_TITLE_WORDS = 4;
const ELLIPSIS = '…';

export function titleOf(lead: string): string {
  const [first] = sentencesOf(lead, 1);
  const sentence = lead.slice(first?.start ?? 0, first?.end ?? lead.length).trim().replace(/[.。]$/, '');
  // Past this length, no attribution clause to drop can bring a sentence down to a headline.
  const short = sentence.length <= MAX_TITLE_LENGTH * 3;
  const breaks = clauseBreaks(short ? sentence : sentence.slice(0, MAX_TITLE_LENGTH + 1));
  const whole = short ? withoutAttribution(sentence, breaks) : sentence;
  if (whole.length <= MAX_TITLE_LENGTH) return whole;
  const clauses = breaks
    .filter((cut) => cut <= MAX_TITLE_LENGTH)
    .map((cut) => withoutAttribution(sentence.slice(0, cut), breaks.filter((other) => other < cut)))
    .filter((prefix) => prefix.split(/\s+/).length >= MIN_TITLE_WORDS);
  const longest = clauses.pop();
  if (longest !== undefined) return longest;
  return `${trimDangling(sentence.slice(0, outsideQuotes(sentence, wordBreak(sentence, MAX_TITLE_LENGTH - 1))))}${ELLIPSIS}`;
}

/** A sentence ends on one attribution, two at most ("…, a-t-il dit, selon l’AFP"): looking further is wasted work. */
const MAX_ATTRIBUTIONS = 2;

/** Drops closing clauses that only attribute ("…, a annoncé l’Élysée", "…, officials said"). */
function withoutAttribution(text: string, breaks: readonly number[]): string {
  let end = text.length;
  for (const cut of breaks.filter((other) => other < end).slice(-MAX_ATTRIBUTIONS).reverse()) {
    if (!isAttributionClause(text.slice(cut + 1, end))) break;
    end = cut;
  }
  return text.slice(0, end).replace(/[\s,;:—–-]+$/, '');
}

/** Offsets of commas, semicolons and colons, and of the space before a dash, outside quotation marks. */
function clauseBreaks(sentence: string): number[] {
  const breaks: number[] = [];
  const open: string[] = [];
  for (let index = 0; index < sentence.length; index += 1) {
    const char = sentence[index] as string;
    if (char === open[open.length - 1]) open.pop();
    else if (CLOSING_MARK.has(char)) open.push(CLOSING_MARK.get(char) as string);
    else if (open.length === 0 && (/[,;:]/.test(char) || (char === ' ' && /^ [—–] /.test(sentence.slice(index, index + 3)))) && /\s/.test(sentence[index + 1] ?? '')) {
      breaks.push(index);
    }
  }
  return breaks;
}

function wordBreak(sentence: string, limit: number): number {
  const space = sentence.lastIndexOf(' ', limit);
  return space > 0 ? space : limit;
}

/** Moves a cut that falls inside « », “ ” or „ “ to before the opening mark. */
function outsideQuotes(sentence: string, cut: number): number {
  let openedAt: number | null = null;
  const open: string[] = [];
  for (let index = 0; index < cut; index += 1) {
    const char = sentence[index] as string;
    if (char === open[open.length - 1]) open.pop();
    else if (CLOSING_MARK.has(char)) {
      if (open.length === 0) openedAt = index;
      open.push(CLOSING_MARK.get(char) as string);
    }
  }
  return open.length > 0 && openedAt !== null && openedAt > 0 ? openedAt : cut;
}

/** A cut title should not end on "et la…" or "contre…", in any language a dispatch is detected in. */
const DANGLING = lazily(
  () =>
    new Set([
      ...FUNCTION_WORDS(),
      ...'і й та в у на що з із до не як за від це він вона його її про але який яка які також було був під після проти перед між через для без щодо'.split(' '),
      ...'der die das und ist nicht mit den dem von zu im auf für ein eine sich des auch als wird wurde hat bei gegen nach vor zwischen über unter ohne durch'.split(' '),
      ...'el la los las de del y en que es por con para una un se al su lo como más pero fue ha contra entre hacia sin sobre tras desde durante'.split(' '),
    ]),
);

function trimDangling(text: string): string {
  const words = text.trimEnd().replace(/[\s,;:—–-]+$/, '').split(' ');
  while (words.length > 1 && DANGLING().has((words[words.length - 1] as string).toLowerCase().replace(/[’']$/, ''))) words.pop();
  return words.join(' ').replace(/[\s,;:—–-]+$/, '');
}
