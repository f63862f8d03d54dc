/**
 * Markdown documents: YAML front matter between `---` lines holds the metadata; the body is the
 * narrative, read by a CommonMark parser (../commonmark.ts) and mapped onto the event document.
 * The rules beyond the content format are in docs/input-limits.md ("Markdown"):
 * - `## Heading` (or a setext `---` heading) starts a section; bullet items are its bullets,
 *   everything else its paragraphs (numbered items each a paragraph, number kept); `###` and deeper
 *   print as a bold paragraph; a list nested in a bullet item gives that bullet its sub-bullets
 *   (`{ text, bullets }`), while inside numbered items and quotes it follows its parent, led by "– ".
 * - A block quote is a quote; a last line `— Speaker[, context]` names who said it.
 * - Code blocks print as typed, one paragraph each.
 * - Before the first section: a `#` heading is the title (the front matter's, if any, must say the
 *   same); paragraphs are the summary and bullet items the key points, unless the front matter
 *   already has them, which is an error rather than a guess. Later `#` headings start sections.
 * Inline `**bold**`, `*italic*`, `[text](url)` and `\*` escapes are the content format's own: the
 * strings keep them for the template stage, which reads them with the same parser.
 */
import type { Token } from 'markdown-it';
import { commonMark, MAX_NESTING } from '../commonmark';
import { DocumentSyntaxError } from '../errors';
import type { ParsedDocument, SourcePosition } from '../types';
import type { InputLimits } from '../limits';
import { TextLocator } from '../locator';
import { type DataReading, readYaml, requireMapping } from './yaml';

interface Located<T> {
  readonly value: T;
  readonly at: SourcePosition;
}

/** A bullet item with the items of the lists nested in it. */
interface Bullet extends Located<string> {
  readonly bullets: readonly Bullet[];
}

interface BodySection {
  readonly heading: Located<string>;
  readonly body: Located<string>[];
  readonly bullets: Bullet[];
}

interface BodyQuote {
  readonly text: Located<string>;
  readonly speaker?: string;
  readonly context?: string;
}

/** What the Markdown body says, before it is merged with the front matter. */
interface Body {
  readonly title: Located<string> | null;
  readonly preamble: { readonly paragraphs: Located<string>[]; readonly bullets: Bullet[] };
  readonly sections: BodySection[];
  readonly quotes: BodyQuote[];
}

type Block =
  | { readonly kind: 'heading'; readonly level: number; readonly text: Located<string> }
  | { readonly kind: 'paragraph'; readonly text: Located<string> }
  | { readonly kind: 'bullet'; readonly bullet: Bullet }
  | { readonly kind: 'quote'; readonly lines: readonly string[]; readonly at: SourcePosition };

/** A block token with what it contains: markdown-it's flat stream, nested. */
interface Node {
  readonly token: Token;
  readonly children: Node[];
}

const FENCE = /^---[ \t]*$/;
const FENCE_END = /^(?:---|\.\.\.)[ \t]*$/;
/** An odd number of backslashes ends the line: the last one is a hard break, not text. */
const HARD_BREAK = /(?<!\\)((?:\\\\)*)\\$/;
const SPEAKER_LINE = /^(?:—|–|―|--)\s*(\S.*)$/;
/** Backslashes before what would otherwise be emphasis or a link, so code prints as typed. */
const INLINE_MARKUP = /[\\*[\]]/g;

