/**
 * parse: one uploaded file to a ParsedDocument, whatever its encoding (chosen by extension, as the
 * content format says). Refuses, with the reason, what is not a document: unknown extensions, empty,
 * binary or wrongly encoded files, and YAML / JSON / front matter that does not parse. The size was
 * checked where the bytes were read (limits.ts).
 */
import { hasCjk, loadCjkCommonMark, loadCommonMark } from '../commonmark';
import { InputError } from '../errors';
import { DEFAULT_LIMITS, type InputLimits } from '../limits';
import type { ParsedDocument, SourceFile } from '../types';
import { formatOf } from './formats';
import { parseJson } from './json';
import { parseMarkdown } from './markdown';
import { decodeText } from './text';
import { parseYaml } from './yaml';

/**
 * Loads what the format needs on first use (the CommonMark parser for Markdown; the wire-dispatch
 * reader, its rules and lexicon, about 30 KB bundled, for a `.txt` dispatch), so a YAML or JSON
 * cold start reads neither and no caller has to load anything first.
 */
export async function parseSource(source: SourceFile, limits: Partial<Omit<InputLimits, 'maxBytes'>> = {}): Promise<ParsedDocument> {
  const effectiveLimits: InputLimits = { ...DEFAULT_LIMITS, ...limits };
  const format = formatOf(source.name);
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
      await (hasCjk(text) ? loadCjkCommonMark() : loadCommonMark());
      return parseMarkdown(text, source.name, effectiveLimits);
    case 'dispatch': {
      const { parseDispatch } = await import('./dispatch');
      return parseDispatch(text, source);
    }
    default: {
      const unexpected: never = format;
      throw new Error(`no parser for format ${String(unexpected)}`);
    }
  }
}
