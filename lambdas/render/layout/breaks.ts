/**
 * Where a line may break inside a word written without spaces (Chinese, Japanese): between
 * two characters when either is an ideograph, kana, Hangul or full-width form (UAX #14 class
 * ID and its neighbours), except before closing punctuation and small kana (classes CL, CP,
 * NS: 。，、）」…) and after opening punctuation (OP: （「…): the kinsoku rules; never on either
 * side of a straight quotation mark (QU). Korean breaks at spaces, as Korean publications and
 * CSS `word-break: keep-all` do: never between a Hangul character and a letter or digit of any
 * script, nor next to punctuation that is not full width ("지하철·버스", "100만", "BYD는"); a word
 * longer than the line is still split by the layout. Thai, written without spaces between words, breaks
 * between the words `Intl.Segmenter` finds (UAX #14 leaves class SA to a dictionary). Text in other scripts breaks at spaces only.
 */

/**
 * A straight quotation mark opens or closes, which the mark does not tell: UAX #14 (LB19, class
 * QU) keeps it with the characters on both sides.
 */
const STRAIGHT_QUOTES = `"'`;
/** Never at the start of a line. */
const NO_BREAK_BEFORE = new Set(
  STRAIGHT_QUOTES +
    '、。，．・：；？！゛゜ヽヾゝゞ々〻ー）］｝〕〉》」』】〙〗〟’”｠»‐゠–〜…‥' +
    'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ' +
    '！％），．：；？］｝｡｣､･ｧｨｩｪｫｬｭｮｯｰ,.!?:;)]}%',
);
/** Never at the end of a line. */
const NO_BREAK_AFTER = new Set(`${STRAIGHT_QUOTES}（［｛〔〈《「『【〘〖〝‘“｟«([{＄￥＃`);

/** Ideographs, kana, bopomofo, Hangul syllables and compatibility jamo, CJK punctuation, enclosed and full-width forms. */
const WIDE = /[\u2E80-\u2FDF\u3000-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;

/** Hangul syllables and jamo: a Korean word, kept whole (keep-all). */
const HANGUL = /\p{Script=Hangul}/u;
/** A letter or digit of any script: part of the word a Hangul character is in. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const THAI = /[\u0E00-\u0E7F]/;
/** Built on the first Thai word: building a segmenter costs more than using one. */
let thaiWords: Intl.Segmenter | undefined;

/** False when no word of `text` can break inside: no wide or Thai character. */
export function breaksInsideWords(text: string): boolean {
  return THAI.test(text) || WIDE.test(text);
}

/** True when `word` holds Hangul, which `breakableParts` keeps whole between spaces (keep-all). */
export function hasHangul(word: string): boolean {
  return HANGUL.test(word);
}

/**
 * `word` cut at every allowed break; a word with no wide or Thai character comes back whole.
 * `keepAll` false breaks Hangul between syllables too (`word-break: normal`), for a Korean word
 * longer than the line: it then breaks where kinsoku and quotation marks allow before it is cut anywhere.
 */
export function breakableParts(word: string, keepAll = true): string[] {
  if (THAI.test(word)) {
    thaiWords ??= new Intl.Segmenter('th', { granularity: 'word' });
    return [...thaiWords.segment(word)].map((segment) => segment.segment);
  }
  if (!WIDE.test(word)) return [word];
  const chars = [...word];
  const parts: string[] = [];
  let part = chars[0] ?? '';
  for (let index = 1; index < chars.length; index++) {
    const before = chars[index - 1] as string;
    const char = chars[index] as string;
    const breakable =
      (WIDE.test(before) || WIDE.test(char)) &&
      !NO_BREAK_BEFORE.has(char) &&
      !NO_BREAK_AFTER.has(before) &&
      !(keepAll && HANGUL.test(before) && !widePunctuation(char)) &&
      !(keepAll && HANGUL.test(char) && !widePunctuation(before));
    if (breakable) {
      parts.push(part);
      part = char;
    } else {
      part += char;
    }
  }
  parts.push(part);
  return parts;
}

/** Full-width punctuation or a CJK symbol (class ID, not a letter): keep-all still breaks beside it ("」말"). */
function widePunctuation(char: string): boolean {
  return WIDE.test(char) && !LETTER_OR_DIGIT.test(char);
}
