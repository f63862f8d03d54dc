/**
 * parse: one uploaded file to a ParsedDocument, whatever its encoding (chosen by extension, as the
 * content format says). Refuses, with the reason, what is not a document: unknown extensions, empty,
 * too large, binary or wrongly encoded files, and YAML / JSON / front matter that does not parse.
 */
import { extname } from 'node:path';
import { InputError, type Problem, UnsupportedFormatError } from '../errors';
import type { ParsedDocument, SourceFile, SourceFormat } from '../types';
import { parseDispatch } from './dispatch';
import { parseJson } from './json';
import { parseMarkdown } from './markdown';
import { decodeText } from './text';
import { parseYaml } from './yaml';

export interface InputLimits {
  /** Larger files are refused, before they are read where the caller can tell the size. */
  readonly maxBytes: number;
  /** YAML alias (`*name`) expansions; more is refused as a "billion laughs" attack. */
  readonly maxAliasCount: number;
  /** Nesting of mappings and lists; an event document needs three levels. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxBytes: 1_048_576, maxAliasCount: 100, maxDepth: 32 };

const FORMAT_BY_EXTENSION: Readonly<Record<string, SourceFormat>> = {
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'dispatch',
};

/** Lower case, with the dot, as `path.extname` gives them. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

export function parseSource(source: SourceFile, limits: Partial<InputLimits> = {}): ParsedDocument {
  const effectiveLimits: InputLimits = { ...DEFAULT_LIMITS, ...limits };
  const format = formatOf(source.name);
  if (source.bytes.length > effectiveLimits.maxBytes) {
    throw new InputError(source.name, [tooLargeProblem(source.bytes.length, effectiveLimits.maxBytes)]);
  }
  if (source.bytes.length === 0) throw new InputError(source.name, [{ message: 'the file is empty', expected: 'an event document' }]);
  const text = decodeText(source);
  if (text.trim() === '') {
    throw new InputError(source.name, [{ message: 'the file contains only blank space', expected: 'an event document' }]);
  }
  switch (format) {
    case 'yaml':
      return parseYaml(text, source.name, effectiveLimits);
    case 'json':
      return parseJson(text, source.name, effectiveLimits);
    case 'markdown':
      return parseMarkdown(text, source.name, effectiveLimits);
    case 'dispatch':
      return parseDispatch(text, source);
    default: {
      const unexpected: never = format;
      throw new Error(`no parser for format ${String(unexpected)}`);
    }
  }
}

export function formatOf(name: string): SourceFormat {
  const extension = extname(name).toLowerCase();
  const format = FORMAT_BY_EXTENSION[extension];
  if (format) return format;
  throw new UnsupportedFormatError(name, [
    {
      message: extension === '' ? 'the file name has no extension, so its encoding is unknown' : `"${extname(name)}" files are not accepted`,
      expected: `one of ${ACCEPTED_EXTENSIONS.join(', ')}`,
    },
  ]);
}

/** Shared with load, which refuses before reading when it can stat the file. */
export function tooLargeProblem(size: number, maxBytes: number): Problem {
  return { message: `the file is ${formatBytes(size)}, too large to publish`, expected: `at most ${formatBytes(maxBytes)}` };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit} (${bytes} bytes)`;
}
