/**
 * Where a line may break inside a word written without spaces (Chinese, Japanese): between
 * two characters when either is an ideograph, kana, Hangul or full-width form (UAX #14 class
 * ID and its neighbours), except before closing punctuation and small kana (classes CL, CP,
 * NS: 。，、）」…) and after opening punctuation (OP: （「…): the kinsoku rules. A pure
 * function; text in other scripts breaks at spaces only.
 */

/** Never at the start of a line. */
const NO_BREAK_BEFORE = new Set(
  '、。，．・：；？！゛゜ヽヾゝゞ々〻ー）］｝〕〉》」』】〙〗〟’”｠»‐゠–〜…‥' +
    'ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ' +
    '！％），．：；？］｝｡｣､･ｧｨｩｪｫｬｭｮｯｰ,.!?:;)]}%',
);
/** Never at the end of a line. */
const NO_BREAK_AFTER = new Set('（［｛〔〈《「『【〘〖〝‘“｟«([{＄￥＃');

/** Ideographs, kana, Hangul, CJK punctuation and full-width forms. */
const WIDE = /[\u2E80-\u2FDF\u3000-\u30FF\u3100-\u312F\u3190-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u;

/** `word` cut at every allowed break; a word with no wide character comes back whole. */
export function breakableParts(word: string): string[] {
  if (!WIDE.test(word)) return [word];
  const chars = [...word];
  const parts: string[] = [];
  let part = chars[0] ?? '';
  for (let index = 1; index < chars.length; index++) {
    const before = chars[index - 1] as string;
    const char = chars[index] as string;
    const breakable = (WIDE.test(before) || WIDE.test(char)) && !NO_BREAK_BEFORE.has(char) && !NO_BREAK_AFTER.has(before);
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
