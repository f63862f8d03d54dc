/**
 * JSON documents. `JSON.parse` decides what the data is; when it refuses, a small scanner finds
 * where and why in words an editor understands (V8 often gives no position, and points past the
 * real mistake: `{"a": tru}` is reported at the `}`). Field positions come from reading the same
 * text as YAML 1.2, of which JSON is a subset.
 */
import { DocumentSyntaxError, excerpt, type Problem } from '../errors';
import type { ParsedDocument, SourcePosition } from '../types';
import type { InputLimits } from '../limits';
import { TextLocator } from '../locator';
import { type DataReading, readYaml, requireMapping, tooDeep } from './yaml';

export function parseJson(text: string, file: string, limits: InputLimits): ParsedDocument {
  const locator = new TextLocator(text);
  checkNesting(text, file, locator, limits.maxDepth);
  let data: unknown;
  try {
    data = JSON.parse(text, keepNumberDigits);
  } catch (error) {
    throw new DocumentSyntaxError(file, [jsonProblem(text, locator, error)], { cause: error });
  }
  const { positions } = requireMapping({ data, positions: positionsOf(text, file, limits) }, file, 'JSON document');
  return { file, format: 'json', data, positions };
}

/**
 * `JSON.parse` is not recursive, but the fault finder below and the YAML reader of positions are:
 * brackets nested deeper than `maxDepth` are refused first. A bracket inside a string is text. A
 * string ends at its closing quote or at a control character, as both readers end it (the JSON is
 * invalid there, and neither reads further). The document's own braces count as a level, one more
 * than the YAML reader counts: a scan cannot tell an empty innermost list from a full one.
 */
function checkNesting(text: string, file: string, locator: TextLocator, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"' || char < ' ') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > maxDepth) throw tooDeep(file, locator.at(index), maxDepth);
    } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
  }
}

/**
 * Numbers keep the digits typed, as in YAML: `1.50` stays "1.50" and `12345678901234567890` is not
 * rounded to a double (no field of the format is a number). `context.source` is the ES2025 JSON
 * source text access of Node 22, the runtime; without it a number is printed as JavaScript would.
 */
function keepNumberDigits(this: unknown, _key: string, value: unknown, context?: { readonly source?: string }): unknown {
  return typeof value === 'number' ? (context?.source ?? String(value)) : value;
}

/**
 * Positions are a convenience: valid JSON the YAML reader still refuses (a string key longer than
 * YAML allows) simply has none. A repeated key is the exception: JSON.parse keeps the last one
 * silently, which is never what the editor meant.
 */
function positionsOf(text: string, file: string, limits: InputLimits): ReadonlyMap<string, SourcePosition> {
  let reading: DataReading;
  try {
    reading = readYaml(text, file, limits);
  } catch (error) {
    if (!(error instanceof DocumentSyntaxError)) throw error;
    const repeated = error.problems.filter((problem) => /appears twice/.test(problem.message));
    if (repeated.length > 0) throw new DocumentSyntaxError(file, repeated, { cause: error });
    return new Map();
  }
  return reading.positions;
}

interface JsonFault {
  readonly offset: number;
  readonly message: string;
  readonly expected: string;
}

function jsonProblem(text: string, locator: TextLocator, error: unknown): Problem {
  const fault = findJsonFault(text) ?? v8Fault(text, error);
  return { ...locator.at(fault.offset), message: fault.message, expected: fault.expected };
}

/** Only reached if the scanner and V8 disagree; V8's own words are better than nothing. */
function v8Fault(text: string, error: unknown): JsonFault {
  const message = error instanceof Error ? error.message : String(error);
  const at = /at position (\d+)/.exec(message);
  return { offset: at ? Number(at[1]) : text.length, message: `invalid JSON: ${message}`, expected: 'valid JSON' };
}

const VALUE_EXPECTED = 'a value: "text" in double quotes, a number, true, false, null, { or [';

