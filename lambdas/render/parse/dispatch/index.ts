/**
 * Raw wire dispatches (`.txt`): optional leading blanks, an optional `date YYYY[-MM[-DD]]` token,
 * then paragraphs separated by blank lines. The event document is derived from the text alone, by
 * the rules of docs/input-limits.md ("Wire dispatches"), one small module per element: dateline,
 * title, quotes and their speakers, parties, facts, timeline, key points. French and English get
 * every rule; other languages get title, summary, text and quotes, with a warning. Every element
 * keeps where it stands in the file, for messages.
 */
import { InputError } from '../../errors';
import { sentencesOf } from '../../sentences';
import type { ParsedDocument, SourceFile, SourcePosition } from '../../types';
import { TextLocator } from '../../locator';
import { dispatchDateOf } from './calendar';
import { type Dateline, datelineOf } from './dateline';
import { distinctFacts, factsOf, type FoundFact } from './facts';
import { keyPointsOf } from './key-points';
import { detectLanguage, SECTION_HEADINGS } from './language';
import { hasRules, RULE_LANGUAGES, type RuleLanguage } from './lexicon';
import { fileOffset, type Paragraph, paragraphsOf } from './paragraphs';
import { attributedNames, isOrganisationName, mentionsOf, type Organisation, People, type Person } from './parties';
import { isStatement, quotedSpans, trimQuoted } from './quotes';
import { type SpeakerPhrase, speakerPhraseOf } from './speakers';
import { chronological, entriesOf, type FoundEntry } from './timeline';
import { titleOf } from './title';

export { detectLanguage } from './language';
export { MAX_TITLE_LENGTH, titleOf } from './title';

const DATE_TOKEN = /^date[ \t]+(\d\S*)/i;
/** Characters between a quote and the words that name its speaker, at most. */
const SPEAKER_DISTANCE = 300;

/** A paragraph as the rules read it: the lead without its dateline, with the way back to the file. */
interface Text {
  readonly text: string;
  readonly toFile: (index: number) => number;
}

interface FoundQuote {
  readonly text: string;
  readonly at: number;
  readonly speaker?: { readonly name: string; readonly at: number; readonly context?: string };
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
  const tokenDate = token?.[1];
  const fallbackDate = tokenDate ?? source.modifiedAt.toISOString().slice(0, 10);
  // A dateline's shape does not depend on the language: "МОСКВА, 24 апреля (ТАСС)." in a language without rules too.
  const dateline = datelineOf(first.text, dispatchDateOf(fallbackDate));
  const date = dateline?.date !== undefined && (tokenDate === undefined || (dateline.date.startsWith(tokenDate) && dateline.date !== tokenDate))
    ? dateline.date
    : fallbackDate;
  const texts = readingTexts(paragraphs, dateline);
  const [lead, ...rest] = texts as [Text, ...Text[]];
  const positions = new Map<string, SourcePosition>();
  const at = (path: string, offset: number): void => void positions.set(path, locator.at(offset));

  const data: Record<string, unknown> = { title: titleOf(lead.text), date, lang, summary: lead.text };
  at('title', lead.toFile(0));
  at('summary', lead.toFile(0));
  if (token && tokenDate !== undefined && date === tokenDate) at('date', leading + token[0].indexOf(tokenDate));
  if (rest.length > 0) {
    data.sections = [{ heading: SECTION_HEADINGS[lang], body: rest.map((paragraph) => paragraph.text) }];
    at('sections[0]', rest[0]?.toFile(0) as number);
    rest.forEach((paragraph, index) => at(`sections[0].body[${index}]`, paragraph.toFile(0)));
  }

