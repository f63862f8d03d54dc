/**
 * Quoted spans of a paragraph: « », “ ”, „ “, 「」, 『』 and straight "…", outermost pair only (the marks of a
 * quote inside a quote stay in its text), and whether a span is a statement worth listing.
 */
import { CLOSING_MARK, type Span } from '../../sentences';
import { CLAUSE_WORDS, type RuleLanguage } from './lexicon';

/** Shorter than this, a span is a fragment ("à la demande") unless it is a whole sentence. */
const MIN_STATEMENT_WORDS = 4;
/** From this length a span reads as a statement even without a verb the rules know. */
const LONG_STATEMENT_WORDS = 8;
/**
 * Chinese and Japanese write no spaces to count words by: a quote in them is a statement when it is
 * a sentence (ends in 。！？) or has this many characters, about what eight words take.
 */
const CJK_STATEMENT_CHARS = 10;
const CJK_TEXT = /^[^\p{L}]*[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/**
 * Outermost pairs; a mark never closed is left as text. Straight quotes pair up only when the
 * paragraph has an even number of them, so that a stray inch sign does not swallow the paragraph.
 */
export function quotedSpans(paragraph: string): Span[] {
  const straightQuotes = (paragraph.match(/"/g)?.length ?? 0) % 2 === 0;
  const spans: Span[] = [];
  const open: string[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(/[«“„»”"「」『』]/g)) {
    const [char] = match;
    if (char === open[open.length - 1]) {
      open.pop();
      if (open.length === 0) spans.push({ start, end: match.index + 1 });
    } else if (CLOSING_MARK.has(char) || (char === '"' && straightQuotes)) {
      if (open.length === 0) start = match.index;
      open.push(CLOSING_MARK.get(char) ?? '"');
    }
  }
  return spans;
}

/** Spaces (no-break ones included) and a final comma inside the marks: «…, » or “…,” in English style. */
export function trimQuoted(text: string): string {
  let end = text.length;
  while (end > 0 && /[\s,]/.test(text[end - 1] as string)) end -= 1;
  return text.slice(0, end).trimStart();
}

/**
 * A statement, not a fragment left in the text: a whole quoted sentence, or four words or more
 * with a verb or subject pronoun the rules know, or eight words or more (ten characters in Chinese
 * or Japanese).
 */
export function isStatement(text: string, lang: RuleLanguage): boolean {
  if (CJK_TEXT.test(text)) return /[。！？]$/.test(text) || (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= CJK_STATEMENT_CHARS;
  const words = text.split(/[\s’']+/).filter((word) => /[\p{L}\p{N}]/u.test(word));
  if (/^[\p{Lu}]/u.test(text) && /[.!?…]$/.test(text)) return true;
  if (words.length >= LONG_STATEMENT_WORDS) return true;
  const clauseWords = CLAUSE_WORDS()[lang];
  return words.length >= MIN_STATEMENT_WORDS && words.some((word) => clauseWords.has(word.toLowerCase().replace(/[^\p{L}]/gu, '')));
}
