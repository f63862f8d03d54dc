/**
 * YAML 1.2 (core schema) documents, and the YAML front matter of Markdown files.
 *
 * The document tree is turned into plain data here rather than by `yaml`'s `toJS`, so that in the
 * same walk every field path gets its line and column, numbers keep the digits the author typed
 * (`value: 1.50` stays "1.50" where a fact is text), and aliases are counted and refused before
 * they can expand into a "billion laughs".
 */
import { type Alias, Composer, CST, type Document, isAlias, isMap, isScalar, isSeq, type Node, Parser, type YAMLError } from 'yaml';
import { DocumentSyntaxError, excerpt, type Problem, TooComplexError } from '../errors';
import type { ParsedDocument, SourcePosition } from '../types';
import type { InputLimits } from '../limits';
import { TextLocator } from '../locator';

export interface DataReading {
  readonly data: unknown;
  readonly positions: ReadonlyMap<string, SourcePosition>;
}

/** Cascading errors after the first few rarely help the editor. */
const MAX_SYNTAX_PROBLEMS = 10;
export function parseYaml(text: string, file: string, limits: InputLimits): ParsedDocument {
  const { data, positions } = requireMapping(readYaml(text, file, limits), file, 'YAML document');
  return { file, format: 'yaml', data, positions };
}

/**
 * Reads one YAML document. `text` may be a prefix of a larger file (front matter): offsets, lines
 * and columns are the file's.
 */
export function readYaml(text: string, file: string, limits: InputLimits): DataReading {
  const locator = new TextLocator(text);
  // Parsing into tokens is not recursive; composing them into a document is (see checkNesting).
  const tokens = Array.from(new Parser().parse(text));
  checkNesting(tokens, file, locator, limits.maxDepth);
  const documents = Array.from(new Composer({ prettyErrors: false, uniqueKeys: true, version: '1.2', schema: 'core' }).compose(tokens));
  if (documents.length > 1) {
    const second = documents[1]?.range[0] ?? 0;
    throw new DocumentSyntaxError(file, [
      {
        ...locator.at(second),
        message: `the file holds ${documents.length} YAML documents (a line \`---\` starts another one)`,
        expected: 'one document: remove the extra `---` lines',
      },
    ]);
  }
  const [document] = documents;
  if (!document) return { data: null, positions: new Map() };
  if (document.errors.length > 0) {
    throw new DocumentSyntaxError(file, document.errors.slice(0, MAX_SYNTAX_PROBLEMS).map((error) => yamlProblem(error, text, locator)));
  }
  return new YamlWalker(document, file, locator, limits).read();
}

/** The top level of YAML, JSON and front matter must be the mapping of fields. */
export function requireMapping(reading: DataReading, file: string, what: string): DataReading {
  const { data } = reading;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) return reading;
  const found = data === null ? 'empty' : Array.isArray(data) ? 'a list' : `a single value (${excerpt(JSON.stringify(data))})`;
  throw new DocumentSyntaxError(file, [
    { line: 1, column: 1, message: `the ${what} is ${found}`, expected: 'a mapping of fields such as `title: …` and `date: …`' },
  ]);
}

/**
 * `yaml` composes a document recursively, a few stack frames per level of lists and mappings; a
 * stack overflow inside it leaves the process unable to compile regular expressions. So nesting
 * deeper than `maxDepth` is refused on the parser's tokens first, walked without recursion. There a
 * quoted or plain value, a comment and a block scalar are single tokens: brackets and indentation
 * inside them are text, not levels. The depth is the one the walker below counts (the document at
 * 0), so nothing refused here would have been accepted there.
 */
function checkNesting(tokens: readonly CST.Token[], file: string, locator: TextLocator, maxDepth: number): void {
  const pending: { readonly token: CST.Token; readonly depth: number }[] = [];
  for (const token of tokens) if (token.type === 'document' && token.value) pending.push({ token: token.value, depth: 0 });
  pending.reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { token, depth } = next;
    if (depth > maxDepth) throw tooDeep(file, locator.at(token.offset), maxDepth);
    if (!CST.isCollection(token)) continue;
    // Pushed last item first, so the first node too deep in the file's order is the one reported.
    for (let index = token.items.length - 1; index >= 0; index -= 1) {
      const { key, value } = token.items[index] as CST.CollectionItem;
      if (value) pending.push({ token: value, depth: depth + 1 });
      if (key) pending.push({ token: key, depth: depth + 1 });
    }
  }
}

