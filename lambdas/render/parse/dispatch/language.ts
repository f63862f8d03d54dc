/**
 * Which language a dispatch is in, from its most frequent function words and, for Russian and
 * Ukrainian, the letters only one of them writes.
 */
import { type Language, lazily } from './lexicon';

const STOP_WORDS = lazily(
  (): Readonly<Record<Language, ReadonlySet<string>>> => ({
    fr: new Set('le la les des du de et est une un en que qui dans pour avec sur au aux par pas ce cette il elle ils sont a ont l d qu s été'.split(' ')),
    en: new Set('the and of to in is that for with on was by as at from has have it an be are said his her which this were'.split(' ')),
    uk: new Set('і й та в у на що з із до не як за від це він вона його її про але який яка які також було був під після'.split(' ')),
    // The words both write (в, у, на, до, не, за) are in both lists and cancel out; words Ukrainian
    // also writes often ("по", "а", "для", "при") would make a Ukrainian dispatch Russian.
    ru: new Set('и в у на что с со к из от до не как за это он она они его её ее но также был была было были будет который которая которые после под чем мы только уже или ещё еще'.split(' ')),
    de: new Set('der die das und ist nicht mit den dem von zu im auf für ein eine sich des auch als wird wurde hat bei'.split(' ')),
    es: new Set('el la los las de del y en que es por con para una un se al su lo como más pero fue ha'.split(' ')),
  }),
);

export const SECTION_HEADINGS: Readonly<Record<Language, string>> = {
  fr: 'Texte de la dépêche',
  en: 'Full text',
  uk: 'Повний текст',
  de: 'Volltext',
  es: 'Texto completo',
  ru: 'Полный текст',
};

/**
 * Letters one of the two Cyrillic languages writes and the other never does: a short Russian
 * dispatch shares most of its function words with Ukrainian ("в", "на", "до"), not these.
 */
const OWN_LETTERS: Partial<Record<Language, RegExp>> = { uk: /[іїєґ]/u, ru: /[ыэъё]/u };

/**
 * The language with the most stop words among fr, en, uk, de, es, ru, a Russian or Ukrainian word
 * that has a letter only its language writes counting as one more; `en` when none occur.
 */
export function detectLanguage(text: string): Language {
  const stopWords = STOP_WORDS();
  const words = text.toLowerCase().split(/[^\p{L}\p{M}]+/u);
  const scores = (Object.keys(stopWords) as Language[]).map((lang) => ({
    lang,
    score: words.filter((word) => stopWords[lang].has(word) || OWN_LETTERS[lang]?.test(word) === true).length,
  }));
  const best = scores.reduce((winner, candidate) => (candidate.score > winner.score ? candidate : winner));
  return best.score > 0 ? best.lang : 'en';
}