  const warnings: string[] = [];
  if (dateline) Object.assign(data, datelineFields(dateline, date, at, first));
  if (dateline?.date !== undefined && date !== dateline.date) {
    warnings.push(`${source.name}: the dateline's date (${dateline.date}) does not match the date token (${tokenDate}); the token is kept`);
  }
  if (hasRules(lang)) {
    // A weekday is read against a day the text gives, never against the day the file was saved.
    const { year, month, day } = dispatchDateOf(date);
    const textDated = tokenDate !== undefined || date === dateline?.date;
    const derived = deriveElements(texts, lang, textDated ? { year, month, day } : { year, month });
    Object.assign(data, fieldsOf(derived, at));
    warnings.push(derivationWarning(source.name, derived));
  } else {
    const quotes = distinctQuotes(texts.flatMap((paragraph) => quotesOf(paragraph, null)));
    if (quotes.length > 0) data.quotes = quotes.map(quoteField);
    quotes.forEach((quote, index) => quotePositions(at, index, quote));
    warnings.push(
      `${source.name}: derived from a wire dispatch in "${lang}", a language the extraction rules do not cover (they cover ${RULE_LANGUAGES.join(', ')}): only the title, summary, text, dateline and quotes were derived, not the parties, facts, timeline or key points`,
    );
  }
  return { file: source.name, format: 'dispatch', data, positions, warnings };
}

/** The lead starts after the dateline; positions still point into the file. */
function readingTexts(paragraphs: readonly Paragraph[], dateline: Dateline | null): Text[] {
  return paragraphs.map((paragraph, index) => {
    const skip = index === 0 && dateline ? dateline.length : 0;
    return { text: paragraph.text.slice(skip), toFile: (offset: number) => fileOffset(paragraph, skip + offset) };
  });
}

interface Derived {
  readonly quotes: readonly FoundQuote[];
  readonly persons: readonly Person[];
  readonly organisations: readonly Organisation[];
  readonly facts: readonly FoundFact[];
  readonly timeline: readonly FoundEntry[];
  readonly keyPoints: readonly { readonly text: string; readonly at: number }[];
}

function deriveElements(texts: readonly Text[], lang: RuleLanguage, reference: ReturnType<typeof dispatchDateOf>): Derived {
  const people = new People();
  for (const paragraph of texts) {
    for (const mention of mentionsOf(paragraph.text, quotedSpans(paragraph.text))) people.add(mention, paragraph.toFile);
  }
  const organisations: Organisation[] = [];
  const addOrganisation = (name: string, fileAt: number): void => {
    if (!organisations.some((organisation) => organisation.name === name)) organisations.push({ name, at: fileAt });
  };
  const quotes = distinctQuotes(texts.flatMap((paragraph) => quotesOf(paragraph, { people, lang, addOrganisation })));
  for (const paragraph of texts) {
    for (const { name, at } of attributedNames(paragraph.text)) {
      if (people.lookup(name) === null && isOrganisationName(name)) addOrganisation(name, paragraph.toFile(at));
    }
  }
  const onFile = <T extends { readonly at: number }>(paragraph: Text, found: readonly T[]): T[] =>
    found.map((item) => ({ ...item, at: paragraph.toFile(item.at) }));
  return {
    quotes,
    persons: people.listed(),
    organisations: organisations.sort((a, b) => a.at - b.at),
    facts: distinctFacts(texts.flatMap((paragraph) => onFile(paragraph, factsOf(paragraph.text, lang)))),
    timeline: chronological(
      texts.flatMap((paragraph) =>
        sentencesOf(paragraph.text).flatMap((sentence) =>
          entriesOf(paragraph.text.slice(sentence.start, sentence.end), sentence.start, reference).map((entry) => ({
            ...entry,
            dateAt: paragraph.toFile(entry.dateAt),
            eventAt: paragraph.toFile(entry.eventAt),
          })),
        ),
      ),
    ),
    keyPoints: texts.flatMap((paragraph) => onFile(paragraph, keyPointsOf(paragraph.text))),
  };
}

