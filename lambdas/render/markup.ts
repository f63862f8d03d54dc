/**
 * markup: the filled template (an XML dialect, see docs/templates.md) → MarkupDocument.
 *
 * Strict on purpose: the markup is written by template designers, so an unknown element or
 * attribute, an element in the wrong place or a bad attribute value is a template bug, reported
 * with its line and column in the filled markup, the element path and a snippet to search the
 * template for. Content cannot cause these errors: the template stage escapes it.
 */
import { SaxesParser } from 'saxes';
import { TemplateError, templateProblemsError, type Problem } from './errors';
import { TextLocator } from './locator';
import type {
  BoxStyle,
  FilledTemplate,
  Furniture,
  FurnitureRun,
  ListLevel,
  MarkupBlock,
  MarkupDocument,
  MarkupMeta,
  ParagraphStyle,
  SourcePosition,
  TextRun,
} from './types';

interface XmlElement {
  readonly kind: 'element';
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlNode[];
  /** Index of the `<` in the markup. */
  readonly offset: number;
}
interface XmlText {
  readonly kind: 'text';
  readonly text: string;
  readonly offset: number;
}
type XmlNode = XmlElement | XmlText;

const paragraphStyles: readonly ParagraphStyle[] = ['body', 'kicker', 'standfirst', 'meta', 'small'];
const LIST_LEVELS = ['0', '1', '2'] as const;
const boxStyles: readonly BoxStyle[] = ['summary', 'note'];
const blockElements = ['h1', 'h2', 'h3', 'p', 'list', 'quote', 'box', 'grid', 'table', 'figure', 'chart', 'qr'] as const;
const inlineElements = ['b', 'i', 'a', 'span', 'br'] as const;
const pageFields = new Map<string, FurnitureRun>([
  ['page-number', { kind: 'page-number' }],
  ['page-count', { kind: 'page-count' }],
]);
const noFields = new Map<string, never>();
/** Every element of the dialect, to tell a misspelt element from one in the wrong place. */
const dialectElements = new Set<string>([
  'factsheet', 'meta', 'title', 'author', 'subject', 'keyword', 'header', 'footer', 'left', 'center', 'right', 'body',
  'item', 'cite', 'fact', 'label', 'value', 'head', 'row', 'cell', 'caption', 'credit', 'series', ...blockElements, ...inlineElements, ...pageFields.keys(),
]);
const factsheetParts = ['meta', 'header', 'footer', 'body'] as const;
const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);
/** XML whitespace; U+00A0 and U+202F are content and survive. */
const XML_WHITESPACE = /[ \t\r\n]+/g;
const MAX_GRID_COLUMNS = 4;
const MAX_TABLE_COLUMNS = 10;

interface RunStyle {
  readonly bold: boolean;
  readonly italic: boolean;
  readonly href: string | null;
  /** The language of a `<span lang>`; null: the document's. */
  readonly lang: string | null;
}
const plainStyle: RunStyle = { bold: false, italic: false, href: null, lang: null };

type InlinePiece<F> = { readonly kind: 'text'; readonly text: string; readonly style: RunStyle } | { readonly kind: 'break'; readonly style: RunStyle } | { readonly kind: 'field'; readonly field: F };

const list = (names: Iterable<string>): string => [...names].map((name) => `<${name}>`).join(', ');

/** Where things are in the filled markup, for messages. */
class MarkupSource {
  /** Built for the first message: a render without one never scans the markup for its lines. */
  private locator: TextLocator | undefined;

  constructor(
    readonly name: string,
    readonly markup: string,
  ) {}

  locate(offset: number): SourcePosition {
    return this.lines().at(offset);
  }

  /** The markup around `offset` on its line, to search the template for. */
  snippet(offset: number): string {
    const { text: line, offsetInLine } = this.lines().lineAround(offset);
    const text = line.replace(/\s+$/, '');
    const from = Math.max(0, offsetInLine - 30);
    const to = Math.min(text.length, offsetInLine + 50);
    return `${from > 0 ? '…' : ''}${text.slice(from, to).trim()}${to < text.length ? '…' : ''}`;
  }

