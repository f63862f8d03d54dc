/**
 * validate: a ParsedDocument checked against the content format (docs/content-format.md) and
 * normalised into an EventDocument.
 *
 * Every problem is collected before anything is thrown, so an editor fixes the file in one go. Text
 * is trimmed and its runs of spaces and line breaks become one space (a blank line separates
 * paragraphs where a field holds several). Fields the format does not know are warnings, not errors:
 * the format may grow, and older renderers should still publish newer documents. The limits and
 * their reasons are in docs/input-limits.md.
 */
import { DATE_FORMATS, readPartialDate } from './dates';
import { EVENT_DOCUMENT, type FieldKind, type FurniturePlace, type MappingKind } from './document-definition';
import { excerpt, type Problem, ValidationError } from './errors';
import { DOCUMENT_LIMITS, type DocumentLimits } from './limits';
import { PICTURE_EXTENSIONS } from './parse/formats';
import type { EventDocument, ListItem, ListLevel, ParsedDocument, PartialDate, SourcePosition, ValidatedDocument } from './types';

export interface ValidateOptions {
  /** Names of the templates that exist; `template` must be one of them. */
  readonly templates: readonly string[];
  readonly limits?: Partial<DocumentLimits>;
}

const DEFAULT_LANG = 'en';
const DEFAULT_TEMPLATE = 'briefing';


/** Invisible characters that print as boxes or nothing; tab and line breaks are whitespace. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const PARAGRAPH_BREAK = /\n[ \t]*\n/;
/** With the u flag a well-formed pair is one code point: only a half on its own matches. */
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_ALL = /\p{Cs}/gu;
/**
 * Combining marks kept on one character. Writing systems stack at most three or four (Vietnamese
 * two, Thai two, pointed and cantillated Hebrew four); dozens ("zalgo" text) draw their ink above
 * the page's top edge and over the lines around, which no layout can reserve room for.
 */
export const MAX_MARKS_PER_CHARACTER = 4;
/**
 * In a field the templates print in the page furniture (the header band, the footer): one line of
 * fixed height on every page, with room for two marks on the tallest letters and no more (four
 * tall marks rise 2.8 em, off the page's top edge from the band and over the footer's rule). Two
 * is what Vietnamese, Thai and Arabic stack; docs/rendering.md "Page furniture and stacked marks".
 */
export const MAX_MARKS_IN_FURNITURE = 2;
/**
 * A UTF-16 unit that may be a combining mark or a surrogate: from U+0300 (the first mark) on,
 * except General Punctuation and the currency signs (U+2000–U+20CF), which hold neither and give
 * French and English their dashes, typographic apostrophes and euro sign.
 */
const MAY_BE_MARK_OR_SURROGATE = /[\u0300-\u1FFF]|[\u20D0-\uFFFF]/;
const MARK_PILE = markPile(MAX_MARKS_PER_CHARACTER);
const FURNITURE_MARK_PILE = markPile(MAX_MARKS_IN_FURNITURE);

function markPile(kept: number): RegExp {
  return new RegExp(`(\\p{M}{${kept}})\\p{M}+`, 'gu');
}

export function validateDocument(parsed: ParsedDocument, options: ValidateOptions): ValidatedDocument {
  const reader = new FieldReader(parsed, { ...DOCUMENT_LIMITS, ...options.limits });
  const document = readMapping(reader, EVENT_DOCUMENT, reader.root, '', options.templates);
  if (reader.problems.length > 0 || document === undefined) throw new ValidationError(parsed.file, reader.report());
  // The definition's shape is the EventDocument's: tests/schema.test.ts reads every sample both ways.
  const parseWarnings = (parsed.warnings ?? []).map((message) => ({ message: message.replace(`${parsed.file}: `, '') }));
  const warnings = [...parseWarnings, ...reader.warnings];
  return { file: parsed.file, format: parsed.format, document: document as unknown as EventDocument, warnings };
}

