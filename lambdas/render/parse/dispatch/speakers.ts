/**
 * Who speaks a quote, from the words of its sentence: "…», a annoncé l’Élysée", "“…,” he said",
 * "selon X, «…»", "X a demandé «…»". A phrase is found here; parties.ts says whom it names.
 */
import { ARTICLE, DESCRIPTION, HONORIFIC, NAME } from './names';
import { ATTRIBUTION_VERBS, FUNCTION_WORDS, INVERTED_PARTICIPLES, lazily } from './lexicon';

/** A speaker as the text writes it: a name, a description, or a pronoun to resolve. */
export type SpeakerPhrase =
  | { readonly kind: 'name'; readonly text: string; readonly at: number }
  | { readonly kind: 'description'; readonly text: string; readonly at: number }
  /** A name the text marks as a person's by the title before or after it (副秘书长张晓明, 植田和男総裁). */
  | { readonly kind: 'person'; readonly text: string; readonly at: number }
  | { readonly kind: 'pronoun'; readonly at: number };

/** `at` is relative to the start of `after` (after the quote) or of `before` (before it). */
interface Found {
  readonly phrase: SpeakerPhrase;
  readonly side: 'before' | 'after';
}

const END_OF_DESCRIPTION = String.raw`(?=\s*(?:[,.;:!?»”")]|$)|\s+(?:dans|lors|devant|à|au|aux|en|sur|on|in|at|after|before|to|during)\s)`;
const SPEECH_VERB_AFTER_NAME = String.raw`(?:said|says|added|told|stated|wrote|explained|insisted|warned|repeated|a\s+(?:dit|déclaré|ajouté|affirmé))\b`;

/** Titles that end right before a Chinese name: 副秘书长张晓明, 外交部发言人毛宁. */
const CHINESE_TITLES = '长|发言人|主任|主席|总统|总理|教授|总裁|书记|董事|大使|经理|院士|研究员|分析师';
/** Titles right after a Japanese name; 官房長官 before 長官 so that 松野官房長官 names 松野. */
const JAPANESE_TITLES = '官房長官|総裁|首相|大臣|長官|社長|会長|議長|大統領|知事|市長|代表|報道官';

const PATTERNS = lazily(() => ({
  /** `«…», selon l’Élysée`, `“…,” said Emmanuel Macron`, `«…», a déclaré le porte-parole`. */
  verbThenName: new RegExp(String.raw`^[\s,–—-]*(?:${ATTRIBUTION_VERBS})\s+(?:${ARTICLE})?((?:${HONORIFIC})?${NAME})`, 'u'),
  verbThenDescription: new RegExp(String.raw`^[\s,–—-]*(?:${ATTRIBUTION_VERBS})\s+(${DESCRIPTION})${END_OF_DESCRIPTION}`, 'u'),
  /** `“…,” Emmanuel Macron said`, `“…,” a spokesman for the agency said`. */
  nameThenVerb: new RegExp(String.raw`^[\s,–—-]*(?:${ARTICLE})?((?:${HONORIFIC})?${NAME})\s+${SPEECH_VERB_AFTER_NAME}`, 'u'),
  descriptionThenVerb: new RegExp(String.raw`^[\s,–—-]*(${DESCRIPTION})\s+${SPEECH_VERB_AFTER_NAME}`, 'u'),
  /** `«…», a-t-il ajouté`, `“…,” he said`, `“…,” said she`. */
  pronounAfter: new RegExp(
    String.raw`^[\s,–—-]*(?:(?:a|avait)-t-(?:il|elle)\s+(?:${INVERTED_PARTICIPLES})|(?:\p{Ll}+)-t-(?:il|elle)|(?:he|she)\s+${SPEECH_VERB_AFTER_NAME}|said\s+(?:he|she))`,
    'u',
  ),
  /** `副秘书长张晓明表示：“…”`: a two- or three-character name between a title and a speech verb. */
  chineseBefore: new RegExp(String.raw`(?:${CHINESE_TITLES})(\p{Script=Han}{2,3})(?:表示|说|指出|称|强调|介绍|透露)[：:，,]?\s*$`, 'u'),
  /** `植田和男総裁は「…」と述べた`: a name written alone before its title, and と with a speech verb after the quote. */
  japaneseBefore: new RegExp(String.raw`(?:^|[^\p{Script=Han}])(\p{Script=Han}{2,5}?)(?:${JAPANESE_TITLES})[はが]\s*$`, 'u'),
  japaneseAfter: /^と(?:述べ|語っ|話し|強調し|説明し|指摘し|明らかにし)/u,
  /** `Selon l’Élysée, «…»`. */
  accordingTo: new RegExp(String.raw`(?:^|[\s,])(?:[Ss]elon|[Dd][’']après|[Aa]ccording\s+to|[Зз]а\s+словами|[Ll]aut|[Ss]egún)\s+(?:${ARTICLE})?((?:${HONORIFIC})?${NAME})\s*,`, 'gu'),
  /** A subject opening the sentence or a clause: `Emmanuel Macron a également demandé «…»`; a pronoun too. */
  clauseSubject: new RegExp(
    String.raw`(?:^|,\s+|\s(?:mais|et|puis|and|but|while)\s+)(?:(${HONORIFIC}${NAME}|${NAME}\s+${NAME})|${ARTICLE}(${NAME})|(il|elle|he|she|Il|Elle|He|She))(?=\s+(?:\p{Ll}|«|“|")|\s*$)`,
    'gu',
  ),
}));