  error(offset: number, message: string, cause?: unknown): TemplateError {
    return new TemplateError(this.name, `${message}, near: ${this.snippet(offset)}`, { ...this.locate(offset), cause });
  }

  private lines(): TextLocator {
    this.locator ??= new TextLocator(this.markup);
    return this.locator;
  }
}

/** Well-formed XML into a small tree; the first well-formedness error stops everything. */
function parseXml(source: MarkupSource): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const documentNode: XmlElement = { kind: 'element', name: '#document', attributes: {}, children: [], offset: 0 };
  const open: XmlElement[] = [documentNode];
  const current = (): XmlElement => open[open.length - 1] ?? documentNode;
  let tagOffset = 0;
  let textOffset = 0;
  let lastClosed: XmlElement | null = null;

  parser.on('error', (error) => {
    const reason = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    const offset = Math.max(0, parser.position - 1);
    const closingOffset = source.markup.lastIndexOf('</', offset);
    const closing = /<\/([^\s>]*)/.exec(source.markup.slice(closingOffset))?.[1] ?? '';
    if (reason === 'unexpected close tag' && lastClosed !== null) {
      const opened = source.locate(lastClosed.offset);
      throw source.error(closingOffset, `</${closing}> comes while <${lastClosed.name}> (opened at ${opened.line}:${opened.column}) is still open`, error);
    }
    if (reason.startsWith('unclosed tag')) {
      throw source.error(current().offset, `<${current().name}> is never closed`, error);
    }
    if (reason.startsWith('unmatched closing tag')) {
      throw source.error(closingOffset, `</${closing}> closes an element that is not open`, error);
    }
    if (reason === 'undefined entity') {
      throw source.error(offset, 'unknown entity: XML only knows &amp; &lt; &gt; &quot; &apos; and numeric ones such as &#xA0; (or type the character itself)', error);
    }
    throw source.error(offset, `not well-formed XML: ${reason}`, error);
  });
  const refuse = (what: string) => (): never => {
    throw source.error(Math.max(0, parser.position - 1), `${what} is not part of the dialect`);
  };
  parser.on('doctype', refuse('a DOCTYPE'));
  parser.on('processinginstruction', refuse('a processing instruction'));
  parser.on('opentagstart', (tag) => {
    // The parser stands past the name and the character that ended it.
    tagOffset = parser.position - tag.name.length - 2;
  });
  parser.on('opentag', (tag) => {
    const element: XmlElement = { kind: 'element', name: tag.name, attributes: tag.attributes, children: [], offset: tagOffset };
    current().children.push(element);
    open.push(element);
    textOffset = parser.position;
  });
  parser.on('closetag', () => {
    lastClosed = open.pop() ?? null;
    textOffset = parser.position;
  });
  const addText = (text: string): void => {
    current().children.push({ kind: 'text', text, offset: textOffset });
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('comment', () => {
    textOffset = parser.position;
  });
  parser.write(source.markup).close();

  const root = documentNode.children.find((node): node is XmlElement => node.kind === 'element');
  if (root === undefined) throw source.error(0, 'the markup has no <factsheet> element');
  return root;
}

/** Turns the tree into a MarkupDocument, collecting every dialect problem before reporting. */
class DialectReader {
  readonly problems: Problem[] = [];

  constructor(private readonly source: MarkupSource) {}

  private problem(node: XmlNode, path: string, message: string, expected?: string): void {
    this.problems.push({
      path,
      ...this.source.locate(node.offset),
      message: `${message}, near: ${this.source.snippet(node.offset)}`,
      ...(expected === undefined ? {} : { expected }),
    });
  }

  private misplaced(node: XmlElement, path: string, allowed: Iterable<string>): void {
    const what = dialectElements.has(node.name) ? `<${node.name}> is not allowed here` : `unknown element <${node.name}>`;
    this.problem(node, path, what, `one of ${list(allowed)}`);
  }

