/**
 * Figures the text states, as labelled facts: durations ("pendant 1h30", "for two hours"), counts
 * of something ("ces trois points", "3.2 million barrels a day"), amounts ("2 milliards d’euros")
 * and ordinals ("au cinquième jour de l’offensive"). The value is the text's own figure; spelled-out
 * numbers are written in digits. Dates and years are the timeline's, not facts.
 */
import {
  APPROXIMATIONS,
  COUNT_WORDS,
  CURRENCIES,
  FUNCTION_WORDS,
  lazily,
  MONTHS,
  ORDINAL_WORDS,
  type RuleLanguage,
  SCALE_WORDS,
  TIME_UNITS,
  WEEKDAYS,
} from './lexicon';

export interface FoundFact {
  readonly label: string;
  readonly value: string;
  /** Offset of the value in the text searched. */
  readonly at: number;
}

const LABELS: Readonly<Record<RuleLanguage, { readonly duration: string; readonly amount: string; readonly ordinal: (n: number) => string }>> = {
  fr: { duration: 'Durée', amount: 'Montant', ordinal: (n) => `${n}e` },
  en: { duration: 'Duration', amount: 'Amount', ordinal: (n) => `${n}${ordinalSuffix(n)}` },
};

const NUMBER = String.raw`\d{1,3}(?:[,\u00A0\u202F ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?`;
const WORD = String.raw`[\p{Ll}][\p{Ll}\p{M}-]*`;
const PATTERNS = lazily(() => {
  const counts = Object.keys(COUNT_WORDS).join('|');
  const ordinals = Object.keys(ORDINAL_WORDS).join('|');
  return {
    duration: new RegExp(
      String.raw`(?=[pdfl])(?<![\p{L}])(?:pendant|durant|for|during|lasting)\s+(\d{1,2}\s?h(?:\s?\d{2})?(?![\p{L}\p{N}])|(?:${NUMBER}|${counts}|une|un|one|an)\s+(?:${[...TIME_UNITS()].join('|')})(?:\s+(?:et\s+demie?|and\s+a\s+half))?(?![\p{L}]))`,
      'gu',
    ),
    count: new RegExp(
      String.raw`(?=[\p{L}\p{N}])(?<![\p{L}\p{N},.])((?:(?:${APPROXIMATIONS})\s*)?(?:(?:${NUMBER}|${counts})(?![\p{L}\p{N}])(?:\s+(?:${SCALE_WORDS}))?|(?:un|one|a)\s+(?:${SCALE_WORDS})))(?:\s+(?:de\s+|d[’']\s*|of\s+))?(?:\s*(?:more|additional|extra|new|de\s+plus)\s+)?\s*(${WORD})(\s+(?:a|per|par)\s+(?:day|year|week|month|jour|an|semaine|mois))?`,
      'gu',
    ),
    ordinal: new RegExp(
      String.raw`(?=[\p{L}\p{N}])(?<![\p{L}\p{N}])(${ordinals}|\d{1,3}(?:e|ème|st|nd|rd|th))\s+(${WORD})(\s+(?:de|du|des|of)\s+(?:l[’']|la\s|le\s|les\s|the\s)?\s*${WORD}|\s+d[’']${WORD})?`,
      'gu',
    ),
  };
});

/** Facts of one text, in its order; a label already taken keeps its first value. */
export function factsOf(text: string, lang: RuleLanguage): FoundFact[] {
  const { duration, count, ordinal } = PATTERNS();
  const labels = LABELS[lang];
  const found: FoundFact[] = [
    ...[...text.matchAll(duration)].map((match) => ({
      label: labels.duration,
      value: match[1] as string,
      at: match.index + match[0].length - (match[1] as string).length,
    })),
    ...[...text.matchAll(count)].flatMap((match) => countFact(match, lang)),
    ...[...text.matchAll(ordinal)].flatMap((match) => {
      const noun = match[2] as string;
      if (!isCountable(noun)) return [];
      const written = match[1] as string;
      const number = ORDINAL_WORDS[written] ?? Number.parseInt(written, 10);
      return [{ label: capitalise(noun + (match[3] ?? '')), value: labels.ordinal(number), at: match.index }];
    }),
  ];
  return found.sort((a, b) => a.at - b.at);
}

function countFact(match: RegExpMatchArray, lang: RuleLanguage): FoundFact[] {
  const figure = match[1] as string;
  const noun = match[2] as string;
  const at = match.index as number;
  if (!isCountable(noun) || TIME_UNITS().has(noun)) return [];
  // A bare four-digit number is a year ("en 2014"), not a count.
  if (/^(?:1[89]|20)\d{2}$/.test(figure)) return [];
  const value = figure.replace(new RegExp(`^(${Object.keys(COUNT_WORDS).join('|')})$`), (word) => String(COUNT_WORDS[word]));
  if (CURRENCIES().has(noun)) {
    const whole = match[0].slice(0, match[0].length - (match[3] ?? '').length);
    return [{ label: LABELS[lang].amount, value: whole, at }];
  }
  return [{ label: capitalise(noun + (match[3] ?? '')), value, at }];
}

function isCountable(noun: string): boolean {
  return !FUNCTION_WORDS().has(noun) && MONTHS[noun] === undefined && WEEKDAYS[noun] === undefined && !/^(?:h|ème|er|e)$/.test(noun);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function ordinalSuffix(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
}

/** One fact per label, the first stated. */
export function distinctFacts(facts: readonly FoundFact[]): FoundFact[] {
  const seen = new Set<string>();
  return facts.filter((fact) => {
    if (seen.has(fact.label)) return false;
    seen.add(fact.label);
    return true;
  });
}
