/**
 * Markdown documents: YAML front matter between `---` lines holds the metadata; the body is the
 * narrative. The rules beyond the content format are in docs/input-limits.md ("Markdown"):
 * - `## Heading` starts a section; `-`, `*`, `+` items are its bullets, everything else its
 *   paragraphs (numbered items each a paragraph, number kept); `###` and deeper print as a bold
 *   paragraph; a `---` rule only ends the paragraph.
 * - `> text` lines are a quote; a last line `> — Speaker[, context]` names who said it.
 * - Before the first section: a `#` heading is the title (the front matter's, if any, must say the
 *   same); paragraphs are the summary and `-` items the key points, unless the front matter already
 *   has them, which is an error rather than a guess. Later `#` headings start sections.
 * Inline `**bold**`, `*italic*` and `[text](url)` are the content format's own and pass through.
 */
import { DocumentSyntaxError } from '../errors';
import type { ParsedDocument, SourcePosition } from '../types';
import type { InputLimits } from './index';
import { TextLocator } from './text';
import { type DataReading, readYaml, requireMapping } from './yaml';

interface Located<T> {
  readonly value: T;
  readonly at: SourcePosition;
}

interface BodySection {
  readonly heading: Located<string>;
  readonly body: Located<string>[];
  readonly bullets: Located<string>[];
}

interface BodyQuote {
  readonly text: Located<string>;
  readonly speaker?: string;
  readonly context?: string;
}

/** What the Markdown body says, before it is merged with the front matter. */
interface Body {
  readonly title: Located<string> | null;
  readonly preamble: { readonly paragraphs: Located<string>[]; readonly bullets: Located<string>[] };
  readonly sections: BodySection[];
  readonly quotes: BodyQuote[];
}

type Block =
  | { readonly kind: 'heading'; readonly level: number; readonly text: Located<string> }
  | { readonly kind: 'paragraph'; readonly text: Located<string> }
  | { readonly kind: 'bullet'; readonly text: Located<string> }
  | { readonly kind: 'quote'; readonly lines: readonly string[]; readonly at: SourcePosition };

const FENCE = /^---[ \t]*$/;
const FENCE_END = /^(?:---|\.\.\.)[ \t]*$/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(\S.*)$/;
const QUOTE_LINE = /^ {0,3}>[ ]?(.*)$/;
const BULLET = /^ {0,3}[-*+][ \t]+(.*)$/;
const THEMATIC_BREAK = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
/** Numbered items keep their number: each is a paragraph of its own. */
const ORDERED_ITEM = /^ {0,3}\d{1,9}[.)][ \t]+\S/;
const SPEAKER_LINE = /^(?:—|–|―|--)\s*(\S.*)$/;

export function parseMarkdown(text: string, file: string, limits: InputLimits): ParsedDocument {
  const locator = new TextLocator(text);
  const { frontMatter, bodyStart } = readFrontMatter(text, file, limits, locator);
  const body = readBody(text.slice(bodyStart), locator.at(bodyStart).line);
  const { data, positions } = merge(frontMatter, body, file);
  return { file, format: 'markdown', data, positions };
}

function readFrontMatter(text: string, file: string, limits: InputLimits, locator: TextLocator): { frontMatter: DataReading; bodyStart: number } {
  const firstLineEnd = text.indexOf('\n');
  if (!FENCE.test(text.slice(0, firstLineEnd < 0 ? text.length : firstLineEnd))) {
    return { frontMatter: { data: {}, positions: new Map() }, bodyStart: 0 };
  }
  for (let lineStart = firstLineEnd + 1; firstLineEnd >= 0 && lineStart <= text.length; ) {
    const lineEnd = text.indexOf('\n', lineStart);
    const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    if (FENCE_END.test(line)) {
      // The opening `---` is also YAML's document start, so the YAML reader sees the file's own offsets.
      const reading = readYaml(text.slice(0, lineStart), file, limits);
      const frontMatter = reading.data === null ? { data: {}, positions: reading.positions } : requireMapping(reading, file, 'front matter');
      return { frontMatter, bodyStart: lineEnd < 0 ? text.length : lineEnd + 1 };
    }
    if (lineEnd < 0) break;
    lineStart = lineEnd + 1;
  }
  throw new DocumentSyntaxError(file, [
    {
      ...locator.at(0),
      message: 'the front matter opened by `---` on line 1 is never closed',
      expected: 'a line `---` after the metadata fields, before the Markdown text',
    },
  ]);
}