export function tooDeep(file: string, position: SourcePosition, maxDepth: number): DocumentSyntaxError {
  return new DocumentSyntaxError(file, [
    {
      ...position,
      message: `lists and mappings are nested too deeply here (more than ${maxDepth} levels)`,
      expected: 'an event document, which needs three levels at most',
    },
  ]);
}

/** The YAML error codes editors actually meet, with what to do about them. */
const YAML_HINTS: Readonly<Record<string, { readonly message?: string; readonly expected: string }>> = {
  BLOCK_AS_IMPLICIT_KEY: {
    message: 'a value is read as another `key: value` pair',
    expected: 'a value containing ": " in quotes (title: "Macron: le point"), or the next line indented like its siblings',
  },
  MULTILINE_IMPLICIT_KEY: { expected: 'each `key:` on one line, indented like its siblings' },
  TAB_AS_INDENT: { message: 'a tab is used for indentation', expected: 'spaces for indentation' },
  MISSING_CHAR: { expected: 'the closing quote, bracket or `- ` that is missing here' },
  BAD_INDENT: { expected: 'items of a list or mapping indented alike' },
  UNEXPECTED_TOKEN: {
    expected: "quotes around the whole value; inside 'single quotes' an apostrophe is written '' (or use ’)",
  },
  DUPLICATE_KEY: { expected: 'each field once' },
};

