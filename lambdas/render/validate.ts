/**
 * validate: a ParsedDocument checked against the content format
 * (/work/shared/spec/content-format.md) and normalised into an EventDocument.
 *
 * Every problem is collected before anything is thrown, so an editor fixes the file in one go. Text
 * is trimmed and its runs of spaces and line breaks become one space (a blank line separates
 * paragraphs where a field holds several). Fields the format does not know are warnings, not errors:
 * the format may grow, and older renderers should still publish newer documents. The limits and
 * their reasons are in docs/input-limits.md.
 */
import { DATE_FORMATS, readPartialDate } from './dates';
import { formatProblems, type Problem, ValidationError } from './errors';
import type {
  Chart,
  ChartSeries,
  EventDocument,
  Fact,
  Figure,
  ParsedDocument,
  PartialDate,
  Party,
  Quote,
  Section,
  Source,
  SourcePosition,
  TimelineEntry,
  ValidatedDocument,
} from './types';

export interface DocumentLimits {
  /** The content format's own limit. */
  readonly maxTitleLength: number;
  /** Names, labels, headings, categories: text meant for one line. */
  readonly maxShortTextLength: number;
  /** Paragraphs, quotes, bullets, the summary. */
  readonly maxTextLength: number;
  readonly maxListItems: number;
  readonly maxUrlLength: number;
  /** A caption longer than this would not fit under its picture on one page. */
  readonly maxCaptionLength: number;
  /** Beyond this many problems the report lists how many more there are instead. */
  readonly maxReportedProblems: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxTitleLength: 300,
  maxShortTextLength: 300,
  maxTextLength: 10_000,
  maxListItems: 500,
  maxUrlLength: 2_000,
  maxCaptionLength: 1_000,
  maxReportedProblems: 50,
};

export interface ValidateOptions {
  /** Names of the templates that exist; `template` must be one of them. */
  readonly templates: readonly string[];
  readonly limits?: Partial<DocumentLimits>;
}

const DEFAULT_LANG = 'en';
const DEFAULT_TEMPLATE = 'briefing';

const FIELDS = [
  'title', 'date', 'lang', 'template', 'subtitle', 'category', 'classification', 'location', 'summary', 'facts',
  'parties', 'key_points', 'sections', 'quotes', 'timeline', 'context', 'sources', 'tags', 'author', 'images', 'charts', 'url',
] as const;

/** Beyond these a chart is unreadable on a fact sheet's column. */
const MAX_CHART_LABELS = 40;
const MAX_CHART_SERIES = 6;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Picture formats by extension; the image stage checks that the bytes are what the name says. */
const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png'];

/**
 * BCP 47 (RFC 5646) well-formedness: language, extlang, script, region, variants, extensions,
 * private use. Whether the language is one the templates know is the template stage's business.
 */