function readBody(text: string, firstLine: number): Body {
  const blocks = readBlocks(text, firstLine);
  const body: Body = { title: null, preamble: { paragraphs: [], bullets: [] }, sections: [], quotes: [] };
  let title: Located<string> | null = null;
  for (const block of blocks) {
    const section = body.sections[body.sections.length - 1];
    switch (block.kind) {
      case 'heading':
        if (block.level === 1 && title === null && section === undefined) title = block.text;
        else if (block.level <= 2) body.sections.push({ heading: block.text, body: [], bullets: [] });
        else (section?.body ?? body.preamble.paragraphs).push({ value: `**${block.text.value}**`, at: block.text.at });
        break;
      case 'paragraph':
        (section?.body ?? body.preamble.paragraphs).push(block.text);
        break;
      case 'bullet':
        (section?.bullets ?? body.preamble.bullets).push(block.text);
        break;
      case 'quote':
        body.quotes.push(quoteOf(block.lines, block.at));
        break;
      default: {
        const unexpected: never = block;
        throw new Error(`unknown Markdown block ${JSON.stringify(unexpected)}`);
      }
    }
  }
  return { ...body, title };
}

function quoteOf(lines: readonly string[], at: SourcePosition): BodyQuote {
  const last = lines[lines.length - 1] ?? '';
  const speakerLine = lines.length > 1 ? SPEAKER_LINE.exec(last.trim()) : null;
  const textLines = speakerLine ? lines.slice(0, -1) : lines;
  const text = { value: joinLines(textLines), at };
  if (!speakerLine) return { text };
  const attribution = speakerLine[1] as string;
  const comma = attribution.indexOf(', ');
  return comma < 0
    ? { text, speaker: attribution.trim() }
    : { text, speaker: attribution.slice(0, comma).trim(), context: attribution.slice(comma + 2).trim() };
}

/** `## Heading ##` → `Heading`; `C#` stays. By hand: the obvious regular expression backtracks on long lines. */
function withoutClosingHashes(text: string): string {
  const trimmed = text.trimEnd();
  let cut = trimmed.length;
  while (cut > 0 && trimmed[cut - 1] === '#') cut -= 1;
  if (cut === trimmed.length || cut === 0 || !/[ \t]/.test(trimmed[cut - 1] as string)) return trimmed;
  return trimmed.slice(0, cut).trimEnd();
}

function joinLines(lines: readonly string[]): string {
  return lines.map((line) => line.trim()).filter((line) => line !== '').join(' ');
}

/** Lines to blocks: paragraphs end at a blank line or where another kind of block starts. */
function readBlocks(text: string, firstLine: number): Block[] {
  const blocks: Block[] = [];
  let open: { kind: 'paragraph' | 'bullet' | 'quote'; lines: string[]; at: SourcePosition } | null = null;
  const close = (): void => {
    if (open === null) return;
    if (open.kind === 'quote') blocks.push({ kind: 'quote', lines: open.lines, at: open.at });
    else blocks.push({ kind: open.kind, text: { value: joinLines(open.lines), at: open.at } });
    open = null;
  };
  text.split('\n').forEach((line, index) => {
    const lineNumber = firstLine + index;
    const at = (content: string): SourcePosition => ({ line: lineNumber, column: Math.max(1, line.indexOf(content) + 1) });
    const heading = HEADING.exec(line);
    const quote = QUOTE_LINE.exec(line);
    const bullet = BULLET.exec(line);
    if (line.trim() === '') {
      // A blank line ends a quote only if the next line is not `>` again; `>` alone keeps it open.
      close();
    } else if (quote) {
      if (open?.kind !== 'quote') {
        close();
        open = { kind: 'quote', lines: [], at: at(quote[1] ?? '') };
      }
      open.lines.push(quote[1] ?? '');
    } else if (THEMATIC_BREAK.test(line)) {
      close();
    } else if (heading) {
      close();
      const text = heading[2] as string;
      blocks.push({ kind: 'heading', level: (heading[1] as string).length, text: { value: withoutClosingHashes(text), at: at(text) } });
    } else if (bullet) {
      close();
      open = { kind: 'bullet', lines: [bullet[1] as string], at: at(bullet[1] as string) };
    } else if (open !== null && open.kind !== 'quote' && !ORDERED_ITEM.test(line)) {
      // Continuation lines, indented or not ("lazy"), belong to the paragraph or item above.
      open.lines.push(line);
    } else {
      close();
      open = { kind: 'paragraph', lines: [line], at: at(line.trim()) };
    }
  });
  close();
  return blocks;
}

