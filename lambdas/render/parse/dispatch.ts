/**
 * Raw wire dispatches (`.txt`), as in seeds/000_365e027281bc1fd6.txt: optional leading blanks, an
 * optional `date YYYY[-MM[-DD]]` token, then paragraphs separated by blank lines. The event
 * document is derived from the text alone (decisions in docs/input-limits.md, "Wire dispatches"):
 * - title: the first sentence, cut at a clause or word boundary (never inside « ») past 120 characters;
 * - summary: the first paragraph; one section holds every paragraph, under a heading in the
 *   dispatch's language ("Texte de la dépêche");
 * - quotes: text between « » or “ ” of four words or more, once each, with the speaker when the
 *   sentence names one ("…», selon l’Élysée", "Emmanuel Macron «…»");
 * - lang: stop-word counts for fr, en, uk, de, es; `en` when none match;
 * - date: the token, or else the day the file was last modified.
 */
import { InputError } from '../errors';
import type { ParsedDocument, SourceFile, SourcePosition } from '../types';
import { TextLocator } from './text';

export const MAX_TITLE_LENGTH = 120;
/** Characters between a quote and the words that name its speaker, at most. */
const SPEAKER_DISTANCE = 300;

const DATE_TOKEN = /^date[ \t]+(\d\S*)/i;

type Language = 'fr' | 'en' | 'uk' | 'de' | 'es';

const STOP_WORDS: Readonly<Record<Language, ReadonlySet<string>>> = {
  fr: new Set('le la les des du de et est une un en que qui dans pour avec sur au aux par pas ce cette il elle ils sont a ont l d qu s été'.split(' ')),
  en: new Set('the and of to in is that for with on was by as at from has have it an be are said his her which this were'.split(' ')),
  uk: new Set('і й та в у на що з із до не як за від це він вона його її про але який яка які також було був під після'.split(' ')),
  de: new Set('der die das und ist nicht mit den dem von zu im auf für ein eine sich des auch als wird wurde hat bei'.split(' ')),
  es: new Set('el la los las de del y en que es por con para una un se al su lo como más pero fue ha'.split(' ')),
};

const SECTION_HEADINGS: Readonly<Record<Language, string>> = {
  fr: 'Texte de la dépêche',
  en: 'Full text',
  uk: 'Повний текст',
  de: 'Volltext',
  es: 'Texto completo',
};

interface Paragraph {
  readonly text: string;
  readonly offset: number;
}

interface Span {
  readonly start: number;
  readonly end: number;
}

export function parseDispatch(text: string, source: SourceFile): ParsedDocument {
  const locator = new TextLocator(text);
  const leading = text.length - text.trimStart().length;
  const token = DATE_TOKEN.exec(text.slice(leading));
  const bodyStart = token ? leading + token[0].length : leading;
  const paragraphs = paragraphsOf(text, bodyStart);
  const first = paragraphs[0];
  if (!first) {
    throw new InputError(source.name, [
      { ...locator.at(bodyStart), message: 'the dispatch has a date but no text', expected: 'paragraphs of text after the date' },
    ]);
  }

  const lang = detectLanguage(paragraphs.map((paragraph) => paragraph.text).join(' '));
  const seen = new Set<string>();
  const uniqueQuotes = paragraphs
    .flatMap((paragraph) => quotesOf(paragraph))
    .filter((quote) => {
      const key = quote.text.toLowerCase().replace(/\s+/g, ' ');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });

  const data = {
    title: titleOf(first.text),
    date: token ? (token[1] as string) : source.modifiedAt.toISOString().slice(0, 10),
    lang,
    summary: first.text,
    sections: [{ heading: SECTION_HEADINGS[lang], body: paragraphs.map((paragraph) => paragraph.text) }],
    quotes: uniqueQuotes.map(({ text: quoteText, speaker }) => ({ text: quoteText, ...(speaker ? { speaker } : {}) })),
  };

  const positions = new Map<string, SourcePosition>([
    ['title', locator.at(first.offset)],
    ['summary', locator.at(first.offset)],
    ['sections[0]', locator.at(first.offset)],
  ]);
  if (token) positions.set('date', locator.at(leading + token[0].indexOf(token[1] as string)));
  paragraphs.forEach((paragraph, index) => positions.set(`sections[0].body[${index}]`, locator.at(paragraph.offset)));
  uniqueQuotes.forEach((quote, index) => {
    positions.set(`quotes[${index}]`, locator.at(quote.offset));
    positions.set(`quotes[${index}].text`, locator.at(quote.offset));
  });
  return { file: source.name, format: 'dispatch', data, positions };
}