function datelineFields(dateline: Dateline, date: string, at: (path: string, offset: number) => void, first: Paragraph): Record<string, unknown> {
  const fields: Record<string, unknown> = { location: dateline.location };
  at('location', fileOffset(first, dateline.locationAt));
  if (dateline.date === date && dateline.dateAt !== undefined) at('date', fileOffset(first, dateline.dateAt));
  if (dateline.agency !== undefined) {
    fields.sources = [{ name: dateline.agency, ...(/^\d{4}-\d{2}-\d{2}$/.test(date) ? { date } : {}) }];
    at('sources[0]', fileOffset(first, dateline.agencyAt ?? 0));
    at('sources[0].name', fileOffset(first, dateline.agencyAt ?? 0));
  }
  return fields;
}

function fieldsOf(derived: Derived, at: (path: string, offset: number) => void): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (derived.quotes.length > 0) fields.quotes = derived.quotes.map(quoteField);
  derived.quotes.forEach((quote, index) => quotePositions(at, index, quote));
  const parties = [
    ...derived.persons.map((person) => ({ name: person.name, nameAt: person.nameAt, role: person.role, roleAt: person.roleAt })),
    ...derived.organisations.map((organisation) => ({ name: organisation.name, nameAt: organisation.at, role: undefined, roleAt: undefined })),
  ];
  if (parties.length > 0) fields.parties = parties.map(({ name, role }) => ({ name, ...(role === undefined ? {} : { role }) }));
  parties.forEach((party, index) => {
    at(`parties[${index}]`, party.nameAt);
    at(`parties[${index}].name`, party.nameAt);
    if (party.roleAt !== undefined) at(`parties[${index}].role`, party.roleAt);
  });
  if (derived.facts.length > 0) fields.facts = derived.facts.map(({ label, value }) => ({ label, value }));
  derived.facts.forEach((fact, index) => {
    at(`facts[${index}]`, fact.at);
    at(`facts[${index}].label`, fact.at);
    at(`facts[${index}].value`, fact.at);
  });
  if (derived.timeline.length > 0) fields.timeline = derived.timeline.map(({ date: day, event }) => ({ date: day, event }));
  derived.timeline.forEach((entry, index) => {
    at(`timeline[${index}]`, entry.eventAt);
    at(`timeline[${index}].date`, entry.dateAt);
    at(`timeline[${index}].event`, entry.eventAt);
  });
  if (derived.keyPoints.length > 0) fields.key_points = derived.keyPoints.map((point) => point.text);
  derived.keyPoints.forEach((point, index) => at(`key_points[${index}]`, point.at));
  return fields;
}

interface SpeakerRules {
  readonly people: People;
  readonly lang: RuleLanguage;
  readonly addOrganisation: (name: string, fileAt: number) => void;
}

/**
 * The quotes of a paragraph with their speakers. Without rules (`null`), every quoted span is kept
 * with the name its sentence gives, as the reader did before it knew any language; with them,
 * fragments stay in the text and names resolve to the people and organisations of the dispatch.
 */
function quotesOf(paragraph: Text, rules: SpeakerRules | null): FoundQuote[] {
  const spans = quotedSpans(paragraph.text);
  const sentences = spans.length > 0 ? sentencesOf(paragraph.text) : [];
  let sentenceIndex = 0;
  let previous: { readonly sentence: number; readonly speaker: FoundQuote['speaker'] } | null = null;
  return spans.flatMap((span) => {
    // Spans come in order, so the sentence holding each one is found by walking forward once.
    while ((sentences[sentenceIndex]?.end ?? Infinity) <= span.start) sentenceIndex += 1;
    const text = trimQuoted(paragraph.text.slice(span.start + 1, span.end - 1));
    if (text === '' || (rules && !isStatement(text, rules.lang))) return [];
    const sentence = sentences[sentenceIndex] ?? { start: 0, end: paragraph.text.length };
    // A subject further away than this is not an obvious speaker, and looking further would make
    // a long run-on paragraph of quotes quadratic.
    const beforeStart = span.start - sentence.start <= SPEAKER_DISTANCE ? sentence.start : span.start;
    const before = paragraph.text.slice(beforeStart, span.start);
    const after = paragraph.text.slice(span.end, Math.min(sentence.end, span.end + SPEAKER_DISTANCE));
    const found = speakerPhraseOf(before, after);
    const phraseAt = found ? (found.side === 'after' ? span.end : beforeStart) + found.phrase.at : 0;
    let speaker = found ? resolve(found.phrase, paragraph.toFile(phraseAt), rules) : undefined;
    // A quote that is a sentence of its own speaks with the voice of the quote just before it.
    const wholeSentence = paragraph.text.slice(sentence.start, sentence.end).trim() === paragraph.text.slice(span.start, span.end).trim();
    if (speaker === undefined && rules && wholeSentence && previous?.sentence === sentenceIndex - 1) speaker = previous.speaker;
    previous = { sentence: sentenceIndex, speaker };
    return [{ text, at: paragraph.toFile(span.start + 1), ...(speaker ? { speaker } : {}) }];
  });
}

