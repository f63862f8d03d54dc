import Handlebars from 'handlebars/runtime';
import type { PartialDate } from '../../types';
import { describeValue, helperCall } from '../helper-call';
import { formatDate } from '../i18n';
import { inLanguage, inlineMarkup } from '../inline';

function isPartialDate(value: unknown): value is PartialDate {
  return typeof value === 'object' && value !== null && 'year' in value && typeof value.year === 'number';
}

/**
 * `{{date date}}`: a date at the precision given, in the document's language (`février 2022`);
 * a free-text date (`jeudi`, in a timeline) prints as typed, with its emphasis.
 */
export function date(...args: unknown[]): Handlebars.SafeString {
  const call = helperCall('date', '{{date field}}', 1, args);
  const [value] = call.values;
  if (typeof value === 'string') return new Handlebars.SafeString(inlineMarkup(value));
  if (!isPartialDate(value)) {
    return call.fail(`expected a date or a free-text date, got ${describeValue(value)}`);
  }
  try {
    return new Handlebars.SafeString(inLanguage(Handlebars.escapeExpression(formatDate(value, call.language)), call.language.datesIn));
  } catch (error) {
    return call.fail(error instanceof Error ? error.message : String(error));
  }
}
