/**
 * How text extraction reads a line back, so that the layout can draw lines that come back
 * exactly. poppler's `pdftotext` is the reference (docs/rendering.md, "Text extraction").
 *
 * poppler does not run UAX #9 on what it extracts. It sorts a line's characters by x and, on a
 * right-to-left page, reads from the right: right-to-left letters and neutral characters are read
 * right to left; from the first left-to-right letter or "number" character (digits, and also
 * . , : / ، and the other separators) up to the next right-to-left letter, left to right. So a
 * stretch read left to right takes the neutrals that follow it in logical order ("يوم 28 فبراير"
 * came back "يوم  28فبراير"), and it is read in the order it shows ("1 / 2" shows as "2 / 1").
 */
import { bidiClass } from './bidi';

/** The three-way split poppler (after xpdf) makes of characters, plus right to left. */
type ExtractionClass = 'rtl' | 'ltr' | 'number' | 'neutral';

export function extractionClass(char: string): ExtractionClass {
  switch (bidiClass(char)) {
    case 'R':
    case 'AL':
      return 'rtl';
    case 'L':
      return 'ltr';
    case 'EN':
    case 'ES':
    case 'ET':
    case 'CS':
    case 'AN':
      // Except the narrow no-break space, which poppler's table has as neutral.
      return char === '\u202F' ? 'neutral' : 'number';
    default:
      return 'neutral';
  }
}

/**
 * The stretches of a right-to-left line's logical text that poppler reads left to right, as
 * [start, end) in UTF-16 units: from a left-to-right or number character to the last such one
 * before the next right-to-left letter (the neutrals after it are read on the right-to-left side).
 */
export function leftToRightStretches(text: string): (readonly [number, number])[] {
  const stretches: [number, number][] = [];
  let start = -1;
  let end = -1;
  let offset = 0;
  for (const char of text) {
    const kind = extractionClass(char);
    if (kind === 'rtl') {
      if (start >= 0) stretches.push([start, end]);
      start = -1;
    } else if (kind !== 'neutral') {
      if (start < 0) start = offset;
      end = offset + char.length;
    }
    offset += char.length;
  }
  if (start >= 0) stretches.push([start, end]);
  return stretches;
}

const RLM = '\u200F';
export const LRM = '\u200E';

/**
 * What a right-to-left stretch of a left-to-right line must give poppler, in the order of x,
 * for it to read back as `text` (the stretch's logical text: the pieces at a level above 0).
 * On a left-to-right page poppler keeps characters as they come up to a right-to-left letter,
 * then reverses everything from it up to the next left-to-right or number character, neutrals
 * included. Reading the glyphs as shown, the space after "القاهرة" went inside the reversal
 * ("in  القاهرةtoday.") and a comma, a number character to poppler, cut "שלום, עולם" in two
 * reversed halves ("עולם,שלום"). So each stretch from a right-to-left letter to the next number
 * character is given reversed, a right-to-left mark (U+200F) first when it ends in a neutral
 * (a space before a digit, a vowel mark), which the reversal then keeps; the rest as typed.
 * `open`: poppler is still reversing at the end, so a neutral after the stretch (a space, a
 * bracket) needs a left-to-right mark (U+200E) before it, which ends the reversal. The marks are
 * invisible, and pdftotext gives them back beside the embedding controls it writes itself.
 */
export function leftToRightPageOrder(text: string): { readonly order: string; readonly open: boolean } {
  const chars = [...text];
  let order = '';
  for (let index = 0; index < chars.length; ) {
    let end = index;
    if (extractionClass(chars[index] as string) === 'rtl') {
      while (end < chars.length && !isReadAsTyped(chars[end] as string)) end++;
      const stretch = chars.slice(index, end);
      order += `${extractionClass(stretch.at(-1) as string) === 'rtl' ? '' : RLM}${stretch.reverse().join('')}`;
    } else {
      while (end < chars.length && extractionClass(chars[end] as string) !== 'rtl') end++;
      order += chars.slice(index, end).join('');
    }
    index = end;
  }
  return { order, open: reversingAfter(order) };
}

/**
 * An invisible mark that leaves poppler's reading of a line as it is where it comes after
 * `before` (in the order of x): a right-to-left one inside a reversed stretch, else a
 * left-to-right one.
 */
export function markAfter(before: string): string {
  return reversingAfter(before) ? RLM : LRM;
}

function reversingAfter(text: string): boolean {
  let reversing = false;
  for (const char of text) {
    if (extractionClass(char) === 'rtl') reversing = true;
    else if (isReadAsTyped(char)) reversing = false;
  }
  return reversing;
}

/** A left-to-right letter or number character: the end of a stretch poppler reverses. */
function isReadAsTyped(char: string): boolean {
  const kind = extractionClass(char);
  return kind === 'ltr' || kind === 'number';
}

/**
 * The text to give a line that reads left to right as one unit (an address with Arabic or Hebrew
 * parts, each drawn right to left, and no spaces) so that poppler reads it back in logical order.
 * It is drawn as one piece of ActualText, which poppler lays out left to right across the line;
 * poppler reads that line left to right on pages of both directions (Arabic and Hebrew sheets
 * tested, an address with more Hebrew letters than Latin ones too) and reverses each stretch from
 * a right-to-left letter. So each right-to-left part (its letters and their marks) is given in the
 * order that reversal undoes, closed by a left-to-right mark, which ends the stretch there. The
 * marks are invisible; pdftotext gives them back, as it gives its own embedding controls.
 */
export function leftToRightReading(text: string, page: 'ltr' | 'rtl'): string {
  const parts: { text: string; rightToLeft: boolean }[] = [];
  for (const char of text) {
    const last = parts.at(-1);
    const rightToLeft = extractionClass(char) === 'rtl' || (last?.rightToLeft === true && /\p{M}/u.test(char));
    if (last !== undefined && last.rightToLeft === rightToLeft) last.text += char;
    else parts.push({ text: char, rightToLeft });
  }
  const reversed = (part: string): string => [...part].reverse().join('');
  if (page === 'ltr') return parts.map((part) => (part.rightToLeft ? `${reversed(part.text)}${LRM}` : part.text)).join('');
  return parts
    .reverse()
    .map((part) => (part.rightToLeft ? reversed(part.text) : `${part.text}${LRM}`))
    .join('');
}
