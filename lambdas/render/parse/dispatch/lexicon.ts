/**
 * The words the dispatch rules recognise, for the languages they cover (French and English).
 * Plain data: every pattern built from it is built by the first dispatch (see `lazily`).
 */

export type Language = 'fr' | 'en' | 'uk' | 'de' | 'es' | 'ru';
/** Languages whose dispatches get datelines, parties, facts, timeline and key points. */
export type RuleLanguage = 'fr' | 'en';
export const RULE_LANGUAGES: readonly RuleLanguage[] = ['fr', 'en'];

export function hasRules(lang: Language): lang is RuleLanguage {
  return (RULE_LANGUAGES as readonly string[]).includes(lang);
}

/** A value computed on first use, so that loading the module costs nothing to YAML or JSON documents. */
export function lazily<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

/** Month names and their usual wire abbreviations, to the month number. */
export const MONTHS: Readonly<Record<string, number>> = {
  janvier: 1, février: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, août: 8, septembre: 9, octobre: 10, novembre: 11, décembre: 12,
  janv: 1, févr: 2, fév: 2, avr: 4, juil: 7, sept: 9, oct: 10, nov: 11, déc: 12,
  January: 1, February: 2, March: 3, April: 4, May: 5, June: 6, July: 7, August: 8, September: 9, October: 10, November: 11, December: 12,
  Jan: 1, Feb: 2, Mar: 3, Apr: 4, Jun: 6, Jul: 7, Aug: 8, Sep: 9, Sept: 9, Oct: 10, Nov: 11, Dec: 12,
};

/** Weekday names to JavaScript's day number (Sunday 0). */
export const WEEKDAYS: Readonly<Record<string, number>> = {
  dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6,
  Sunday: 0, Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6,
};

/** Words of a clause that speak of what is to come: a weekday in it is the next one, not the last. */
export const FUTURE_MARKERS = lazily(() => new Set<string>(
  'will next prochain prochaine va vont sera seront aura auront devrait devraient doit doivent rendra rencontrera'.split(' '),
));

/** Words that put a weekday of the dispatch's own weekday a week later ("mercredi prochain" on a Wednesday). */
export const NEXT_WEEK_MARKERS = lazily(() => new Set<string>(['next', 'prochain', 'prochaine']));

/** Words of a clause in the past, besides English -ed forms and French compound tenses: its weekday is the last one. */
export const PAST_MARKERS = lazily(() => new Set<string>(
  'hier dernier dernière said was were had did told met spoke held sent last yesterday ago'.split(' '),
));

/** Spelled-out counts from two up ("un", "one" are too often articles). */
export const COUNT_WORDS: Readonly<Record<string, number>> = {
  deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9, dix: 10, onze: 11, douze: 12, quinze: 15, vingt: 20,
  trente: 30, cent: 100,
  two: 2, three: 3, four: 4, five: 5, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20,
  thirty: 30, hundred: 100,
};

/** Ordinals that count something ("cinquième jour"); "premier" and "second" are too often other words. */
export const ORDINAL_WORDS: Readonly<Record<string, number>> = {
  deuxième: 2, troisième: 3, quatrième: 4, cinquième: 5, sixième: 6, septième: 7, huitième: 8, neuvième: 9, dixième: 10,
  onzième: 11, douzième: 12, quinzième: 15, vingtième: 20, centième: 100,
  third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10, eleventh: 11, twelfth: 12, fifteenth: 15,
  twentieth: 20, hundredth: 100,
};

export const SCALE_WORDS = 'millions?|milliards?|billions?|thousand|mille|million|billion|trillion';
export const APPROXIMATIONS = String.raw`[Pp]lus\s+d[’']\s*|[Pp]lus\s+de|[Pp]rès\s+d[’']\s*|[Pp]rès\s+de|[Ee]nviron|[Qq]uelque|[Mm]ore\s+than|[Aa]bout|[Nn]early|[Aa]lmost|[Oo]ver|[Ss]ome|[Uu]p\s+to`;
export const TIME_UNITS = lazily(() => new Set<string>(
  'heure heures minute minutes jour jours semaine semaines mois an ans année années hour hours minute minutes day days week weeks month months year years'.split(' '),
));
export const CURRENCIES = lazily(() => new Set<string>('euros euro dollars dollar livres roubles hryvnias francs pounds yuans yens'.split(' ')));

/** Function words: never a fact's noun, never the first word of a name, dropped from a cut title's end. */
export const FUNCTION_WORDS = lazily(() => new Set<string>([
  ...'le la les des du de et est une un en que qui dans pour avec sur au aux par pas ce cette ces il elle ils elles sont a ont l d qu s été son sa ses leur leurs'.split(' '),
  ...'contre avant après entre vers chez sans sous selon depuis pendant malgré envers lors dont mais ou où alors cet'.split(' '),
  ...'the and of to in is that for with on was by as at from has have it an be are said his her which this were a its their'.split(' '),
  ...'without against into about after before between during under over than but or when while'.split(' '),
]));