/** The front matter's fields, completed and extended by what the body says. */
function merge(frontMatter: DataReading, body: Body, file: string): DataReading {
  const fields = frontMatter.data as Record<string, unknown>;
  const positions = new Map(frontMatter.positions);
  const data: Record<string, unknown> = { ...fields };
  const place = (path: string, at: SourcePosition): void => {
    positions.set(path, at);
  };

  if (body.title && fields.title === undefined) {
    data.title = body.title.value;
    place('title', body.title.at);
  } else if (body.title && body.title.value !== fields.title) {
    throw new DocumentSyntaxError(file, [
      {
        ...body.title.at,
        message: 'the `# heading` and the front matter\'s `title:` give two different titles',
        expected: 'one title: remove the `# heading` or the `title:` field',
      },
    ]);
  }

  const { paragraphs, bullets } = body.preamble;
  if (paragraphs.length > 0) {
    if (fields.summary !== undefined) throw misplaced(file, paragraphs[0] as Located<string>, 'text', 'summary');
    data.summary = paragraphs.map((paragraph) => paragraph.value).join('\n\n');
    place('summary', (paragraphs[0] as Located<string>).at);
  }
  if (bullets.length > 0) {
    if (fields.key_points !== undefined) throw misplaced(file, bullets[0] as Located<string>, 'a list', 'key_points');
    data.key_points = bullets.map((bullet) => bullet.value);
    bullets.forEach((bullet, index) => place(`key_points[${index}]`, bullet.at));
  }

  if (body.sections.length > 0) {
    const before: readonly unknown[] | null = Array.isArray(fields.sections) ? fields.sections : fields.sections === undefined ? [] : null;
    // A front-matter `sections` that is not a list is left as it is for validation to report.
    if (before !== null) {
      data.sections = [
        ...before,
        ...body.sections.map((section) => ({
          heading: section.heading.value,
          ...(section.body.length > 0 ? { body: section.body.map((paragraph) => paragraph.value) } : {}),
          ...(section.bullets.length > 0 ? { bullets: section.bullets.map((bullet) => bullet.value) } : {}),
        })),
      ];
      body.sections.forEach((section, offset) => {
        const path = `sections[${before.length + offset}]`;
        place(path, section.heading.at);
        place(`${path}.heading`, section.heading.at);
        section.body.forEach((paragraph, index) => place(`${path}.body[${index}]`, paragraph.at));
        section.bullets.forEach((bullet, index) => place(`${path}.bullets[${index}]`, bullet.at));
      });
    }
  }

  if (body.quotes.length > 0) {
    const before: readonly unknown[] | null = Array.isArray(fields.quotes) ? fields.quotes : fields.quotes === undefined ? [] : null;
    if (before !== null) {
      data.quotes = [
        ...before,
        ...body.quotes.map((quote) => ({
          text: quote.text.value,
          ...(quote.speaker === undefined ? {} : { speaker: quote.speaker }),
          ...(quote.context === undefined ? {} : { context: quote.context }),
        })),
      ];
      body.quotes.forEach((quote, offset) => {
        place(`quotes[${before.length + offset}]`, quote.text.at);
        place(`quotes[${before.length + offset}].text`, quote.text.at);
      });
    }
  }
  return { data, positions };
}

function misplaced(file: string, first: Located<string>, what: string, field: string): DocumentSyntaxError {
  return new DocumentSyntaxError(file, [
    {
      ...first.at,
      message: `${what} before the first \`## heading\` would be the ${field}, but the front matter already has \`${field}:\``,
      expected: `this under a \`## heading\`, or no \`${field}:\` in the front matter`,
    },
  ]);
}