function yamlProblem(error: YAMLError, text: string, locator: TextLocator): Problem {
  const [start] = error.pos;
  const hint = YAML_HINTS[error.code];
  if (error.code === 'DUPLICATE_KEY') {
    return { ...locator.at(start), message: `the field "${keyAt(text, start)}" appears twice`, expected: hint?.expected };
  }
  const unclosed = /^Missing closing (["'])quote/.exec(error.message)?.[1];
  if (unclosed) {
    // YAML notices at the end of the file; the editor needs the quote that opened the value.
    const opening = text.lastIndexOf(unclosed, start - 1);
    return {
      ...locator.at(opening < 0 ? start : opening),
      message: 'a quoted value is never closed',
      expected: unclosed === '"' ? 'a closing " (write \\" for a quote mark inside)' : "a closing ' (write '' for an apostrophe inside)",
    };
  }
  return { ...locator.at(start), message: hint?.message ?? lowerFirst(error.message), expected: hint?.expected ?? 'valid YAML' };
}

/** The key written at `offset`: `title`, `"title"` or `'title'`, without its quotes. */
function keyAt(text: string, offset: number): string {
  const key = /^(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\n]|'')*)'|([^:\n]*):)/.exec(text.slice(offset, offset + 1024));
  return (key?.[1] ?? key?.[2] ?? key?.[3] ?? '').trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

class YamlWalker {
  private readonly positions = new Map<string, SourcePosition>();
  private aliasCount = 0;
  /** Characters of text read so far, aliases expanded. */
  private characters = 0;
  /** The outermost alias being expanded: where an expansion that grows too large is reported. */
  private expanding: Alias | null = null;
  /** Collections being read, so an alias to one of them (a cycle) is caught. */
  private readonly ancestors = new Set<Node>();

  constructor(
    private readonly document: Document.Parsed,
    private readonly file: string,
    private readonly locator: TextLocator,
    private readonly limits: InputLimits,
  ) {}

  read(): DataReading {
    const data = this.value(this.document.contents, '', 0, true);
    return { data, positions: this.positions };
  }

  /** `recordPositions` is off inside alias expansions: their nodes sit elsewhere in the file. */
  private value(node: unknown, path: string, depth: number, recordPositions: boolean): unknown {
    if (depth > this.limits.maxDepth) throw tooDeep(this.file, this.positionOf(node), this.limits.maxDepth);
    if (isAlias(node)) return this.alias(node, path, depth);
    if (isScalar(node)) {
      // Core-schema numbers keep their digits as written; no field of the format is a number.
      const value = typeof node.value === 'number' && node.source !== undefined ? node.source : node.value;
      if (typeof value === 'string') this.count(value.length, node);
      return value;
    }
    if (isMap(node) || isSeq(node)) {
      this.ancestors.add(node);
      const result = isMap(node)
        ? this.mapping(node.items, path, depth, recordPositions)
        : this.sequence(node.items, path, depth, recordPositions);
      this.ancestors.delete(node);
      return result;
    }
    return null;
  }

  private mapping(items: readonly { key: unknown; value: unknown }[], path: string, depth: number, recordPositions: boolean): object {
    const entries = items.map((pair) => {
      // `: value` has no key node; its value is where the editor must look.
      const keyNode = pair.key ?? pair.value;
      const key = this.key(pair.key, keyNode);
      const childPath = path === '' ? key : `${path}.${key}`;
      if (recordPositions) this.positions.set(childPath, this.positionOf(keyNode));
      return [key, this.value(pair.value, childPath, depth + 1, recordPositions)] as const;
    });
    // fromEntries defines own properties: a `__proto__` field stays a field.
    return Object.fromEntries(entries);
  }

  private sequence(items: readonly unknown[], path: string, depth: number, recordPositions: boolean): unknown[] {
    return items.map((item, index) => {
      const childPath = `${path}[${index}]`;
      if (recordPositions) this.positions.set(childPath, this.positionOf(item));
      return this.value(item, childPath, depth + 1, recordPositions);
    });
  }

  private key(node: unknown, where: unknown): string {
    if (isScalar(node)) {
      const key = typeof node.value === 'string' ? node.value : typeof node.value === 'number' || typeof node.value === 'boolean' ? (node.source ?? String(node.value)) : null;
      if (key !== null) {
        this.count(key.length, node);
        return key;
      }
    }
    throw new DocumentSyntaxError(this.file, [
      { ...this.positionOf(where), message: 'a field name is missing or is not text', expected: 'field names such as `title:`' },
    ]);
  }

  private alias(node: Alias, path: string, depth: number): unknown {
    this.aliasCount += 1;
    if (this.aliasCount > this.limits.maxAliasCount) {
      throw new DocumentSyntaxError(this.file, [
        {
          ...this.positionOf(node),
          message: `aliases (*${node.source}) are used more than ${this.limits.maxAliasCount} times, which is refused as a "billion laughs" attack`,
          expected: `at most ${this.limits.maxAliasCount} aliases; write the text out instead`,
        },
      ]);
    }
    const target = node.resolve(this.document);
    if (target === undefined) {
      throw new DocumentSyntaxError(this.file, [
        { ...this.positionOf(node), message: `the alias *${node.source} refers to no anchor`, expected: `an anchor &${node.source} before it` },
      ]);
    }
    if (this.ancestors.has(target)) {
      throw new DocumentSyntaxError(this.file, [
        {
          ...this.positionOf(node),
          message: `the alias *${node.source} refers to the list or mapping that contains it`,
          expected: 'no circular aliases',
        },
      ]);
    }
    const outermost = this.expanding === null;
    if (outermost) this.expanding = node;
    try {
      return this.value(target, path, depth, false);
    } finally {
      if (outermost) this.expanding = null;
    }
  }

  /**
   * Counted as the walk goes, so that an expansion past the limit stops at once instead of
   * building the multiplied document first (100 KB with 99 aliases became 2 005 pages).
   */
  private count(characters: number, node: Node): void {
    this.characters += characters;
    const limit = this.limits.maxExpandedCharacters;
    // Without aliases the text is the file's, whose size was checked where it was read.
    if (this.characters <= limit || this.aliasCount === 0) return;
    const alias = this.expanding;
    const where = alias === null ? `after ${this.aliasCount} aliases` : `the limit is crossed expanding *${alias.source}, alias ${this.aliasCount}`;
    throw new TooComplexError(this.file, [
      {
        ...this.positionOf(alias ?? node),
        message: `with its aliases expanded, the document holds more than ${limit} characters of text (${where})`,
        expected: `at most ${limit} characters in all, aliases expanded: refer to a long section once, or write shorter copies`,
      },
    ]);
  }

  private positionOf(node: unknown): SourcePosition {
    const range = (node as { range?: readonly number[] } | null)?.range;
    return this.locator.at(range?.[0] ?? 0);
  }
}