  /** The attributes of an element, with the ones it does not take reported. */
  private attributes(node: XmlElement, path: string, allowed: readonly string[]): ReadonlyMap<string, string> {
    const found = new Map<string, string>();
    for (const [name, value] of Object.entries(node.attributes)) {
      if (allowed.includes(name)) found.set(name, value);
      else this.problem(node, path, `<${node.name}> has no attribute "${name}"`, allowed.length === 0 ? 'no attributes' : `one of ${allowed.join(', ')}`);
    }
    return found;
  }

  private choice<T extends string>(node: XmlElement, path: string, attribute: string, value: string | undefined, options: readonly T[], fallback: T): T {
    if (value === undefined) return fallback;
    const chosen = options.find((option) => option === value);
    if (chosen !== undefined) return chosen;
    this.problem(node, path, `${attribute}="${value}" is not a ${attribute} of <${node.name}>`, options.join(', '));
    return fallback;
  }

  /** Child elements; text other than whitespace between them is a problem. */
  private elements(node: XmlElement, path: string): XmlElement[] {
    return node.children.filter((child): child is XmlElement => {
      if (child.kind === 'element') return true;
      if (child.text.replace(XML_WHITESPACE, '') !== '') {
        this.problem(child, path, `text directly inside <${node.name}>`, 'text only inside paragraphs, headings, items, cells and the other text elements');
      }
      return false;
    });
  }

  private empty(node: XmlElement, path: string): void {
    if (node.children.length > 0) this.problem(node, path, `<${node.name}/> must be empty`);
  }

  /**
   * Depth first with a stack of its own rather than by recursion: content's emphasis can nest
   * thousands deep (`***a` runs, `*a *a …`), more than the call stack holds.
   */
  private inlinePieces<F>(node: XmlElement, path: string, style: RunStyle, fields: ReadonlyMap<string, F>): InlinePiece<F>[] {
    const pieces: InlinePiece<F>[] = [];
    const open: { readonly children: readonly XmlNode[]; next: number; readonly path: string; readonly style: RunStyle }[] = [
      { children: node.children, next: 0, path, style },
    ];
    for (let frame = open.at(-1); frame !== undefined; frame = open.at(-1)) {
      const child = frame.children[frame.next];
      frame.next += 1;
      if (child === undefined) {
        open.pop();
        continue;
      }
      if (child.kind === 'text') {
        pieces.push({ kind: 'text', text: child.text, style: frame.style });
        continue;
      }
      const childPath = `${frame.path}/${child.name}`;
      const enter = (inner: RunStyle): void => {
        open.push({ children: child.children, next: 0, path: childPath, style: inner });
      };
      const field = fields.get(child.name);
      if (field !== undefined) {
        this.attributes(child, childPath, []);
        this.empty(child, childPath);
        pieces.push({ kind: 'field', field });
        continue;
      }
      switch (child.name) {
        case 'b':
          this.attributes(child, childPath, []);
          enter({ ...frame.style, bold: true });
          break;
        case 'i':
          this.attributes(child, childPath, []);
          enter({ ...frame.style, italic: true });
          break;
        case 'a': {
          const href = this.href(child, childPath, this.attributes(child, childPath, ['href']).get('href'));
          // Nested links: the innermost wins, as content may hold a link inside a linked source name.
          enter({ ...frame.style, href: href ?? frame.style.href });
          break;
        }
        case 'span': {
          const lang = this.lang(child, childPath, this.attributes(child, childPath, ['lang']).get('lang'));
          enter({ ...frame.style, lang: lang ?? frame.style.lang });
          break;
        }
        case 'br':
          this.attributes(child, childPath, []);
          this.empty(child, childPath);
          pieces.push({ kind: 'break', style: frame.style });
          break;
        default:
          this.misplaced(child, childPath, [...inlineElements, ...fields.keys()]);
      }
    }
    return pieces;
  }