function resolve(phrase: SpeakerPhrase, fileAt: number, rules: SpeakerRules | null): FoundQuote['speaker'] {
  switch (phrase.kind) {
    case 'pronoun': {
      const person = rules?.people.lastBefore(fileAt);
      return person ? personSpeaker(person, fileAt) : undefined;
    }
    case 'description':
      return rules ? { name: describedSpeaker(phrase.text), at: fileAt } : undefined;
    // Its title says it is a person: never an organisation, even as a single word.
    case 'person':
      return { name: phrase.text, at: fileAt };
    case 'name': {
      if (!rules) return { name: phrase.text, at: fileAt };
      const person = rules.people.lookup(phrase.text);
      if (person) return personSpeaker(person, fileAt);
      if (isOrganisationName(phrase.text)) rules.addOrganisation(phrase.text, fileAt);
      return { name: phrase.text, at: fileAt };
    }
    default: {
      const unknown: never = phrase;
      throw new Error(`unhandled speaker phrase ${JSON.stringify(unknown)}`);
    }
  }
}

/** "la présidence française" → "Présidence française"; "un porte-parole" keeps its article, which says there are others. */
function describedSpeaker(description: string): string {
  const bare = description.replace(/^(?:la|le|les|the)\s+|^l[’']/i, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1);
}

function personSpeaker(person: Person, at: number): FoundQuote['speaker'] {
  return { name: person.name, at, ...(person.role === undefined ? {} : { context: person.role }) };
}

/** Each quote once: wire copy repeats its strongest line. */
function distinctQuotes(quotes: readonly FoundQuote[]): FoundQuote[] {
  const seen = new Set<string>();
  return quotes.filter((quote) => {
    const key = quote.text.toLowerCase().replace(/\s+/g, ' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function quoteField(quote: FoundQuote): Record<string, string> {
  return {
    text: quote.text,
    ...(quote.speaker ? { speaker: quote.speaker.name } : {}),
    ...(quote.speaker?.context === undefined ? {} : { context: quote.speaker.context }),
  };
}

function quotePositions(at: (path: string, offset: number) => void, index: number, quote: FoundQuote): void {
  at(`quotes[${index}]`, quote.at);
  at(`quotes[${index}].text`, quote.at);
  if (quote.speaker) at(`quotes[${index}].speaker`, quote.speaker.at);
}

function derivationWarning(file: string, derived: Derived): string {
  const counts = [
    `${derived.quotes.length} quote(s), ${derived.quotes.filter((quote) => quote.speaker).length} with a speaker`,
    `${derived.persons.length + derived.organisations.length} part(y/ies)`,
    `${derived.facts.length} fact(s)`,
    `${derived.timeline.length} timeline entr(y/ies)`,
    `${derived.keyPoints.length} key point(s)`,
  ];
  return `${file}: derived from a wire dispatch by rules (docs/input-limits.md, "Wire dispatches"): the title, summary, ${counts.join(', ')} were read from the text; check them before relying on the fact sheet`;
}