/** Titles folded into a person's role ("la Première ministre Élisabeth Borne", "President Joe Biden"). */
export const TITLE_WORDS = [
  'président', 'présidente', 'premier', 'première', 'ministre', 'chancelier', 'chancelière', 'porte-parole', 'secrétaire',
  'conseiller', 'conseillère', 'ambassadeur', 'ambassadrice', 'chef', 'roi', 'reine', 'pape', 'général', 'maire', 'sénateur',
  'sénatrice', 'député', 'députée', 'commissaire', 'directeur', 'directrice', 'dirigeant', 'dirigeante', 'envoyé', 'envoyée',
  'president', 'prime', 'minister', 'chancellor', 'secretary', 'secretary-general', 'spokesman', 'spokeswoman', 'spokesperson',
  'adviser', 'advisor', 'ambassador', 'chief', 'king', 'queen', 'pope', 'general', 'mayor', 'senator', 'governor', 'commissioner',
  'director', 'leader', 'envoy', 'head',
];

/** Honorifics dropped from a name ("M. Poutine" is Poutine). */
export const HONORIFICS = String.raw`M\.|MM\.|Mme|Mmes|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?`;

/** Last words of an organisation's name: such a name is never a person. */
export const ORGANISATION_WORDS = lazily(() => new Set<string>(
  [
    'union', 'council', 'conseil', 'commission', 'assembly', 'assemblée', 'agency', 'agence', 'programme', 'program', 'organisation',
    'organization', 'nations', 'house', 'ministry', 'ministère', 'department', 'office', 'bank', 'banque', 'fund', 'fonds', 'court',
    'cour', 'party', 'parti', 'army', 'armée', 'forces', 'parliament', 'parlement', 'government', 'gouvernement', 'republic',
    'république', 'states', 'kingdom', 'committee', 'comité', 'institute', 'institut', 'group', 'groupe', 'corporation', 'company',
    'ukraine', 'russie', 'russia', 'france',
  ],
));
/** First words of two-word places that look like names ("New York", "Hong Kong"). */
export const PLACE_FIRST_WORDS = lazily(() => new Set<string>('new los las san santa saint sainte south north east west united hong saudi sri costa sud nord'.split(' ')));

/** Nouns that name a speaker who is not named ("selon la présidence française", "a spokesman for the agency said"). */
export const SPEAKER_NOUNS = [
  'présidence', 'gouvernement', 'ministère', 'porte-parole', 'conseiller', 'conseillère', 'diplomate', 'diplomates', 'responsable',
  'responsables', 'source', 'sources', 'entourage', 'état-major', 'police', 'parquet', 'ambassade',
  'presidency', 'government', 'ministry', 'spokesman', 'spokeswoman', 'spokesperson', 'official', 'officials', 'aide', 'aides',
  'diplomat', 'diplomats', 'embassy', 'prosecutor', 'prosecutors', 'military', 'army',
];

/** Verbs that attribute speech, in the forms a dispatch uses them (languages without rules keep today's). */
export const ATTRIBUTION_VERBS = [
  String.raw`(?:a|ont|avait|avaient)\s+(?:annoncé|ajouté|déclaré|dit|indiqué|précisé|souligné|affirmé|expliqué|assuré|estimé|confirmé|rappelé|insisté|répondu|écrit|martelé|averti|prévenu|jugé|noté|relevé|commenté|tweeté|demandé|réclamé)`,
  'annonce|ajoute|déclare|dit|indique|précise|souligne|affirme|explique|assure|estime|confirme|rappelle|écrit|note|relève|juge|insiste|répond|avertit|prévient',
  'selon|d[’\']après',
  String.raw`said|says|added|adds|told|stated|announced|declared|noted|explained|wrote|tweeted|insisted|warned|stressed|repeated|according\s+to`,
  'заявив|заявила|заявили|сказав|сказала|сказали|повідомив|повідомила|повідомили|наголосив|наголосила|додав|додала|зазначив|зазначила|написав|пише|за\\s+словами',
  'sagte|erklärte|betonte|schrieb|laut',
  'dijo|afirmó|declaró|señaló|añadió|explicó|según',
].join('|');

/** Participles after "a-t-il" / "a-t-elle": `«…», a-t-il ajouté`. */
export const INVERTED_PARTICIPLES =
  'annoncé|ajouté|déclaré|dit|indiqué|précisé|souligné|affirmé|expliqué|assuré|estimé|confirmé|rappelé|insisté|répondu|écrit|martelé|averti|prévenu|jugé|noté|relevé|lancé|poursuivi|conclu';

/** Words that make a quoted span a clause rather than a fragment, when it is short. */
export const CLAUSE_WORDS = lazily(
  (): Readonly<Record<RuleLanguage, ReadonlySet<string>>> => ({
    fr: new Set('a ai as avons avez ont est es sommes êtes sont était étaient sera seront serait va vont doit doivent peut peuvent faut fait font veut veulent soient soit suis je j nous vous il elle ils elles on'.split(' ')),
    en: new Set('is are was were be been has have had will would can could must should shall may might do does did cannot i we you he she they'.split(' ')),
  }),
);