/** The first mistake in `text` as JSON, or null if there is none. */
function findJsonFault(text: string): JsonFault | null {
  let index = 0;
  const fault = (message: string, expected: string, offset = index): JsonFault => ({ offset, message, expected });
  const skipSpace = (): void => {
    while (index < text.length && ' \t\n\r'.includes(text[index] as string)) index += 1;
  };

  const value = (): JsonFault | null => {
    skipSpace();
    const char = text[index];
    if (char === undefined) return fault('the JSON ends where a value should follow', `${VALUE_EXPECTED} (a closing } or ] may be missing)`);
    if (char === '{') return object();
    if (char === '[') return array();
    if (char === '"') return string();
    if (char === '-' || (char >= '0' && char <= '9')) return number();
    if (char === "'") return fault('single quotes are not JSON', 'text in "double quotes"');
    if (char === '/') return fault('comments are not allowed in JSON', 'no comments');
    const word = /^[\p{L}\p{N}_$]+/u.exec(text.slice(index))?.[0];
    if (word === 'true' || word === 'false' || word === 'null') {
      index += word.length;
      return null;
    }
    if (word) return fault(`"${excerpt(word)}" is not a JSON value`, `${VALUE_EXPECTED}; text goes in "double quotes"`);
    return fault(`unexpected "${char}"`, VALUE_EXPECTED);
  };

  const object = (): JsonFault | null => {
    index += 1;
    skipSpace();
    if (text[index] === '}') {
      index += 1;
      return null;
    }
    for (;;) {
      skipSpace();
      if (text[index] === '}') return fault('a comma comes before the closing }', 'no comma after the last field');
      if (text[index] !== '"') {
        if (text[index] === undefined) return fault('the JSON ends inside a mapping', 'a closing }');
        if (text[index] === "'") return fault('single quotes are not JSON', 'a field name in "double quotes"');
        if (text[index] === '/') return fault('comments are not allowed in JSON', 'no comments');
        return fault('a field name is not in double quotes', 'a field name in "double quotes"');
      }
      const keyFault = string();
      if (keyFault) return keyFault;
      skipSpace();
      if (text[index] !== ':') return fault('a colon is missing after the field name', '":" between a field name and its value');
      index += 1;
      const valueFault = value();
      if (valueFault) return valueFault;
      skipSpace();
      if (text[index] === '}') {
        index += 1;
        return null;
      }
      if (text[index] !== ',') {
        return text[index] === undefined
          ? fault('the JSON ends inside a mapping', 'a closing }')
          : fault('a comma or } is missing after a field value', '"," between fields, or } to end the mapping');
      }
      index += 1;
    }
  };

  const array = (): JsonFault | null => {
    index += 1;
    skipSpace();
    if (text[index] === ']') {
      index += 1;
      return null;
    }
    for (;;) {
      skipSpace();
      if (text[index] === ']') return fault('a comma comes before the closing ]', 'no comma after the last item');
      const itemFault = value();
      if (itemFault) return itemFault;
      skipSpace();
      if (text[index] === ']') {
        index += 1;
        return null;
      }
      if (text[index] !== ',') {
        return text[index] === undefined
          ? fault('the JSON ends inside a list', 'a closing ]')
          : fault('a comma or ] is missing after a list item', '"," between items, or ] to end the list');
      }
      index += 1;
    }
  };

  const string = (): JsonFault | null => {
    const start = index;
    index += 1;
    while (index < text.length) {
      const char = text[index] as string;
      if (char === '"') {
        index += 1;
        return null;
      }
      if (char < ' ') return fault('a line break or control character is inside a string', '\\n for a line break, or the closing " of the string');
      if (char === '\\') {
        const escape = /^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.exec(text.slice(index, index + 6));
        if (!escape) return fault(`invalid escape "${text.slice(index, index + 2)}" in a string`, 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
        index += escape[0].length;
      } else {
        index += 1;
      }
    }
    return fault('a string is never closed', 'a closing " for the string that starts here', start);
  };

  const number = (): JsonFault | null => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(index));
    if (!match) return fault('a minus sign is not followed by a number', 'a number such as 12, -3.5 or 1e6');
    const start = index;
    index += match[0].length;
    // `2022-02-28`, `1h30`, `007`: text that starts with digits but is not a number.
    const rest = /^[^\s,\]}]+/.exec(text.slice(index));
    if (rest) {
      return fault(`${excerpt(`${text.slice(start, index)}${rest[0]}`)} is not a JSON value`, 'text in "double quotes", or a number such as 12 or -3.5', start);
    }
    return null;
  };

  const topFault = value();
  if (topFault) return topFault;
  skipSpace();
  return index < text.length ? fault('there is more text after the end of the JSON document', 'nothing after the final } or ]') : null;
}