/** The attribution nearest the quote: after it, then "selon X," before it, then the subject of its clause. */
export function speakerPhraseOf(before: string, after: string): Found | null {
  const patterns = PATTERNS();
  const afterName = patterns.verbThenName.exec(after) ?? patterns.nameThenVerb.exec(after);
  const afterDescription = patterns.verbThenDescription.exec(after) ?? patterns.descriptionThenVerb.exec(after);
  // "a déclaré le porte-parole du Kremlin" matches both; the description is the longer, truer reading.
  if (afterDescription?.[1] && (!afterName?.[1] || afterDescription[0].length >= afterName[0].length)) {
    return { side: 'after', phrase: { kind: 'description', text: afterDescription[1], at: afterDescription[0].lastIndexOf(afterDescription[1]) } };
  }
  if (afterName?.[1]) return { side: 'after', phrase: { kind: 'name', text: afterName[1], at: afterName[0].lastIndexOf(afterName[1]) } };
  const pronoun = patterns.pronounAfter.exec(after);
  if (pronoun) return { side: 'after', phrase: { kind: 'pronoun', at: pronoun[0].search(/\S/) } };
  const cjk = patterns.chineseBefore.exec(before) ?? (patterns.japaneseAfter.test(after) ? patterns.japaneseBefore.exec(before) : null);
  if (cjk?.[1]) return { side: 'before', phrase: { kind: 'person', text: cjk[1], at: cjk.index + cjk[0].lastIndexOf(cjk[1]) } };
  const according = [...before.matchAll(patterns.accordingTo)].pop();
  if (according?.[1]) return { side: 'before', phrase: { kind: 'name', text: according[1], at: according.index + according[0].lastIndexOf(according[1]) } };
  const subject = [...before.matchAll(patterns.clauseSubject)]
    .map((match) => ({ text: match[1] ?? match[2], pronoun: match[3], at: match.index + match[0].length - (match[1] ?? match[2] ?? match[3] ?? '').length }))
    // "Au Conseil de sécurité, …" opens with two capitals but no one speaks: a name never starts with a function word.
    .filter((found) => found.pronoun !== undefined || !FUNCTION_WORDS().has((found.text?.split(/\s/)[0] ?? '').toLowerCase()))
    .pop();
  if (!subject) return null;
  if (subject.pronoun !== undefined) return { side: 'before', phrase: { kind: 'pronoun', at: subject.at } };
  return { side: 'before', phrase: { kind: 'name', text: subject.text as string, at: subject.at } };
}

/** Whether a clause only says who said what ("a annoncé l’Élysée", "officials said"): never the end of a title. */
export function isAttributionClause(clause: string): boolean {
  const patterns = PATTERNS();
  const words = clause.trim().split(/\s+/).length;
  if (words > 8) return false;
  return (
    patterns.verbThenName.test(clause) ||
    patterns.verbThenDescription.test(`${clause}`) ||
    patterns.nameThenVerb.test(clause) ||
    patterns.descriptionThenVerb.test(clause) ||
    patterns.pronounAfter.test(clause)
  );
}