  private href(node: XmlElement, path: string, value: string | undefined): string | null {
    if (value === undefined) {
      this.problem(node, path, '<a> needs an href', 'href="https://…"');
      return null;
    }
    if (URL.canParse(value) && LINK_PROTOCOLS.has(new URL(value).protocol)) return value;
    this.problem(node, path, `href="${value}" is not a link a PDF reader may open`, 'an http, https or mailto URL');
    return null;
  }

  /**
   * The text of an element as runs, whitespace collapsed as in HTML: runs of spaces, tabs and
   * newlines become one space, none at the start, the end or around a `<br/>` (a forced `\n`).
   */
  inline<F>(node: XmlElement, path: string, fields: ReadonlyMap<string, F>): (TextRun | F)[] {
    const runs: (TextRun | F)[] = [];
    const emit = (text: string, style: RunStyle): void => {
      const last = runs[runs.length - 1];
      if (isTextRun(last) && last.bold === style.bold && last.italic === style.italic && last.href === style.href && (last.lang ?? null) === style.lang) {
        runs[runs.length - 1] = { ...last, text: last.text + text };
      } else {
        runs.push({ kind: 'text', text, bold: style.bold, italic: style.italic, href: style.href, ...(style.lang === null ? {} : { lang: style.lang }) });
      }
    };
    let lineStart = true;
    let pendingSpace: RunStyle | null = null;
    const content = (): void => {
      if (pendingSpace !== null) emit(' ', pendingSpace);
      pendingSpace = null;
      lineStart = false;
    };
    for (const piece of this.inlinePieces(node, path, plainStyle, fields)) {
      switch (piece.kind) {
        case 'text': {
          const collapsed = piece.text.replace(XML_WHITESPACE, ' ');
          const words = collapsed.replace(/^ | $/g, '');
          if (collapsed.startsWith(' ') && !lineStart) pendingSpace ??= piece.style;
          if (words !== '') {
            content();
            emit(words, piece.style);
            if (collapsed.endsWith(' ')) pendingSpace = piece.style;
          }
          break;
        }
        case 'break':
          pendingSpace = null;
          emit('\n', piece.style);
          lineStart = true;
          break;
        case 'field':
          content();
          runs.push(piece.field);
          break;
        default: {
          const unexpected: never = piece;
          throw new Error(`unknown inline piece ${JSON.stringify(unexpected)}`);
        }
      }
    }
    return runs;
  }

  /** Text for PDF metadata: emphasis and links dropped, breaks as spaces. */
  private plainText(node: XmlElement, path: string): string {
    return this.inline(node, path, noFields)
      .map((run) => run.text)
      .join('')
      .replaceAll('\n', ' ');
  }

  private positiveInteger(node: XmlElement, path: string, attribute: string, value: string, maximum?: number): number | null {
    const number = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (number >= 1 && number <= (maximum ?? Number.MAX_SAFE_INTEGER)) return number;
    const range = maximum === undefined ? 'of at least 1' : `from 1 to ${maximum}`;
    this.problem(node, path, `${attribute}="${value}" is not a whole number ${range}`);
    return null;
  }

