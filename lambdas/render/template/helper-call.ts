/**
 * What every helper checks before it does anything: how it was called, and with what.
 * A template bug must stop the fill with the helper's name, the template line and what was expected,
 * never print `undefined` into a fact sheet.
 */
import type { HelperOptions } from 'handlebars';
import type { Language } from './i18n';

/** The position Handlebars hands every helper (`options.loc`); columns are 0-based there. */
interface TemplateLocation {
  readonly start: { readonly line: number; readonly column: number };
}

/** A helper called the wrong way. The template stage adds the template file. */
export class HelperError extends Error {
  readonly line?: number;
  readonly column?: number;

  constructor(helper: string, message: string, location: TemplateLocation | undefined) {
    super(`{{${helper}}}: ${message}`);
    this.name = 'HelperError';
    this.line = location?.start.line;
    this.column = location === undefined ? undefined : location.start.column + 1;
  }
}

/** Template-wide values the fill hands to helpers through Handlebars' `@data`. */
export interface HelperData {
  readonly language: Language;
}

export interface HelperCall {
  readonly values: readonly unknown[];
  readonly language: Language;
  fail(message: string): never;
}

function isHelperOptions(value: unknown): value is HelperOptions & { loc?: TemplateLocation } {
  return typeof value === 'object' && value !== null && 'hash' in value && 'data' in value;
}

function isHelperData(value: unknown): value is HelperData {
  return typeof value === 'object' && value !== null && 'language' in value;
}

/**
 * The positional arguments of a helper called as `{{name a b}}` or `(name a b)`, checked for count;
 * named arguments and block use (`{{#name}}`) are refused.
 */
export function helperCall(helper: string, usage: string, count: number, args: readonly unknown[]): HelperCall {
  const options = args[args.length - 1];
  if (!isHelperOptions(options)) {
    throw new HelperError(helper, `called outside a template (usage: ${usage})`, undefined);
  }
  const fail = (message: string): never => {
    throw new HelperError(helper, `${message} (usage: ${usage})`, options.loc);
  };
  const values = args.slice(0, -1);
  if (options.fn !== undefined) fail('cannot be used as a block ({{#…}})');
  const named = Object.keys(options.hash);
  if (named.length > 0) fail(`takes no named arguments, got ${named.join(', ')}`);
  if (values.length !== count) {
    fail(`expected ${count} argument${count === 1 ? '' : 's'}, got ${values.length}`);
  }
  const data: unknown = options.data;
  if (!isHelperData(data)) {
    throw new HelperError(helper, 'the template was filled without its language data', options.loc);
  }
  return { values, language: data.language, fail };
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return typeof value;
  const shown = typeof value === 'bigint' ? `${value}` : JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 39)}…` : shown}`;
}

/**
 * A content string. An absent optional field is `null` in the template's context and prints
 * nothing; `undefined` means the template names a field that does not exist.
 */
export function textArgument(call: HelperCall, index: number, what: string): string {
  const value = call.values[index];
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (value === undefined) {
    return call.fail(`${what} is undefined: no such field here (check the spelling; absent optional fields are null)`);
  }
  return call.fail(`${what} must be text, got ${describeValue(value)}`);
}
