/**
 * The one sentence splitter: the wire-dispatch reader takes titles, quotes and attributions
 * sentence by sentence, and layout cuts a text that does not fit its page limit after a sentence.
 * Both must agree that "M. Poutine" or "J. Biden" does not end a sentence, and that punctuation
 * inside quotation marks does not either.
 */

export interface Span {
  readonly start: number;
  /** Just after the sentence's final mark and the closing quotation marks that follow it. */
  readonly end: number;
}

/** Words whose final dot does not end a sentence: M. Poutine, MM. Macron et Poutine, Dr. Smith, J. Biden. */
const ABBREVIATION = /^(?:M|MM|Mme|Mmes|Mlle|Me|Dr|Pr|St|Ste|Mr|Mrs|Ms|Prof|Gen|Gén|Col|Lt|Sgt|Jr|Sr|No|vs|cf|av|p|pp|\p{Lu})$/u;
const LONGEST_ABBREVIATION = 4;
/** Typographic marks open and close differently; `„` closes with `“` in German. */
export const CLOSING_MARK: ReadonlyMap<string, string> = new Map([
  ['«', '»'],
  ['“', '”'],
  ['„', '“'],
]);
/** What the scanner stops at; everything else is skipped by the regular expression engine. */
const SENTENCE_MARKS = /[«“„»”".!?…]/g;
/** After a full stop: closing marks, then the end of the text or a space and what starts a sentence. */
const SENTENCE_END = /([»”“")]*)(?:\s+(?=[\p{Lu}\p{N}«“„"(])|\s*$)/uy;

/**
 * Sentence boundaries of one paragraph, ignoring punctuation inside quotation marks; the first
 * `limit` of them. Straight `"` count as marks only when they pair up in the paragraph, so that
 * one stray inch sign does not swallow every sentence after it.
 */
export function sentencesOf(paragraph: string, limit = Infinity): Span[] {
  const straightQuotes = (paragraph.match(/"/g)?.length ?? 0) % 2 === 0;
  const sentences: Span[] = [];
  const open: string[] = [];
  const marks = new RegExp(SENTENCE_MARKS);
  const ending = new RegExp(SENTENCE_END);
  let start = 0;
  for (let match = marks.exec(paragraph); match && sentences.length < limit; match = marks.exec(paragraph)) {
    const [char] = match;
    if (char === open[open.length - 1]) {
      open.pop();
      // “We will stay.” He left: the sentence ended inside the marks that close here.
      if (open.length === 0 && '.!?…'.includes(paragraph[match.index - 1] ?? '')) {
        ending.lastIndex = match.index + 1;
        const end = ending.exec(paragraph);
        if (end) {
          sentences.push({ start, end: match.index + 1 + (end[1] as string).length });
          start = match.index + 1 + end[0].length;
          marks.lastIndex = start;
        }
      }
    } else if (char === '"') {
      if (straightQuotes) open.push('"');
    } else if (CLOSING_MARK.has(char)) open.push(CLOSING_MARK.get(char) as string);
    else if (open.length === 0 && '.!?…'.includes(char)) {
      ending.lastIndex = match.index + 1;
      const end = ending.exec(paragraph);
      if (end && !(char === '.' && isAbbreviation(paragraph, match.index))) {
        sentences.push({ start, end: match.index + 1 + (end[1] as string).length });
        start = match.index + 1 + end[0].length;
        marks.lastIndex = start;
      }
    }
  }
  if (start < paragraph.length && sentences.length < limit) sentences.push({ start, end: paragraph.length });
  return sentences;
}

/** Looks back a few characters only, so that a paragraph of a thousand full stops stays linear. */
function isAbbreviation(paragraph: string, dot: number): boolean {
  const from = Math.max(0, dot - LONGEST_ABBREVIATION - 1);
  const word = /[^\s(«“„"]*$/.exec(paragraph.slice(from, dot))?.[0] ?? '';
  const wholeWord = dot - word.length === 0 || dot - word.length > from;
  return wholeWord && ABBREVIATION.test(word);
}