  document(root: XmlElement): MarkupDocument | null {
    const path = root.name;
    if (root.name !== 'factsheet') {
      this.problem(root, path, `the markup must start with <factsheet>, not <${root.name}>`);
      return null;
    }
    const attributes = this.attributes(root, path, ['lang', 'max-pages']);
    const lang = this.lang(root, path, attributes.get('lang'));
    const maxPagesText = attributes.get('max-pages');
    const maxPages = maxPagesText === undefined ? null : this.positiveInteger(root, path, 'max-pages', maxPagesText);

    const parts = new Map<string, XmlElement>();
    let lastPart = -1;
    for (const child of this.elements(root, path)) {
      const index = factsheetParts.findIndex((part) => part === child.name);
      if (index === -1) this.misplaced(child, `${path}/${child.name}`, factsheetParts);
      else if (index <= lastPart) {
        this.problem(child, `${path}/${child.name}`, `<${child.name}> is repeated or out of order`, `${list(factsheetParts)} once each, in this order (header and footer optional)`);
      } else {
        parts.set(child.name, child);
        lastPart = index;
      }
    }
    const metaNode = parts.get('meta');
    const bodyNode = parts.get('body');
    for (const [part, node] of [['meta', metaNode], ['body', bodyNode]] as const) {
      if (node === undefined) this.problem(root, path, `<factsheet> has no <${part}>`);
    }
    const headerNode = parts.get('header');
    const footerNode = parts.get('footer');
    const meta = metaNode === undefined ? null : this.meta(metaNode, `${path}/meta`);
    const header = headerNode === undefined ? null : this.furniture(headerNode, `${path}/header`);
    const footer = footerNode === undefined ? null : this.furniture(footerNode, `${path}/footer`);
    if (bodyNode !== undefined) this.attributes(bodyNode, `${path}/body`, []);
    const body = bodyNode === undefined ? [] : this.blocks(bodyNode, `${path}/body`, false);
    if (meta === null || lang === null) return null;
    return { meta: { ...meta, lang, maxPages }, header, footer, body };
  }

  private lang(node: XmlElement, path: string, value: string | undefined): string | null {
    if (value === undefined) {
      this.problem(node, path, `<${node.name}> needs a lang`, node.name === 'factsheet' ? 'lang="{{@lang}}"' : 'lang="fr", a BCP 47 tag');
      return null;
    }
    try {
      const [canonical] = Intl.getCanonicalLocales(value);
      if (canonical !== undefined) return canonical;
    } catch {
      // reported below
    }
    this.problem(node, path, `lang="${value}" is not a language tag`, 'a BCP 47 tag such as fr, en-GB, uk');
    return null;
  }

