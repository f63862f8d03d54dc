import { helperCall, describeValue } from '../helper-call';
import { labelKeys, type LabelKey } from '../i18n';

const isLabelKey = (key: unknown): key is LabelKey => labelKeys.some((known) => known === key);

/** `{{label "keyPoints"}}`: the document language's word for a template heading. */
export function label(...args: unknown[]): string {
  const call = helperCall('label', '{{label "keyPoints"}}', 1, args);
  const [key] = call.values;
  if (!isLabelKey(key)) {
    return call.fail(`unknown label ${describeValue(key)}; the labels are ${labelKeys.map((known) => `"${known}"`).join(', ')}`);
  }
  return call.language.labels[key];
}