export function parseMarkdown(text: string, file: string, limits: InputLimits): ParsedDocument {
  const locator = new TextLocator(text);
  const { frontMatter, bodyStart } = readFrontMatter(text, file, limits, locator);
  const body = readBody(readBlocks(text, bodyStart, file, locator));
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

function readBody(blocks: readonly Block[]): Body {
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
        (section?.bullets ?? body.preamble.bullets).push(block.bullet);
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

/** A paragraph's lines as one: a line break is a space, and so is CommonMark's hard break `\\`. */
function joinLines(lines: readonly string[]): string {
  return lines
    .map((line) => line.trim().replace(HARD_BREAK, '$1'))
    .filter((line) => line !== '')
    .join(' ');
}

/** The body's blocks in the order of the file, each placed where its text starts. */
function readBlocks(text: string, bodyStart: number, file: string, locator: TextLocator): Block[] {
  const body = text.slice(bodyStart);
  const lineStarts = [0];
  for (let index = body.indexOf('\n'); index >= 0; index = body.indexOf('\n', index + 1)) lineStarts.push(index + 1);
  /** The parser gives lines; the column is where the text's first characters stand on that line. */
  const at = (token: Token, content: string): SourcePosition => {
    const line = token.map?.[0] ?? 0;
    const lineStart = lineStarts[line] ?? 0;
    const lineText = body.slice(lineStart, lineStarts[line + 1] ?? body.length);
    const found = lineText.indexOf((content.split('\n')[0] ?? '').slice(0, 40));
    const column = found >= 0 && content !== '' ? found : lineText.length - lineText.trimStart().length;
    return locator.at(bodyStart + lineStart + column);
  };

  const tokens = commonMark(body).parse(body, {});
  const tooDeep = tokens.find((token) => token.nesting === 1 && token.level >= MAX_NESTING - 1);
  if (tooDeep) {
    throw new DocumentSyntaxError(file, [
      { ...at(tooDeep, ''), message: `quotes and lists are nested more than ${MAX_NESTING - 1} levels deep here`, expected: 'fewer levels of `>` and indented lists' },
    ]);
  }

  const blocks: Block[] = [];
  for (const node of treeOf(tokens)) {
    const { token } = node;
    switch (token.type) {
      case 'heading_open': {
        const inline = node.children[0]?.token;
        if (inline) blocks.push({ kind: 'heading', level: Number(token.tag.slice(1)), text: { value: inline.content, at: at(inline, inline.content) } });
        break;
      }
      case 'bullet_list_open':
        for (const bullet of bulletsOf(node, at)) blocks.push({ kind: 'bullet', bullet });
        break;
      case 'ordered_list_open':
        for (const item of itemsOf(node, 0, at)) blocks.push({ kind: 'paragraph', text: item });
        break;
      case 'blockquote_open': {
        const lines = textsIn(node.children, at).flatMap((piece) => piece.value.split('\n'));
        const first = firstInline(node);
        blocks.push({ kind: 'quote', lines, at: first ? at(first, first.content) : at(token, '') });
        break;
      }
      case 'hr':
        break;
      default:
        // Paragraphs, code blocks: text.
        for (const piece of textsIn([node], at)) blocks.push({ kind: 'paragraph', text: { value: joinLines(piece.value.split('\n')), at: piece.at } });
    }
  }
  return blocks;
}

function treeOf(tokens: readonly Token[]): Node[] {
  const root: Node[] = [];
  const open: Node[] = [];
  for (const token of tokens) {
    if (token.nesting === -1) {
      open.pop();
      continue;
    }
    const node: Node = { token, children: [] };
    (open[open.length - 1]?.children ?? root).push(node);
    if (token.nesting === 1) open.push(node);
  }
  return root;
}

type Place = (token: Token, content: string) => SourcePosition;

/** The text of every block in `nodes`, in order: paragraphs and headings as written, code escaped. */
function textsIn(nodes: readonly Node[], at: Place): Located<string>[] {
  return nodes.flatMap((node): Located<string>[] => {
    const { token } = node;
    switch (token.type) {
      case 'inline':
        return [{ value: token.content, at: at(token, token.content) }];
      case 'fence':
      case 'code_block': {
        const value = token.content.replace(INLINE_MARKUP, '\\$&').trimEnd();
        return value === '' ? [] : [{ value, at: at(token, token.content) }];
      }
      case 'bullet_list_open':
      case 'ordered_list_open':
        return itemsOf(node, 0, at);
      default:
        return textsIn(node.children, at);
    }
  });
}

/**
 * A list's items, each one text: its paragraphs joined, a number kept ("2. …"). The content format's
 * lists have one level, so a nested item follows its parent, led by one "– " per level.
 */
function itemsOf(list: Node, depth: number, at: Place): Located<string>[] {
  const ordered = list.token.type === 'ordered_list_open';
  return list.children.flatMap((item) => {
    const pieces = textsIn(item.children.filter((child) => !isList(child)), at);
    const nested = item.children.filter(isList).flatMap((child) => itemsOf(child, depth + 1, at));
    const first = pieces[0];
    if (first === undefined) return nested;
    const number = ordered ? `${item.token.info}${item.token.markup} ` : '';
    const value = `${'– '.repeat(depth)}${number}${joinLines(pieces.flatMap((piece) => piece.value.split('\n')))}`;
    return [{ value, at: first.at }, ...nested];
  });
}

/**
 * A bullet list's items, each with the items of the lists nested in it as its sub-bullets (a
 * nested numbered item keeps its number). An item with no text of its own (`- ` then a nested
 * list) gives its place to its sub-bullets.
 */
function bulletsOf(list: Node, at: Place): Bullet[] {
  const ordered = list.token.type === 'ordered_list_open';
  return list.children.flatMap((item): Bullet[] => {
    const own = item.children.filter((child) => !isList(child));
    const pieces = textsIn(own, at);
    const nested = item.children.filter(isList).flatMap((child) => bulletsOf(child, at));
    const first = pieces[0];
    if (first === undefined) return nested;
    const number = ordered ? `${item.token.info}${item.token.markup} ` : '';
    return [{ value: `${number}${joinLines(pieces.flatMap((piece) => piece.value.split('\n')))}`, at: first.at, bullets: nested }];
  });
}

function isList(node: Node): boolean {
  return node.token.type === 'bullet_list_open' || node.token.type === 'ordered_list_open';
}

function firstInline(node: Node): Token | undefined {
  for (const child of node.children) {
    const found = child.token.type === 'inline' ? child.token : firstInline(child);
    if (found) return found;
  }
  return undefined;
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
    if (fields.key_points !== undefined) throw misplaced(file, bullets[0] as Bullet, 'a list', 'key_points');
    data.key_points = bullets.map(bulletData);
    placeBullets('key_points', bullets, place);
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
          ...(section.bullets.length > 0 ? { bullets: section.bullets.map(bulletData) } : {}),
        })),
      ];
      body.sections.forEach((section, offset) => {
        const path = `sections[${before.length + offset}]`;
        place(path, section.heading.at);
        place(`${path}.heading`, section.heading.at);
        section.body.forEach((paragraph, index) => place(`${path}.body[${index}]`, paragraph.at));
        placeBullets(`${path}.bullets`, section.bullets, place);
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

/** A bullet as the content format writes it: its text, or `{ text, bullets }` when it has sub-bullets. */
function bulletData(bullet: Bullet): string | { text: string; bullets: unknown[] } {
  return bullet.bullets.length === 0 ? bullet.value : { text: bullet.value, bullets: bullet.bullets.map(bulletData) };
}

function placeBullets(path: string, bullets: readonly Bullet[], place: (path: string, at: SourcePosition) => void): void {
  bullets.forEach((bullet, index) => {
    const itemPath = `${path}[${index}]`;
    place(itemPath, bullet.at);
    if (bullet.bullets.length === 0) return;
    place(`${itemPath}.text`, bullet.at);
    placeBullets(`${itemPath}.bullets`, bullet.bullets, place);
  });
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