const LANGUAGE_TAG =
  /^(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*(?:-x(?:-[a-z\d]{1,8})+)?$|^x(?:-[a-z\d]{1,8})+$/i;

/** Invisible characters that print as boxes or nothing; tab and line breaks are whitespace. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const PARAGRAPH_BREAK = /\n[ \t]*\n/;

export function validateDocument(parsed: ParsedDocument, options: ValidateOptions): ValidatedDocument {
  const reader = new FieldReader(parsed, { ...DOCUMENT_LIMITS, ...options.limits });
  const document = readEventDocument(reader, options.templates);
  if (reader.problems.length > 0 || document === null) throw new ValidationError(parsed.file, reader.report());
  return { file: parsed.file, format: parsed.format, document, warnings: reader.warnings };
}

function readEventDocument(reader: FieldReader, templates: readonly string[]): EventDocument | null {
  const fields = reader.mapping(reader.root, '', FIELDS, 'a mapping of fields such as `title:` and `date:`');
  if (fields === null) return null;
  const { limits } = reader;
  const title = reader.text(fields.title, 'title', { required: true, max: limits.maxTitleLength });
  const date = reader.date(fields.date, 'date');
  const lang = reader.lang(fields.lang, 'lang');
  const template = reader.template(fields.template, 'template', templates);
  const optional = definedOnly({
    subtitle: reader.text(fields.subtitle, 'subtitle', { max: limits.maxTextLength }),
    category: reader.text(fields.category, 'category', { max: limits.maxShortTextLength }),
    classification: reader.text(fields.classification, 'classification', { max: limits.maxShortTextLength }),
    location: reader.text(fields.location, 'location', { max: limits.maxShortTextLength }),
    summary: reader.text(fields.summary, 'summary', { max: limits.maxTextLength }),
  });
  const lists = {
    facts: reader.list(fields.facts, 'facts', 'a list of facts, each with `label:` and `value:`', (item, path) => readFact(reader, item, path)),
    parties: reader.list(fields.parties, 'parties', 'a list of parties, each with `name:`', (item, path) => readParty(reader, item, path)),
    key_points: reader.list(fields.key_points, 'key_points', 'a list of texts', (item, path) =>
      reader.text(item, path, { required: true, max: limits.maxTextLength }),
    ),
    sections: reader.list(fields.sections, 'sections', 'a list of sections, each with `heading:`', (item, path) => readSection(reader, item, path)),
    quotes: reader.list(fields.quotes, 'quotes', 'a list of quotes, each with `text:`', (item, path) => readQuote(reader, item, path)),
    timeline: reader.list(fields.timeline, 'timeline', 'a list of entries, each with `date:` and `event:`', (item, path) =>
      readTimelineEntry(reader, item, path),
    ),
    context: reader.paragraphs(fields.context, 'context'),
    sources: reader.list(fields.sources, 'sources', 'a list of sources, each with `name:`', (item, path) => readSource(reader, item, path)),
    tags: reader.list(fields.tags, 'tags', 'a list of texts', (item, path) =>
      reader.text(item, path, { required: true, max: limits.maxShortTextLength }),
    ),
  };
  const author = reader.text(fields.author, 'author', { max: limits.maxShortTextLength });
  const images = reader.list(fields.images, 'images', 'a list of pictures, each with `src:` and `alt:`', (item, path) => readFigure(reader, item, path));
  const charts = reader.list(fields.charts, 'charts', 'a list of charts, each with `title:`, `unit:`, `labels:` and `series:`', (item, path) => readChart(reader, item, path));
  const url = reader.url(fields.url, 'url');
  if (url !== undefined && !url.startsWith('https://')) reader.problem('url', `"${url}" is not an https address`, 'the https:// address of the online version');
  if (title === undefined || date === undefined) return null;
  return { title, date, lang, template, ...optional, ...lists, ...definedOnly({ author, url }), images, charts };
}

function readFact(reader: FieldReader, item: unknown, path: string): Fact | undefined {
  const fields = reader.mapping(item, path, ['label', 'value'], 'a fact with `label:` and `value:`');
  if (fields === null) return undefined;
  const label = reader.text(fields.label, `${path}.label`, { required: true, max: reader.limits.maxShortTextLength });
  const value = reader.text(fields.value, `${path}.value`, { required: true, max: reader.limits.maxTextLength });
  return label === undefined || value === undefined ? undefined : { label, value };
}

function readParty(reader: FieldReader, item: unknown, path: string): Party | undefined {
  const fields = reader.mapping(item, path, ['name', 'role', 'country'], 'a party with `name:` (and `role:`, `country:`)');
  if (fields === null) return undefined;
  const max = reader.limits.maxShortTextLength;
  const name = reader.text(fields.name, `${path}.name`, { required: true, max });
  const optional = definedOnly({
    role: reader.text(fields.role, `${path}.role`, { max }),
    country: reader.text(fields.country, `${path}.country`, { max }),
  });
  return name === undefined ? undefined : { name, ...optional };
}

function readSection(reader: FieldReader, item: unknown, path: string): Section | undefined {
  const fields = reader.mapping(item, path, ['heading', 'body', 'bullets', 'image', 'chart'], 'a section with `heading:` (and `body:`, `bullets:`, `image:`, `chart:`)');
  if (fields === null) return undefined;
  const heading = reader.text(fields.heading, `${path}.heading`, { required: true, max: reader.limits.maxShortTextLength });
  const body = reader.paragraphs(fields.body, `${path}.body`);
  const bullets = reader.list(fields.bullets, `${path}.bullets`, 'a list of texts', (bullet, bulletPath) =>
    reader.text(bullet, bulletPath, { required: true, max: reader.limits.maxTextLength }),
  );
  const image = fields.image === undefined || fields.image === null ? undefined : readFigure(reader, fields.image, `${path}.image`);
  const chart = fields.chart === undefined || fields.chart === null ? undefined : readChart(reader, fields.chart, `${path}.chart`);
  return heading === undefined ? undefined : { heading, body, bullets, ...definedOnly({ image, chart }) };
}

function readChart(reader: FieldReader, item: unknown, path: string): Chart | undefined {
  const fields = reader.mapping(item, path, ['type', 'title', 'unit', 'labels', 'series'], 'a chart with `title:`, `unit:`, `labels:` and `series:` (and `type:`)');
  if (fields === null) return undefined;
  const { maxShortTextLength: max } = reader.limits;
  const type = reader.text(fields.type, `${path}.type`, { max }) ?? 'bar';
  if (type !== 'bar' && type !== 'line') reader.problem(`${path}.type`, `"${type}" is not a kind of chart`, 'bar or line');
  const title = reader.text(fields.title, `${path}.title`, { required: true, max });
  const unit = reader.text(fields.unit, `${path}.unit`, { required: true, max, expected: 'what the numbers count, such as %, people or millions of euros' });
  const labels = reader.list(fields.labels, `${path}.labels`, 'a list of texts, one a bar or point', (label, labelPath) => reader.text(label, labelPath, { required: true, max }));
  const series = reader.list(fields.series, `${path}.series`, 'a list of series, each with `name:` and `values:`', (entry, entryPath) =>
    readSeries(reader, entry, entryPath, labels.length),
  );
  if (labels.length === 0 || labels.length > MAX_CHART_LABELS) reader.problem(`${path}.labels`, `has ${labels.length} labels`, `from 1 to ${MAX_CHART_LABELS} labels`);
  if (series.length === 0 || series.length > MAX_CHART_SERIES) reader.problem(`${path}.series`, `has ${series.length} series`, `from 1 to ${MAX_CHART_SERIES} series`);
  if (title === undefined || unit === undefined || (type !== 'bar' && type !== 'line')) return undefined;
  return { type, title, unit, labels, series };
}

function readSeries(reader: FieldReader, item: unknown, path: string, labelCount: number): ChartSeries | undefined {
  const fields = reader.mapping(item, path, ['name', 'values'], 'a series with `name:` and `values:`');
  if (fields === null) return undefined;
  const name = reader.text(fields.name, `${path}.name`, { required: true, max: reader.limits.maxShortTextLength });
  const values = reader.list(fields.values, `${path}.values`, 'a list of numbers, one a label', (value, valuePath) => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    // The YAML reader keeps a decimal as the digits typed (`1.50`), so a number may arrive as its text.
    if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value);
    reader.problem(valuePath, `must be a number, not ${describe(value)}`, 'a number such as 12 or 3.5, without its unit');
    return undefined;
  });
  if (Array.isArray(fields.values) && fields.values.length !== labelCount) {
    reader.problem(`${path}.values`, `has ${fields.values.length} values for ${labelCount} labels`, 'one value a label');
  }
  return name === undefined ? undefined : { name, values };
}

function readFigure(reader: FieldReader, item: unknown, path: string): Figure | undefined {
  const fields = reader.mapping(item, path, ['src', 'alt', 'caption', 'credit'], 'a picture with `src:` and `alt:` (and `caption:`, `credit:`)');
  if (fields === null) return undefined;
  const src = reader.imagePath(fields.src, `${path}.src`);
  const alt = reader.text(fields.alt, `${path}.alt`, {
    required: true,
    max: reader.limits.maxTextLength,
    expected: 'a text alternative: what the picture shows, for readers who cannot see it',
  });
  const optional = definedOnly({
    caption: reader.text(fields.caption, `${path}.caption`, { max: reader.limits.maxCaptionLength }),
    credit: reader.text(fields.credit, `${path}.credit`, { max: reader.limits.maxShortTextLength }),
  });
  return src === undefined || alt === undefined ? undefined : { src, alt, ...optional };
}

function readQuote(reader: FieldReader, item: unknown, path: string): Quote | undefined {
  const fields = reader.mapping(item, path, ['text', 'speaker', 'context'], 'a quote with `text:` (and `speaker:`, `context:`)');
  if (fields === null) return undefined;
  const text = reader.text(fields.text, `${path}.text`, { required: true, max: reader.limits.maxTextLength });
  const optional = definedOnly({
    speaker: reader.text(fields.speaker, `${path}.speaker`, { max: reader.limits.maxShortTextLength }),
    context: reader.text(fields.context, `${path}.context`, { max: reader.limits.maxTextLength }),
  });
  return text === undefined ? undefined : { text: withoutQuotationMarks(text), ...optional };
}

function readTimelineEntry(reader: FieldReader, item: unknown, path: string): TimelineEntry | undefined {
  const fields = reader.mapping(item, path, ['date', 'event'], 'a timeline entry with `date:` and `event:`');
  if (fields === null) return undefined;
  const date = reader.dateOrText(fields.date, `${path}.date`);
  const event = reader.text(fields.event, `${path}.event`, { required: true, max: reader.limits.maxTextLength });
  return date === undefined || event === undefined ? undefined : { date, event };
}

function readSource(reader: FieldReader, item: unknown, path: string): Source | undefined {
  const fields = reader.mapping(item, path, ['name', 'url', 'date'], 'a source with `name:` (and `url:`, `date:`)');
  if (fields === null) return undefined;
  const name = reader.text(fields.name, `${path}.name`, { required: true, max: reader.limits.maxShortTextLength });
  const optional = definedOnly({
    url: reader.url(fields.url, `${path}.url`),
    date: fields.date === undefined || fields.date === null ? undefined : reader.date(fields.date, `${path}.date`),
  });
  return name === undefined ? undefined : { name, ...optional };
}

const QUOTATION_MARKS = new Map([
  ['«', '»'],
  ['“', '”'],
  ['„', '“'],
  ['"', '"'],
]);

/** The template adds the quotation marks of the language; marks typed around the whole quote would double them. */
function withoutQuotationMarks(text: string): string {
  const closing = QUOTATION_MARKS.get(text.charAt(0));
  const inner = text.slice(1, -1);
  const markedAround = closing !== undefined && text.length > 2 && text.endsWith(closing);
  const marksInside = [...QUOTATION_MARKS].some(([open, close]) => inner.includes(open) || inner.includes(close));
  return markedAround && !marksInside ? inner.trim() : text;
}

function definedOnly<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Reads values at field paths, recording every problem with the position the parser saw it at. */
class FieldReader {
  readonly problems: Problem[] = [];
  readonly warnings: string[] = [];
  readonly root: unknown;

  constructor(
    private readonly parsed: ParsedDocument,
    readonly limits: DocumentLimits,
  ) {
    this.root = parsed.data;
  }

  /** In the order of the file (problems without a position, such as missing fields, first), and capped. */
  report(): Problem[] {
    const { maxReportedProblems } = this.limits;
    const ordered = [...this.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
    if (ordered.length <= maxReportedProblems) return ordered;
    const hidden = ordered.length - maxReportedProblems;
    return [...ordered.slice(0, maxReportedProblems), { message: `and ${hidden} more problems not listed here` }];
  }

  /** `at` is where to point the editor when it is not where `path` is (a misspelled field). */
  problem(path: string, message: string, expected?: string, at: string = path): void {
    this.problems.push({ ...(path === '' ? {} : { path }), ...this.positionOf(at), message, ...(expected ? { expected } : {}) });
  }

  /** The mapping's fields; a field the format does not know is a warning, with a suggestion for typos. */
  mapping(value: unknown, path: string, known: readonly string[], expected: string): Record<string, unknown> | null {
    if (!isMapping(value)) {
      this.problem(path, value === undefined || value === null ? 'is empty' : `must be a mapping of fields, not ${describe(value)}`, expected);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const fieldPath = path === '' ? key : `${path}.${key}`;
      const suggestion = closest(key, known);
      const warning: Problem = {
        path: fieldPath,
        ...this.positionOf(fieldPath),
        message: `unknown field, ignored${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        expected: `one of ${known.join(', ')}`,
      };
      this.warnings.push(formatProblems(this.parsed.file, [warning]));
    }
    this.unknownKeys.set(path, Object.keys(value).filter((key) => !known.includes(key)));
    return value;
  }

  /** By mapping path: a required field spelled wrongly is reported as missing, with the spelling found. */
  private readonly unknownKeys = new Map<string, readonly string[]>();

  text(
    value: unknown,
    path: string,
    options: { readonly required?: boolean; readonly max: number; readonly expected?: string },
  ): string | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.missing(path, options.expected ?? 'text');
      return undefined;
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      this.problem(path, `must be text, not ${describe(value)}`, 'text (put it in quotes if it is meant literally)');
      return undefined;
    }
    const text = String(value).replace(/[ \t\r\n]+/g, ' ').trim();
    if (text === '') {
      if (options.required) this.problem(path, 'is empty', options.expected ?? 'text');
      return undefined;
    }
    return this.checkedText(text, path, options.max);
  }

  /** A string (blank lines separate paragraphs) or a list of paragraphs; absent is an empty list. */
  paragraphs(value: unknown, path: string): string[] {
    if (typeof value === 'string') {
      return value
        .split(PARAGRAPH_BREAK)
        .map((paragraph) => this.text(paragraph, path, { max: this.limits.maxTextLength }))
        .filter((paragraph): paragraph is string => paragraph !== undefined);
    }
    return this.list(value, path, 'text, or a list of paragraphs', (item, itemPath) =>
      this.text(item, itemPath, { required: true, max: this.limits.maxTextLength }),
    );
  }

  list<T>(value: unknown, path: string, expected: string, readItem: (item: unknown, itemPath: string) => T | undefined): T[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(path, `must be a list, not ${describe(value)}`, expected);
      return [];
    }
    if (value.length > this.limits.maxListItems) {
      this.problem(path, `has ${value.length} items, too many for a fact sheet`, `at most ${this.limits.maxListItems} items`);
      return [];
    }
    return value.map((item, index) => readItem(item, `${path}[${index}]`)).filter((item): item is T => item !== undefined);
  }

  date(value: unknown, path: string): PartialDate | undefined {
    const result = this.dateOrText(value, path, DATE_FORMATS);
    if (typeof result === 'string') {
      this.problem(path, `"${result}" is not a date`, DATE_FORMATS);
      return undefined;
    }
    return result;
  }

  /** A date, or free text such as "jeudi" (timeline dates); text written like a date must be one. */
  dateOrText(value: unknown, path: string, expected = `${DATE_FORMATS}, or text such as "jeudi"`): PartialDate | string | undefined {
    const text = this.text(value, path, { required: true, max: this.limits.maxShortTextLength, expected });
    if (text === undefined) return undefined;
    const reading = readPartialDate(text);
    switch (reading.kind) {
      case 'date':
        return reading.date;
      case 'invalid':
        this.problem(path, `is not a real date: ${reading.reason}`, DATE_FORMATS);
        return undefined;
      case 'text':
        return text;
      default: {
        const unexpected: never = reading;
        throw new Error(`unknown date reading ${JSON.stringify(unexpected)}`);
      }
    }
  }

  lang(value: unknown, path: string): string {
    const tag = this.text(value, path, { max: this.limits.maxShortTextLength });
    if (tag === undefined) return DEFAULT_LANG;
    if (!LANGUAGE_TAG.test(tag)) {
      const hint = tag.includes('_') ? ` (write ${tag.replace(/_/g, '-')} with a hyphen)` : '';
      this.problem(path, `"${tag}" is not a language tag${hint}`, 'a BCP 47 language tag such as fr, en, uk, de or pt-BR');
      return DEFAULT_LANG;
    }
    return normaliseLanguageTag(tag);
  }

  template(value: unknown, path: string, templates: readonly string[]): string {
    const name = this.text(value, path, { max: this.limits.maxShortTextLength }) ?? DEFAULT_TEMPLATE;
    if (!templates.includes(name)) {
      const suggestion = closest(name, templates);
      this.problem(
        path,
        `there is no template "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        `one of ${templates.join(', ')}`,
      );
    }
    return name;
  }

  url(value: unknown, path: string): string | undefined {
    const text = this.text(value, path, { max: this.limits.maxUrlLength });
    if (text === undefined) return undefined;
    let url: URL | null = null;
    try {
      url = new URL(text);
    } catch {
      // Not a URL at all: reported below with the other refusals.
    }
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || text.includes(' ')) {
      this.problem(path, `"${text}" is not a web address`, 'a full address starting with https:// or http://');
      return undefined;
    }
    return text;
  }

  /**
   * A picture's path as written, when it can only name a file of the content folder: relative,
   * with `/` between folders and no %-escapes (which would hide a `..`). Whether it stays inside
   * the folder depends on where the document lies, which the image stage knows.
   */
  imagePath(value: unknown, path: string): string | undefined {
    const expected = 'a path relative to this document, such as photos/kyiv.jpg or ../maps/kyiv.png';
    const src = this.text(value, path, { required: true, max: this.limits.maxUrlLength, expected });
    if (src === undefined) return undefined;
    const refusal = imagePathRefusal(src);
    if (refusal !== null) {
      this.problem(path, `"${src}" ${refusal}`, expected);
      return undefined;
    }
    const extension = /\.[^./]*$/.exec(src)?.[0].toLowerCase() ?? '';
    if (!IMAGE_EXTENSIONS.includes(extension)) {
      const kind = extension === '' ? 'has no extension' : `is a ${extension} file`;
      this.problem(path, `"${src}" ${kind}, not a picture the publisher can print`, `a JPEG (.jpg, .jpeg) or PNG (.png) file`);
      return undefined;
    }
    return src;
  }

  private checkedText(text: string, path: string, max: number): string | undefined {
    const control = CONTROL_CHARACTER.exec(text);
    if (control) {
      const code = (control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      this.problem(path, `contains an invisible control character (U+${code}) at character ${control.index + 1}`, 'printable text');
      return undefined;
    }
    const length = Array.from(text).length;
    if (length > max) {
      this.problem(path, `is ${length} characters long`, `at most ${max} characters`);
      return undefined;
    }
    return text;
  }

  private missing(path: string, expected: string): void {
    const parent = parentOf(path);
    const found = closest(path.slice(path.lastIndexOf('.') + 1), this.unknownKeys.get(parent) ?? []);
    if (found) this.problem(path, `is required (found "${found}": a misspelling?)`, expected, parent === '' ? found : `${parent}.${found}`);
    else this.problem(path, 'is required', expected);
  }

  /** The path's own position, else its nearest ancestor's: a missing field points at its parent. */
  private positionOf(path: string): SourcePosition | Record<string, never> {
    for (let candidate = path; candidate !== ''; candidate = parentOf(candidate)) {
      const position = this.parsed.positions.get(candidate);
      if (position) return position;
    }
    return {};
  }
}

function imagePathRefusal(src: string): string | null {
  const driveLetter = /^[a-z]:[\\/]/i.test(src);
  if (/^[a-z][a-z\d+.-]*:/i.test(src) && !driveLetter) return 'is a web address: pictures are never fetched from the internet; put the file in the content folder';
  if (driveLetter || /^[\\/]/.test(src)) return 'is an absolute path';
  if (src.includes('\\')) return 'contains "\\": folders are separated by "/"';
  if (src.includes('%')) return 'contains "%": write the file name as it is, without %-escapes';
  return null;
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut < 0 ? '' : path.slice(0, cut);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'string') return `the text "${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value} (yes/no)`;
  if (typeof value === 'object') return 'a mapping of fields';
  return typeof value;
}

/** `pt-br` → `pt-BR`, `ZH-hant` → `zh-Hant`: the case conventions of RFC 5646 §2.1.1. */
function normaliseLanguageTag(tag: string): string {
  let privateUse = false;
  return tag
    .split('-')
    .map((subtag, index) => {
      privateUse ||= subtag.toLowerCase() === 'x' || (index > 0 && subtag.length === 1);
      if (index === 0 || privateUse) return subtag.toLowerCase();
      if (subtag.length === 2) return subtag.toUpperCase();
      if (subtag.length === 4 && /^[a-z]+$/i.test(subtag)) return subtag.charAt(0).toUpperCase() + subtag.slice(1).toLowerCase();
      return subtag.toLowerCase();
    })
    .join('-');
}

/** The candidate within two edits of `word` (case aside), for "did you mean" hints. */
function closest(word: string, candidates: readonly string[]): string | null {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | null = null;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= 2 && distance < lower.length && (best === null || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate ?? null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