  private meta(node: XmlElement, path: string): Omit<MarkupMeta, 'lang' | 'maxPages'> | null {
    this.attributes(node, path, []);
    const single = new Map<string, string>();
    const keywords: string[] = [];
    const allowed = ['title', 'author', 'subject', 'keyword'];
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      if (!allowed.includes(child.name)) {
        this.misplaced(child, childPath, allowed);
        continue;
      }
      this.attributes(child, childPath, []);
      const text = this.plainText(child, childPath);
      if (child.name === 'keyword') {
        if (text !== '') keywords.push(text);
      } else if (single.has(child.name)) {
        this.problem(child, childPath, `<${child.name}> is repeated`, 'at most one');
      } else {
        single.set(child.name, text);
      }
    }
    const title = single.get('title') ?? '';
    if (title === '') {
      this.problem(node, path, '<meta> needs a non-empty <title>', '<title>{{inline title}}</title>');
      return null;
    }
    return { title, author: single.get('author') ?? '', subject: single.get('subject') ?? '', keywords };
  }

  private furniture(node: XmlElement, path: string): Furniture {
    this.attributes(node, path, []);
    const slots = { left: [] as FurnitureRun[], center: [] as FurnitureRun[], right: [] as FurnitureRun[] };
    const seen = new Set<string>();
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      if (child.name !== 'left' && child.name !== 'center' && child.name !== 'right') {
        this.misplaced(child, childPath, Object.keys(slots));
        continue;
      }
      if (seen.has(child.name)) this.problem(child, childPath, `<${child.name}> is repeated`, 'at most one each of <left>, <center>, <right>');
      seen.add(child.name);
      this.attributes(child, childPath, []);
      slots[child.name] = this.inline(child, childPath, pageFields);
    }
    return slots;
  }

  private blocks(node: XmlElement, path: string, inBox: boolean): MarkupBlock[] {
    return this.elements(node, path).flatMap((child) => {
      const block = this.block(child, `${path}/${child.name}`, inBox);
      return block === null ? [] : [block];
    });
  }

  /** One block, or null when it is empty (an absent optional field) or wrong (reported). */
  private block(node: XmlElement, path: string, inBox: boolean): MarkupBlock | null {
    switch (node.name) {
      case 'h1':
      case 'h2':
      case 'h3': {
        this.attributes(node, path, []);
        const runs = this.inline(node, path, noFields);
        const level = node.name === 'h1' ? 1 : node.name === 'h2' ? 2 : 3;
        return runs.length === 0 ? null : { kind: 'heading', level, runs };
      }
      case 'p': {
        const style = this.choice(node, path, 'style', this.attributes(node, path, ['style']).get('style'), paragraphStyles, 'body');
        const runs = this.inline(node, path, noFields);
        return runs.length === 0 ? null : { kind: 'paragraph', style, runs };
      }
      case 'list':
        return this.list(node, path);
      case 'quote':
        return this.quote(node, path);
      case 'box': {
        if (inBox) {
          this.problem(node, path, 'a <box> cannot hold another <box>');
          return null;
        }
        const style = this.choice(node, path, 'style', this.attributes(node, path, ['style']).get('style'), boxStyles, 'note');
        const blocks = this.blocks(node, path, true);
        return blocks.length === 0 ? null : { kind: 'box', style, blocks };
      }
      case 'grid':
        return this.grid(node, path);
      case 'table':
        return this.table(node, path);
      case 'figure':
        return this.figure(node, path);
      case 'chart':
        return this.chart(node, path);
      case 'qr': {
        const value = this.attributes(node, path, ['href']).get('href');
        this.empty(node, path);
        if (value !== undefined && URL.canParse(value) && new URL(value).protocol === 'https:') return { kind: 'qr', href: value };
        this.problem(node, path, value === undefined ? '<qr> needs an href' : `href="${value}" is not an https address`, 'href="{{url}}"');
        return null;
      }
      default:
        this.misplaced(node, path, blockElements);
        return null;
    }
  }

  /** Children that must all be `<name>` holding text; the empty ones are dropped. */
  /** `<item level="1">` is a sub-bullet of the item before it, `level="2"` of a sub-bullet. */
  private list(node: XmlElement, path: string): MarkupBlock | null {
    this.attributes(node, path, []);
    const items: { runs: TextRun[]; level: ListLevel }[] = [];
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      if (child.name !== 'item') {
        this.misplaced(child, childPath, ['item']);
        continue;
      }
      const asked = this.choice(child, childPath, 'level', this.attributes(child, childPath, ['level']).get('level'), LIST_LEVELS, '0');
      // A sub-bullet needs a bullet above it: the first item, or one two levels below the last, is raised.
      const level = Math.min(Number(asked), (items[items.length - 1]?.level ?? -1) + 1) as ListLevel;
      const runs = this.inline(child, childPath, noFields);
      if (runs.length > 0) items.push({ runs, level });
    }
    return items.length === 0 ? null : { kind: 'list', items };
  }

  private textChildren(node: XmlElement, path: string, name: string): TextRun[][] {
    this.attributes(node, path, []);
    return this.elements(node, path).flatMap((child) => {
      const childPath = `${path}/${child.name}`;
      if (child.name !== name) {
        this.misplaced(child, childPath, [name]);
        return [];
      }
      this.attributes(child, childPath, []);
      const runs = this.inline(child, childPath, noFields);
      return runs.length === 0 ? [] : [runs];
    });
  }

  private quote(node: XmlElement, path: string): MarkupBlock | null {
    this.attributes(node, path, []);
    const paragraphs: TextRun[][] = [];
    let cite: TextRun[] | null = null;
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      if (child.name !== 'p' && child.name !== 'cite') {
        this.misplaced(child, childPath, ['p', 'cite']);
        continue;
      }
      if (cite !== null) {
        this.problem(child, childPath, `<${child.name}> after the <cite>`, 'the <cite> last, at most once');
        continue;
      }
      this.attributes(child, childPath, []);
      const runs = this.inline(child, childPath, noFields);
      if (child.name === 'cite') cite = runs;
      else if (runs.length > 0) paragraphs.push(runs);
    }
    return paragraphs.length === 0 ? null : { kind: 'quote', paragraphs, cite: cite === null || cite.length === 0 ? null : cite };
  }

  private grid(node: XmlElement, path: string): MarkupBlock | null {
    const columnsText = this.attributes(node, path, ['columns']).get('columns');
    const columns = columnsText === undefined ? 2 : (this.positiveInteger(node, path, 'columns', columnsText, MAX_GRID_COLUMNS) ?? 2);
    const facts = this.elements(node, path).flatMap((child) => {
      const childPath = `${path}/${child.name}`;
      if (child.name !== 'fact') {
        this.misplaced(child, childPath, ['fact']);
        return [];
      }
      this.attributes(child, childPath, []);
      const parts = this.elements(child, childPath);
      const [labelNode, valueNode] = parts;
      if (parts.length !== 2 || labelNode?.name !== 'label' || valueNode?.name !== 'value') {
        this.problem(child, childPath, `<fact> holds ${list(parts.map((part) => part.name)) || 'nothing'}`, '<label> then <value>');
        return [];
      }
      this.attributes(labelNode, `${childPath}/label`, []);
      this.attributes(valueNode, `${childPath}/value`, []);
      const label = this.inline(labelNode, `${childPath}/label`, noFields);
      const value = this.inline(valueNode, `${childPath}/value`, noFields);
      return label.length === 0 && value.length === 0 ? [] : [{ label, value }];
    });
    return facts.length === 0 ? null : { kind: 'grid', columns, facts };
  }

  private table(node: XmlElement, path: string): MarkupBlock | null {
    const widths = this.widths(node, path, this.attributes(node, path, ['widths']).get('widths'));
    let header: TextRun[][] | null = null;
    const rows: TextRun[][][] = [];
    for (const [index, child] of this.elements(node, path).entries()) {
      const childPath = `${path}/${child.name}`;
      if (child.name !== 'row' && !(child.name === 'head' && index === 0)) {
        this.misplaced(child, childPath, index === 0 ? ['head', 'row'] : ['row']);
        continue;
      }
      this.attributes(child, childPath, []);
      const cells = this.elements(child, childPath).flatMap((cell) => {
        if (cell.name === 'cell') return [this.inline(cell, `${childPath}/cell`, noFields)];
        this.misplaced(cell, `${childPath}/${cell.name}`, ['cell']);
        return [];
      });
      if (widths !== null && cells.length !== widths.length) {
        this.problem(child, childPath, `<${child.name}> has ${cells.length} cells but widths="${widths.join(',')}" makes ${widths.length} columns`);
        continue;
      }
      if (child.name === 'head') header = cells;
      else if (cells.some((cell) => cell.length > 0)) rows.push(cells);
    }
    return widths === null || rows.length === 0 ? null : { kind: 'table', widths, header, rows };
  }

  /** A picture; its caption and credit are optional and left out when empty. */
  private figure(node: XmlElement, path: string): MarkupBlock | null {
    const attributes = this.attributes(node, path, ['src', 'alt']);
    const src = attributes.get('src') ?? '';
    const alt = (attributes.get('alt') ?? '').replace(XML_WHITESPACE, ' ').trim();
    if (src === '') this.problem(node, path, '<figure> needs a src', 'src="{{src}}"');
    if (alt === '') this.problem(node, path, '<figure> needs a non-empty alt, the text readers hear instead of the picture', 'alt="{{alt}}"');
    const parts = { caption: null as TextRun[] | null, credit: null as TextRun[] | null };
    let last = -1;
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      const order = ['caption', 'credit'].indexOf(child.name);
      if (order === -1) {
        this.misplaced(child, childPath, ['caption', 'credit']);
        continue;
      }
      if (order <= last) {
        this.problem(child, childPath, `<${child.name}> is repeated or out of order`, '<caption> then <credit>, each at most once');
        continue;
      }
      last = order;
      this.attributes(child, childPath, []);
      const runs = this.inline(child, childPath, noFields);
      parts[child.name as keyof typeof parts] = runs.length === 0 ? null : runs;
    }
    return src === '' || alt === '' ? null : { kind: 'figure', src, alt, ...parts };
  }

  /** A chart: `<label>` elements, then `<series name>` elements of one `<value>` a label. */
  private chart(node: XmlElement, path: string): MarkupBlock | null {
    const attributes = this.attributes(node, path, ['type', 'title', 'unit']);
    const type = this.choice(node, path, 'type', attributes.get('type'), ['bar', 'line'] as const, 'bar');
    const title = (attributes.get('title') ?? '').replace(XML_WHITESPACE, ' ').trim();
    const unit = (attributes.get('unit') ?? '').replace(XML_WHITESPACE, ' ').trim();
    if (title === '' || unit === '') this.problem(node, path, '<chart> needs a title and a unit', 'title="{{title}}" unit="{{unit}}"');
    const labels: string[] = [];
    const series: { name: string; values: number[] }[] = [];
    for (const child of this.elements(node, path)) {
      const childPath = `${path}/${child.name}`;
      if (child.name === 'label' && series.length === 0) {
        this.attributes(child, childPath, []);
        labels.push(this.plainText(child, childPath));
      } else if (child.name === 'series') {
        const name = (this.attributes(child, childPath, ['name']).get('name') ?? '').trim();
        const values = this.elements(child, childPath).flatMap((valueNode) => {
          const text = valueNode.name === 'value' ? this.plainText(valueNode, `${childPath}/value`) : null;
          const value = text === null || text.trim() === '' ? Number.NaN : Number(text);
          if (Number.isFinite(value)) return [value];
          this.problem(valueNode, `${childPath}/${valueNode.name}`, valueNode.name === 'value' ? `<value> "${text}" is not a number` : `<${valueNode.name}> is not allowed here`, '<value> elements holding a number');
          return [];
        });
        if (values.length !== labels.length) this.problem(child, childPath, `<series> has ${values.length} values for ${labels.length} labels`, 'one <value> a <label>');
        series.push({ name, values });
      } else {
        this.misplaced(child, childPath, series.length === 0 ? ['label', 'series'] : ['series']);
      }
    }
    if (labels.length === 0 || series.length === 0) this.problem(node, path, '<chart> needs at least one <label> and one <series>');
    return title === '' || unit === '' || labels.length === 0 || series.length === 0 ? null : { kind: 'chart', chart: { type, title, unit, labels, series } };
  }

  private widths(node: XmlElement, path: string, value: string | undefined): number[] | null {
    const widths = value?.split(',').map((width) => (/^\s*\d+(\.\d+)?\s*$/.test(width) ? Number(width) : Number.NaN));
    if (widths !== undefined && widths.length <= MAX_TABLE_COLUMNS && widths.every((width) => width > 0)) return widths;
    this.problem(node, path, value === undefined ? '<table> needs widths' : `widths="${value}" is not a list of column widths`, `relative widths separated by commas, one per column (at most ${MAX_TABLE_COLUMNS}), e.g. widths="1,3"`);
    return null;
  }
}

function isTextRun(run: unknown): run is TextRun {
  return typeof run === 'object' && run !== null && 'kind' in run && run.kind === 'text';
}

/** Parses the filled template; every dialect problem is reported together in one TemplateError. */
export function parseMarkup(filled: FilledTemplate): MarkupDocument {
  const source = new MarkupSource(`${filled.template}.hbs (filled markup for ${filled.file})`, filled.markup);
  const reader = new DialectReader(source);
  const document = reader.document(parseXml(source));
  if (reader.problems.length > 0 || document === null) {
    throw templateProblemsError(source.name, 'the filled markup does not follow the template dialect', reader.problems);
  }
  return document;
}
