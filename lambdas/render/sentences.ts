/**
 * The one sentence splitter: the wire-dispatch reader takes titles, quotes and attributions
 * sentence by sentence, and layout cuts a text that does not fit its page limit after a sentence.
 * Both must agree that "M. Poutine" or "J. Biden" does not end a sentence, and that punctuation
 * inside quotation marks does not either. Chinese and Japanese sentences end at 。！？ with no space
 * after them, and 「」『』 quote like “ ”.
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
  ['「', '」'],
  ['『', '』'],
]);
/** What the scanner stops at; everything else is skipped by the regular expression engine. */
const SENTENCE_MARKS = /[«“„»”"「」『』.!?…。！？]/g;
/** After a full stop: closing marks, then the end of the text or a space and what starts a sentence. */
const SENTENCE_END = /([»”“")」』）]*)(?:\s+(?=[\p{Lu}\p{N}«“„"(])|\s*$)/uy;
/**
 * Chinese and Japanese full stops end a sentence whatever follows: the next one starts right after,
 * with no space and no capital letter to look for.
 */
const CJK_STOPS = '。！？';
const CJK_SENTENCE_END = /([»”“")」』）]*)\s*/uy;
/** 「見通せる。」と述べた: after a closing mark, a Japanese particle carries the sentence on. */
const CJK_QUOTE_END = /(?=([»”“")」』）]*))\1\s*(?!\p{Script=Hiragana})/uy;
const FINAL_MARKS = `.!?…${CJK_STOPS}`;

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
  const cjkEnding = new RegExp(CJK_SENTENCE_END);
  const cjkQuoteEnding = new RegExp(CJK_QUOTE_END);
  const endAfter = (mark: string, at: number, closed = false): RegExpExecArray | null => {
    const rule = CJK_STOPS.includes(mark) ? (closed ? cjkQuoteEnding : cjkEnding) : ending;
    rule.lastIndex = at;
    return rule.exec(paragraph);
  };
  let start = 0;
  for (let match = marks.exec(paragraph); match && sentences.length < limit; match = marks.exec(paragraph)) {
    const [char] = match;
    if (char === open[open.length - 1]) {
      open.pop();
      // “We will stay.” He left: the sentence ended inside the marks that close here.
      const mark = paragraph[match.index - 1] ?? '';
      if (open.length === 0 && mark !== '' && FINAL_MARKS.includes(mark)) {
        const end = endAfter(mark, match.index + 1, true);
        if (end) {
          sentences.push({ start, end: match.index + 1 + (end[1] as string).length });
          start = match.index + 1 + end[0].length;
          marks.lastIndex = start;
        }
      }
    } else if (char === '"') {
      if (straightQuotes) open.push('"');
    } else if (CLOSING_MARK.has(char)) open.push(CLOSING_MARK.get(char) as string);
    else if (open.length === 0 && FINAL_MARKS.includes(char)) {
      const end = endAfter(char, match.index + 1);
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
