import Handlebars from 'handlebars/runtime';
import { helperCall } from '../helper-call';
import { inLanguage } from '../inline';

/** `{{pageOf}}`: the footer's page number in the document's language, "Page 1 / 2", "第1页，共2页". */
export function pageOf(...args: unknown[]): Handlebars.SafeString {
  const call = helperCall('pageOf', '<right>{{pageOf}}</right>', 0, args);
  const markup = call.language.pageOf
    .split(/(\{page\}|\{count\})/)
    .map((part) => (part === '{page}' ? '<page-number/>' : part === '{count}' ? '<page-count/>' : Handlebars.escapeExpression(part)))
    .join('');
  return new Handlebars.SafeString(inLanguage(markup, call.language.labelsIn));
}