/** Blank lines separate paragraphs; line breaks inside one are spaces (wire copy is often wrapped). */
function paragraphsOf(text: string, from: number): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const separator = /\n[ \t]*\n\s*/g;
  separator.lastIndex = from;
  let start = from;
  for (;;) {
    const match = separator.exec(text);
    const end = match ? match.index : text.length;
    const raw = text.slice(start, end);
    const content = raw.replace(/[ \t\n]+/g, ' ').trim();
    if (content !== '') paragraphs.push({ text: content, offset: start + (raw.length - raw.trimStart().length) });
    if (!match) return paragraphs;
    start = match.index + match[0].length;
  }
}

export function detectLanguage(text: string): Language {
  const words = text.toLowerCase().split(/[^\p{L}\p{M}]+/u);
  const scores = (Object.keys(STOP_WORDS) as Language[]).map((lang) => ({
    lang,
    score: words.filter((word) => STOP_WORDS[lang].has(word)).length,
  }));
  const best = scores.reduce((winner, candidate) => (candidate.score > winner.score ? candidate : winner));
  return best.score > 0 ? best.lang : 'en';
}

// ---------------------------------------------------------------------------
// Sentences and titles

/** Words whose final dot does not end a sentence: M. Poutine, MM. Macron et Poutine, Dr. Smith, J. Biden. */
const ABBREVIATION = /^(?:M|MM|Mme|Mmes|Mlle|Me|Dr|Pr|St|Ste|Mr|Mrs|Ms|Prof|Gen|Gén|Col|Lt|Sgt|Jr|Sr|No|vs|cf|av|p|pp|\p{Lu})$/u;
const LONGEST_ABBREVIATION = 4;
const OPENING_MARKS = new Map([
  ['«', '»'],
  ['“', '”'],
]);
/** What the sentence scanner stops at; everything else is skipped by the regular expression engine. */
const SENTENCE_MARKS = /[«“»”.!?…]/g;
/** After a full stop: closing marks, then the end of the text or a space and what starts a sentence. */
const SENTENCE_END = /([»”)]*)(?:\s+(?=[\p{Lu}\p{N}«“"(])|\s*$)/uy;

/** Sentence boundaries of a paragraph, ignoring punctuation inside quotation marks; the first `limit`. */
function sentencesOf(paragraph: string, limit = Infinity): Span[] {
  const sentences: Span[] = [];
  const open: string[] = [];
  const marks = new RegExp(SENTENCE_MARKS);
  const ending = new RegExp(SENTENCE_END);
  let start = 0;
  for (let match = marks.exec(paragraph); match && sentences.length < limit; match = marks.exec(paragraph)) {
    const [char] = match;
    const closing = OPENING_MARKS.get(char);
    if (closing) open.push(closing);
    else if (char === open[open.length - 1]) open.pop();
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
  const word = /[^\s(«“]*$/.exec(paragraph.slice(from, dot))?.[0] ?? '';
  const wholeWord = dot - word.length === 0 || dot - word.length > from;
  return wholeWord && ABBREVIATION.test(word);
}

/** Where a long first sentence may be cut: after a comma, semicolon or colon, or before a dash. */
const CLAUSE_BREAK = /[,;:](?=\s)|\s(?=[—–]\s)/g;
/** A cut title should not end on "et la…" or "contre…": these words are dropped from its end. */
const DANGLING = new Set([
  ...Object.values(STOP_WORDS).flatMap((words) => [...words]),
  ...'contre avant après entre vers chez sans sous selon depuis pendant malgré envers lors dont'.split(' '),
  ...'with without against into about after before between during under over than'.split(' '),
  ...'проти після перед між через для без щодо'.split(' '),
  ...'gegen nach vor zwischen über unter ohne durch'.split(' '),
  ...'contra entre hacia sin sobre tras desde durante'.split(' '),
]);

export function titleOf(paragraph: string): string {
  const [first] = sentencesOf(paragraph, 1);
  const sentence = paragraph.slice(first?.start ?? 0, first?.end ?? paragraph.length).trim();
  const withoutFinalDot = sentence.replace(/\.$/, '');
  if (withoutFinalDot.length <= MAX_TITLE_LENGTH) return withoutFinalDot;

  // Leave room for the ellipsis; a clause break late enough reads better than a word break.
  const limit = MAX_TITLE_LENGTH - 1;
  const clauseBreaks = [...sentence.matchAll(CLAUSE_BREAK)].map((match) => match.index).filter((index) => index <= limit);
  const lastClause = clauseBreaks[clauseBreaks.length - 1];
  const cut = lastClause !== undefined && lastClause >= limit * 0.6 ? lastClause : wordBreak(sentence, limit);
  return `${trimDangling(sentence.slice(0, outsideQuotes(sentence, cut)))}…`;
}

function wordBreak(sentence: string, limit: number): number {
  const space = sentence.lastIndexOf(' ', limit);
  return space > 0 ? space : limit;
}

/** Moves a cut that falls inside « » or “ ” to before the opening mark. */
function outsideQuotes(sentence: string, cut: number): number {
  let openedAt: number | null = null;
  const open: string[] = [];
  for (let index = 0; index < cut; index += 1) {
    const char = sentence[index] as string;
    const closing = OPENING_MARKS.get(char);
    if (closing) {
      if (open.length === 0) openedAt = index;
      open.push(closing);
    } else if (char === open[open.length - 1]) {
      open.pop();
    }
  }
  return open.length > 0 && openedAt !== null && openedAt > 0 ? openedAt : cut;
}

function trimDangling(text: string): string {
  const words = text.trimEnd().replace(/[\s,;:—–-]+$/, '').split(' ');
  while (words.length > 1 && DANGLING.has((words[words.length - 1] as string).toLowerCase().replace(/[’']$/, ''))) words.pop();
  return words.join(' ').replace(/[\s,;:—–-]+$/, '');
}

// ---------------------------------------------------------------------------
// Quotes and speakers

const CAPITALISED = String.raw`\p{Lu}[\p{L}\p{M}]*(?:[-’'ʼ][\p{L}\p{M}]+)*`;
const NAME = String.raw`${CAPITALISED}(?:\s+(?:(?:de|du|von|van|der|da|di|al|bin)\s+)?${CAPITALISED}){0,3}`;
const HONORIFIC = String.raw`(?:M\.|MM\.|Mme|Mmes|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Pr\.?|пан|пані)\s+`;
const ARTICLE = String.raw`(?:[lL][’']|(?:le|la|les|the|Le|La|Les|The)\s+)`;
/** A name after an attribution verb: "selon l’Élysée", "said Emmanuel Macron", "заявив Зеленський". */
const ATTRIBUTED = String.raw`(?:${ARTICLE})?(${HONORIFIC}${NAME}|${NAME})`;
/** A name standing alone as a subject must look like one: a title, an article, or two capitalised words. */
const SUBJECT = String.raw`(${HONORIFIC}${NAME}|${CAPITALISED}\s+${NAME})|${ARTICLE}(${NAME})`;

const ATTRIBUTION_VERBS = [
  String.raw`(?:a|ont|avait|avaient)\s+(?:annoncé|ajouté|déclaré|dit|indiqué|précisé|souligné|affirmé|expliqué|assuré|estimé|confirmé|rappelé|insisté|répondu|écrit|martelé|averti|prévenu|jugé|noté|relevé|commenté|tweeté)`,
  'annonce|ajoute|déclare|dit|indique|précise|souligne|affirme|explique|assure|estime|confirme|rappelle|écrit|note|relève|juge|insiste|répond|avertit|prévient',
  'selon|d[’\']après',
  String.raw`said|says|added|adds|told|stated|announced|declared|noted|explained|wrote|tweeted|insisted|warned|stressed|according\s+to`,
  'заявив|заявила|заявили|сказав|сказала|сказали|повідомив|повідомила|повідомили|наголосив|наголосила|додав|додала|зазначив|зазначила|написав|пише|за\\s+словами',
  'sagte|erklärte|betonte|schrieb|laut',
  'dijo|afirmó|declaró|señaló|añadió|explicó|según',
].join('|');

interface AttributionPatterns {
  /** `«…», selon l’Élysée`, `“…,” said Emmanuel Macron`, `«…», – заявив Зеленський`. */
  readonly verbThenName: RegExp;
  /** `“…,” Emmanuel Macron said`. */
  readonly nameThenVerb: RegExp;
  /** `Selon l’Élysée, «…»`. */
  readonly accordingTo: RegExp;
  /** A subject opening the sentence or a clause: `Emmanuel Macron a également demandé «…»`. */
  readonly clauseSubject: RegExp;
}

let attributionPatterns: AttributionPatterns | undefined;

/**
 * Built by the first dispatch rather than on import: patterns this large over Unicode letter
 * classes take milliseconds each to build, which every cold start would pay, dispatch or not.
 */
function attribution(): AttributionPatterns {
  attributionPatterns ??= {
    verbThenName: new RegExp(String.raw`^[\s,–—-]*(?:${ATTRIBUTION_VERBS})\s+${ATTRIBUTED}`, 'u'),
    nameThenVerb: new RegExp(String.raw`^[\s,–—-]*${ATTRIBUTED}\s+(?:said|says|added|told|stated|wrote|explained)\b`, 'u'),
    accordingTo: new RegExp(String.raw`(?:^|[\s,])(?:selon|d[’']après|according\s+to|за\s+словами|laut|según)\s+${ATTRIBUTED}\s*,`, 'gu'),
    clauseSubject: new RegExp(String.raw`(?:^|,\s+)(?:${SUBJECT})(?=\s+(?:\p{Ll}|«|“)|\s*$)`, 'gu'),
  };
  return attributionPatterns;
}

interface FoundQuote {
  readonly text: string;
  readonly speaker: string | null;
  /** Offset of the quoted text in the whole file. */
  readonly offset: number;
}

function quotesOf(paragraph: Paragraph): FoundQuote[] {
  const spans = quotedSpans(paragraph.text);
  const sentences = spans.length > 0 ? sentencesOf(paragraph.text) : [];
  let sentenceIndex = 0;
  return spans.flatMap((span) => {
    // Spans come in order, so the sentence holding each one is found by walking forward once.
    while ((sentences[sentenceIndex]?.end ?? Infinity) <= span.start) sentenceIndex += 1;
    const text = trimQuoted(paragraph.text.slice(span.start + 1, span.end - 1));
    // The content format lists every quoted span, short ones too («à la demande»).
    if (text === '') return [];
    const sentence = sentences[sentenceIndex] ?? { start: 0, end: paragraph.text.length };
    // A subject further away than this is not an obvious speaker, and looking further would make
    // a long run-on paragraph of quotes quadratic.
    const before = span.start - sentence.start <= SPEAKER_DISTANCE ? paragraph.text.slice(sentence.start, span.start) : '';
    const after = paragraph.text.slice(span.end, Math.min(sentence.end, span.end + SPEAKER_DISTANCE));
    return [{ text, speaker: speakerOf(before, after), offset: paragraph.offset + span.start + 1 }];
  });
}

/** Spaces (no-break ones included) and a final comma inside the marks: «…, » or “…,” in English style. */
function trimQuoted(text: string): string {
  let end = text.length;
  while (end > 0 && /[\s,]/.test(text[end - 1] as string)) end -= 1;
  return text.slice(0, end).trimStart();
}

/** Outermost « » and “ ” pairs of a paragraph; a mark never closed is left as text. */
function quotedSpans(paragraph: string): Span[] {
  const spans: Span[] = [];
  const open: string[] = [];
  let start = 0;
  for (const match of paragraph.matchAll(/[«“»”]/g)) {
    const [char] = match;
    const closing = OPENING_MARKS.get(char);
    if (closing) {
      if (open.length === 0) start = match.index;
      open.push(closing);
    } else if (char === open[open.length - 1]) {
      open.pop();
      if (open.length === 0) spans.push({ start, end: match.index + 1 });
    }
  }
  return spans;
}

/** Who the sentence says is speaking: attribution after the quote, then before it, then its subject. */
function speakerOf(before: string, after: string): string | null {
  const { verbThenName, nameThenVerb, accordingTo, clauseSubject } = attribution();
  const attributed = verbThenName.exec(after) ?? nameThenVerb.exec(after);
  if (attributed?.[1]) return attributed[1];
  const according = [...before.matchAll(accordingTo)].pop();
  if (according?.[1]) return according[1];
  // "Au Conseil de sécurité, …" opens with two capitals but no one speaks: a name never starts with a function word.
  const subject = [...before.matchAll(clauseSubject)]
    .map((match) => match[1] ?? match[2])
    .filter((name): name is string => name !== undefined && !DANGLING.has((name.split(/\s/)[0] as string).toLowerCase()))
    .pop();
  return subject ?? null;
}

