import Handlebars from 'handlebars/runtime';
import { helperCall, describeValue } from '../helper-call';
import { labelKeys, type LabelKey } from '../i18n';
import { inLanguage } from '../inline';

const isLabelKey = (key: unknown): key is LabelKey => labelKeys.some((known) => known === key);

/**
 * `{{label "keyPoints"}}`: the document language's word for a template heading; a label that
 * falls back to English is marked as English (`<span lang="en">`), which a right-to-left page
 * sets as a left-to-right isolate.
 */
export function label(...args: unknown[]): Handlebars.SafeString {
  const call = helperCall('label', '{{label "keyPoints"}}', 1, args);
  const [key] = call.values;
  if (!isLabelKey(key)) {
    return call.fail(`unknown label ${describeValue(key)}; the labels are ${labelKeys.map((known) => `"${known}"`).join(', ')}`);
  }
  return new Handlebars.SafeString(inLanguage(Handlebars.escapeExpression(call.language.labels[key]), call.language.labelsIn));
}
