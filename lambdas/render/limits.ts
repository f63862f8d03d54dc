/**
 * Every limit on what the engine accepts, in one place; docs/input-limits.md gives their reasons.
 * The size of a source is checked once, where it is first known and before the bytes are read:
 * by loadFile from the file system, by the publisher from the object's HEAD. The later stages
 * take the bytes they are given.
 */
import { InputError } from './errors';

export interface InputLimits {
  /** Larger sources are refused before they are read (see sourceSizeError). */
  readonly maxBytes: number;
  /** YAML alias (`*name`) expansions; more is refused as a "billion laughs" attack. */
  readonly maxAliasCount: number;
  /**
   * Characters of text (values and field names) a YAML document holds once its aliases are
   * expanded: a few aliases of one large anchored section would otherwise multiply it.
   */
  readonly maxExpandedCharacters: number;
  /** Nesting of mappings and lists; an event document needs three levels. */
  readonly maxDepth: number;
}

export const DEFAULT_LIMITS: InputLimits = { maxBytes: 1_048_576, maxAliasCount: 100, maxExpandedCharacters: 1_048_576, maxDepth: 32 };

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

/** The refusal of a source of `size` bytes, or null when it is within `maxBytes`. */
export function sourceSizeError(file: string, size: number, maxBytes: number = DEFAULT_LIMITS.maxBytes): InputError | null {
  if (size <= maxBytes) return null;
  return new InputError(file, [{ message: `the file is ${formatBytes(size)}, too large to publish`, expected: `at most ${formatBytes(maxBytes)}` }]);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit} (${bytes} bytes)`;
}