/** Reads `value` as the definition says (document-definition.ts); undefined when it cannot be used. */
function readValue(reader: FieldReader, type: FieldKind, value: unknown, path: string, required: boolean, templates: readonly string[]): unknown {
  const absent = value === undefined || value === null;
  switch (type.kind) {
    case 'text': {
      const text = reader.text(value, path, { required, max: reader.limits[type.max], ...(type.furniture === undefined ? {} : { furniture: type.furniture }) });
      return type.unquoted && text !== undefined ? withoutQuotationMarks(text) : text;
    }
    case 'date':
      return absent && !required ? undefined : reader.date(value, path);
    case 'dateOrText':
      return absent && !required ? undefined : reader.dateOrText(value, path);
    case 'lang':
      return reader.lang(value, path);
    case 'template':
      return reader.template(value, path, templates);
    case 'url':
      return reader.url(value, path, type.https === true);
    case 'imagePath':
      return reader.imagePath(value, path);
    case 'number':
      return reader.number(value, path);
    case 'choice': {
      const text = reader.text(value, path, { required, max: reader.limits.maxShortTextLength });
      if (text === undefined || type.options.includes(text)) return text;
      reader.problem(path, `"${text}" is not one of the choices`, type.options.join(' or '));
      return undefined;
    }
    case 'paragraphs':
      return reader.paragraphs(value, path);
    case 'bullets':
      return reader.bullets(value, path, 0);
    case 'list':
      return reader.list(value, path, type.expected, (item, itemPath) => readValue(reader, type.items, item, itemPath, true, templates));
    case 'mapping':
      return absent && !required ? undefined : readMapping(reader, type, value, path, templates);
    default: {
      const unexpected: never = type;
      throw new Error(`unknown field kind ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The mapping's fields that could be read; undefined when a required one could not. */
function readMapping(reader: FieldReader, type: MappingKind, value: unknown, path: string, templates: readonly string[]): Record<string, unknown> | undefined {
  if (reader.readAsPair(value, path, type)) return undefined;
  const fields = reader.mapping(value, path, Object.keys(type.fields), type.expected, type.annotations, type.misplaced);
  if (fields === null) return undefined;
  const read = Object.entries(type.fields).map(([name, field]) => {
    const fieldPath = path === '' ? name : `${path}.${name}`;
    return [name, readValue(reader, field.type, fields[name], fieldPath, field.required === true, templates), field.required === true] as const;
  });
  if (type.check !== undefined) checkMapping(reader, type, type.check, fields, path);
  if (read.some(([, fieldValue, required]) => required && fieldValue === undefined)) return undefined;
  return Object.fromEntries(read.filter(([, fieldValue]) => fieldValue !== undefined).map(([name, fieldValue]) => [name, fieldValue]));
}

/** Bullet levels a fact sheet shows (0, 1, 2): deeper ones would leave a column a few words wide. */
const MAX_LIST_LEVEL = 2;

/** Beyond these a chart is unreadable on a fact sheet's column. */
const MAX_CHART_LABELS = 40;
const MAX_CHART_SERIES = 6;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function checkMapping(reader: FieldReader, type: MappingKind, check: NonNullable<MappingKind['check']>, fields: Readonly<Record<string, unknown>>, path: string): void {
  switch (check) {
    case 'chart':
      return checkChart(reader, type.misplaced ?? {}, fields, path);
    default: {
      const unknown: never = check;
      throw new Error(`unknown mapping check ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * What the definition cannot say of a chart: how many labels and series, one value a label. The
 * lists are counted as written, at the chart's own path: an item refused on its own (`"12 %"`
 * for a value, `true` for a label) is its problem, not one value or label fewer. A list that is
 * no list at all was refused already and is not counted.
 */
function checkChart(reader: FieldReader, misplaced: Readonly<Record<string, string>>, fields: Readonly<Record<string, unknown>>, path: string): void {
  const labels = writtenCount(fields.labels);
  const series = writtenCount(fields.series);
  if (labels !== null && (labels === 0 || labels > MAX_CHART_LABELS)) reader.problem(`${path}.labels`, `has ${labels} labels`, `from 1 to ${MAX_CHART_LABELS} labels`);
  if (series !== null && (series === 0 || series > MAX_CHART_SERIES)) {
    // `values:` written on the chart is the usual reason for no series: say so where it is.
    const stray = series === 0 ? Object.keys(misplaced).find((name) => fields[name] !== undefined) : undefined;
    const found = stray === undefined ? '' : ` (found "${stray}" on the chart itself: did you mean ${misplaced[stray]}?)`;
    reader.problem(`${path}.series`, `has ${series} series${found}`, `from 1 to ${MAX_CHART_SERIES} series, each with \`name:\` and \`values:\``, stray === undefined ? `${path}.series` : `${path}.${stray}`);
  }
  if (labels === null || labels === 0 || !Array.isArray(fields.series)) return;
  fields.series.forEach((item: unknown, index) => {
    const values = isMapping(item) && Array.isArray(item.values) ? item.values.length : null;
    if (values !== null && values !== labels) {
      reader.problem(`${path}.series[${index}].values`, `has ${plural(values, 'value')} for ${plural(labels, 'label')}`, 'one value a label');
    }
  });
}

/** Items of a list as written; 0 when absent, null when it is no list (refused as such). */
function writtenCount(value: unknown): number | null {
  if (value === undefined || value === null) return 0;
  return Array.isArray(value) ? value.length : null;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function parsedUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
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

/** Reads values at field paths, recording every problem with the position the parser saw it at. */
class FieldReader {
  readonly problems: Problem[] = [];
  readonly warnings: Problem[] = [];
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

  /**
   * The mapping's fields; a field the format does not know is a warning, with a suggestion for
   * typos. `annotations` (`$schema`) are accepted silently but never suggested: they are not fields.
   */
  mapping(
    value: unknown,
    path: string,
    fields: readonly string[],
    expected: string,
    annotations: readonly string[] = [],
    misplaced: Readonly<Record<string, string>> = {},
  ): Record<string, unknown> | null {
    const known = [...fields, ...annotations];
    if (!isMapping(value)) {
      this.problem(path, value === undefined || value === null ? 'is empty' : `must be a mapping of fields, not ${describe(value)}`, expected);
      return null;
    }
    for (const key of Object.keys(value)) {
      if (known.includes(key)) continue;
      const fieldPath = path === '' ? key : `${path}.${key}`;
      const suggestion = closest(key, fields);
      const elsewhere = misplaced[key];
      const hint = elsewhere !== undefined ? ` (did you mean ${elsewhere}?)` : suggestion ? ` (did you mean "${suggestion}"?)` : '';
      const warning: Problem = {
        path: fieldPath,
        ...this.positionOf(fieldPath),
        message: `unknown field, ignored${hint}`,
        expected: `one of ${fields.join(', ')}`,
      };
      this.warnings.push(warning);
    }
    this.unknownKeys.set(path, Object.keys(value).filter((key) => !known.includes(key)));
    return value;
  }

  /** By mapping path: a required field spelled wrongly is reported as missing, with the spelling found. */
  private readonly unknownKeys = new Map<string, readonly string[]>();

  text(
    value: unknown,
    path: string,
    options: { readonly required?: boolean; readonly max: number; readonly expected?: string; readonly furniture?: FurniturePlace },
  ): string | undefined {
    if (value === undefined || value === null) {
      if (options.required) this.missing(path, options.expected ?? 'text');
      return undefined;
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      if (this.readAsField(value, path)) return undefined;
      this.problem(path, `must be text, not ${describe(value)}`, 'text (put it in quotes if it is meant literally)');
      return undefined;
    }
    const text = String(value).replace(/[ \t\r\n]+/g, ' ').trim();
    if (text === '') {
      if (options.required) this.problem(path, 'is empty', options.expected ?? 'text');
      return undefined;
    }
    return this.checkedText(text, path, options.max, options.furniture);
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

  /**
   * Bullets, each a text or `{ text, bullets }` (its sub-bullets), as one list in reading order with
   * each one's level. A fact sheet shows three levels; a deeper bullet is shown at the third, with a
   * warning, so that a document nested deeper (Markdown allows it) is still published.
   */
  bullets(value: unknown, path: string, depth: number): ListItem[] {
    const level = Math.min(depth, MAX_LIST_LEVEL) as ListLevel;
    const expected = 'a list of texts (a bullet with sub-bullets: `text:` and `bullets:`)';
    const items = this.list(value, path, expected, (item, itemPath): ListItem[] | undefined => {
      if (depth > MAX_LIST_LEVEL) {
        this.warnings.push({ path: itemPath, ...this.positionOf(itemPath), message: `is nested ${depth + 1} levels deep; shown at the ${MAX_LIST_LEVEL + 1}rd`, expected: `at most ${MAX_LIST_LEVEL + 1} levels of bullets` });
      }
      if (this.readAsField(item, itemPath, ['text', 'bullets'])) return undefined;
      if (!isMapping(item)) {
        const text = this.text(item, itemPath, { required: true, max: this.limits.maxTextLength });
        return text === undefined ? undefined : [{ text, level }];
      }
      const fields = this.mapping(item, itemPath, ['text', 'bullets'], 'a bullet with `text:` (and `bullets:`, its sub-bullets)');
      if (fields === null) return undefined;
      const text = this.text(fields.text, `${itemPath}.text`, { required: true, max: this.limits.maxTextLength });
      const below = this.bullets(fields.bullets, `${itemPath}.bullets`, depth + 1);
      return text === undefined ? undefined : [{ text, level }, ...below];
    });
    return items.flat();
  }

  /**
   * Whether `value` is text that YAML read as a mapping of one field, because of the ": " in it
   * (`- Price: 4,999` is `{ Price: "4,999" }`), reported as such: "is required" or "must be text,
   * not a mapping" would hide what happened and how to fix it. `fields`: names that make it a
   * mapping the format knows (a bullet's `text:`). JSON writes its objects on purpose.
   */
  private readAsField(value: unknown, path: string, fields: readonly string[] = []): boolean {
    const field = this.oneField(value);
    if (field === null || fields.includes(field.name) || (typeof field.value !== 'string' && typeof field.value !== 'number')) return false;
    this.problem(path, readAsFieldMessage(field.name, String(field.value)), `text: put the whole text in quotes, "${excerpt(`${field.name}: ${field.value}`)}"`);
    return true;
  }

  /**
   * Whether `value`, where a mapping of `type` is expected, is a line `- Key: value` that YAML read
   * as one field named by its text (`- Duration: 1h30` for a fact), reported as such with the
   * fields to write (`pair`): "label is required" would hide what happened and how to fix it. A
   * name near one of the type's fields is a misspelling of it, reported as such by `missing`.
   */
  readAsPair(value: unknown, path: string, type: MappingKind): boolean {
    const { pair } = type;
    const field = this.oneField(value);
    if (pair === undefined || field === null) return false;
    const fields = Object.keys(type.fields);
    const written = writtenValue(field.value);
    if (fields.includes(field.name) || closest(field.name, fields) !== null || written === null) return false;
    const shown = excerpt(written);
    const others = fields.filter((name) => name !== pair.key).map((name) => `\`${name}:\``);
    const under = pair.value === undefined ? `"${shown}" as ${others.join(' or ')}` : `"${pair.value}: ${shown}"`;
    // A list item starts with its dash; a single picture (a section's `image:`) has none.
    const dash = path.endsWith(']') ? '- ' : '';
    this.problem(path, readAsFieldMessage(field.name, written), `${type.expected}: "${dash}${pair.key}: ${excerpt(field.name)}" and under it ${under}`);
    return true;
  }

  /** The one field of a mapping YAML read from a line of text with ": " in it; JSON writes its objects on purpose. */
  private oneField(value: unknown): { readonly name: string; readonly value: unknown } | null {
    if (this.parsed.format === 'json' || !isMapping(value)) return null;
    const entries = Object.entries(value);
    const [entry] = entries;
    return entries.length === 1 && entry !== undefined ? { name: entry[0], value: entry[1] } : null;
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
    const canonical = canonicalLanguageTag(tag);
    if (canonical === null) {
      const hint = tag.includes('_') ? ` (write ${tag.replace(/_/g, '-')} with a hyphen)` : '';
      this.problem(path, `"${tag}" is not a language tag${hint}`, 'a BCP 47 language tag such as fr, en, uk, de or pt-BR');
      return DEFAULT_LANG;
    }
    return canonical;
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

  /** A web address; `httpsOnly`: an https one (the online version, printed as a QR code). */
  url(value: unknown, path: string, httpsOnly: boolean): string | undefined {
    const text = this.text(value, path, { max: this.limits.maxUrlLength });
    if (text === undefined) return undefined;
    const expected = httpsOnly ? 'the https:// address of the online version' : 'a full address starting with https:// or http://';
    const url = parsedUrl(text);
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || text.includes(' ')) {
      // `example.org` is the commonest miss: the address without its scheme.
      const withScheme = parsedUrl(`https://${text}`);
      const hint = url === null && withScheme !== null && withScheme.hostname.includes('.') && !text.includes(' ') ? ` (did you mean "https://${text}"?)` : '';
      this.problem(path, `"${text}" is not a web address${hint}`, expected);
      return undefined;
    }
    if (httpsOnly && url.protocol !== 'https:') {
      this.problem(path, `"${text}" is not an https address`, expected);
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
    if (!PICTURE_EXTENSIONS.includes(extension)) {
      const kind = extension === '' ? 'has no extension' : `is a ${extension} file`;
      this.problem(path, `"${src}" ${kind}, not a picture the publisher can print`, 'a JPEG (.jpg, .jpeg), PNG (.png) or SVG (.svg) file');
      return undefined;
    }
    return src;
  }

  number(value: unknown, path: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    // The YAML reader keeps a decimal as the digits typed (`1.50`), so a number may arrive as its text.
    if (typeof value === 'string' && DECIMAL.test(value.trim())) return Number(value);
    this.problem(path, `must be a number, not ${describe(value)}`, 'a number such as 12 or 3.5, without its unit');
    return undefined;
  }

  /**
   * Marks past the fourth on a character are dropped before the length is counted: they are not
   * text an editor typed to be read, and a short title piled with them is a problem of marks, not
   * of length. The length then bounds what the later stages get, kept marks included, and it
   * bounds this check too: dropping stops once what is kept is too long (boundedMarks). A field
   * printed in the page `furniture` keeps fewer (MAX_MARKS_IN_FURNITURE), and the warning says why.
   */
  private checkedText(text: string, path: string, max: number, furniture?: FurniturePlace): string | undefined {
    const control = CONTROL_CHARACTER.exec(text);
    if (control) {
      const code = (control[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      this.problem(path, `contains an invisible control character (U+${code}) at character ${control.index + 1}`, 'printable text');
      return undefined;
    }
    const kept = furniture === undefined ? MAX_MARKS_PER_CHARACTER : MAX_MARKS_IN_FURNITURE;
    // Most texts (English, French) hold neither a mark nor a surrogate.
    const marks = !MAY_BE_MARK_OR_SURROGATE.test(text)
      ? ({ kind: 'kept', text, dropped: 0, first: 0 } as const)
      : boundedMarks(this.withoutLoneSurrogates(text, path), max, furniture === undefined ? MARK_PILE : FURNITURE_MARK_PILE, kept);
    if (marks.kind === 'too long') {
      this.problem(path, `is more than ${max} characters long, not counting the combining marks past the ${ordinal(kept)} on a character`, `at most ${max} characters`);
      return undefined;
    }
    // A code point is one or two UTF-16 units: a text of at most `max` units is short enough uncounted.
    const length = marks.text.length <= max ? 0 : codePointCount(marks.text);
    if (length > max) {
      const uncounted = marks.dropped === 0 ? '' : ` (not counting ${marks.dropped} combining marks past the ${ordinal(kept)} on a character)`;
      this.problem(path, `is ${length} characters long${uncounted}`, `at most ${max} characters`);
      return undefined;
    }
    if (marks.dropped > 0) {
      const where = furniture === undefined ? '' : `; it prints in the ${furniture} of every page, one line with room for ${kept}`;
      this.warnings.push({
        path,
        ...this.positionOf(path),
        message: `stacks more than ${kept} combining marks on one character (from character ${marks.first})${where}; ${marks.dropped} marks are dropped, which would print ${furniture === undefined ? 'above and over the lines around' : `outside the ${furniture}`}`,
        expected: `at most ${kept} accents or other combining marks on a letter${furniture === undefined ? '' : ` in the ${furniture}`}`,
      });
    }
    return marks.text;
  }

  /**
   * A lone surrogate (half of a UTF-16 pair, which only a `\uD83D` escape in YAML or JSON can
   * give) is no character: no font draws it and no PDF string holds it. It prints as "�", and
   * the editor is told where, since the broken escape usually lost an emoji.
   */
  private withoutLoneSurrogates(text: string, path: string): string {
    const lone = LONE_SURROGATE.exec(text);
    if (lone === null) return text;
    const code = (lone[0].charCodeAt(0)).toString(16).toUpperCase();
    const at = Array.from(text.slice(0, lone.index)).length + 1;
    this.warnings.push({
      path,
      ...this.positionOf(path),
      message: `contains a lone surrogate (U+${code}) at character ${at}, half of a character written as a \\u escape pair; it prints as \uFFFD`,
      expected: 'whole characters: both halves of an escape pair (\\uD83D\\uDE00), or the character itself',
    });
    return text.replace(LONE_SURROGATE_ALL, '\uFFFD');
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

type BoundedMarks =
  | { readonly kind: 'kept'; readonly text: string; readonly dropped: number; readonly first: number }
  | { readonly kind: 'too long' };

/**
 * `text` (without lone surrogates) with more marks than any writing system stacks dropped, how
 * many were dropped and the character (from 1) where the first pile starts. Dropping them costs a
 * little for each pile, and a megabyte of letters each with five marks has 170 000 piles (30 ms,
 * as long as reading the file): the work stops once what is kept is surely longer than `max`
 * characters, so that it is bounded by the limit, not by the input. A text without piles costs
 * one scan by the regular expression engine. `piles` matches the marks past `keptMarks` on a character.
 */
function boundedMarks(text: string, max: number, pile: RegExp, keptMarks: number): BoundedMarks {
  // The one compiled pattern of each kind is reused: compiling \p{M} again per text cost more than the scan.
  pile.lastIndex = 0;
  let kept = '';
  let from = 0;
  let dropped = 0;
  let first = 0;
  for (let match = pile.exec(text); match !== null; match = pile.exec(text)) {
    const marks = match[1] as string;
    kept += text.slice(from, match.index + marks.length);
    from = match.index + match[0].length;
    dropped += codePointCount(match[0]) - keptMarks;
    if (first === 0) first = codePointCount(text.slice(0, match.index)) + 1;
    // Two UTF-16 units at most a code point: more than twice `max` units is more than `max` characters.
    if (kept.length > 2 * max) return { kind: 'too long' };
  }
  return { kind: 'kept', text: from === 0 ? text : kept + text.slice(from), dropped, first };
}

function ordinal(count: number): string {
  return `${count}${['th', 'st', 'nd', 'rd'][count] ?? 'th'}`;
}

/** Code points of a text without lone surrogates, without building an array of them. */
function codePointCount(text: string): number {
  let pairs = 0;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) pairs++;
  }
  return text.length - pairs;
}

function parentOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
  return cut < 0 ? '' : path.slice(0, cut);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function readAsFieldMessage(name: string, value: string): string {
  return `was read as a field "${excerpt(name)}" with the value "${excerpt(value)}", because of the ": " after "${excerpt(name)}"`;
}

/** A value as it was likely typed after the ": ": text, a number, or a list of them (`[1204, 191]`); null for anything else. */
function writtenValue(value: unknown): string | null {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return `[${value.join(', ')}]`;
  return null;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'string') return `the text "${excerpt(value)}"`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value} (yes/no)`;
  if (typeof value === 'object') return 'a mapping of fields';
  return typeof value;
}

/**
 * A well-formed BCP 47 tag in its canonical form (`pt-br` → `pt-BR`, `ZH-hant` → `zh-Hant`,
 * `iw` → `he`), as the template stage and the PDF's /Lang use it; null when it is not one.
 * Intl implements the Unicode locale identifiers of UTS #35, so the few irregular
 * "grandfathered" tags (`i-klingon`) and extended language subtags (`zh-yue`: write `yue`) are refused.
 */
function canonicalLanguageTag(tag: string): string | null {
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? null;
  } catch {
    return null;
  }
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
