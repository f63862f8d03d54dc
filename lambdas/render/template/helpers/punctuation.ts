import { helperCall, describeValue } from '../helper-call';
import { punctuationKeys } from '../i18n';

type PunctuationKey = (typeof punctuationKeys)[number];

const isPunctuationKey = (key: unknown): key is PunctuationKey => punctuationKeys.some((known) => known === key);

/** `{{punctuation "comma"}}`: the document language's separator between pieces of content (", ", "، ", "，"). */
export function punctuation(...args: unknown[]): string {
  const call = helperCall('punctuation', '{{punctuation "comma"}}', 1, args);
  const [key] = call.values;
  if (!isPunctuationKey(key)) {
    return call.fail(`unknown separator ${describeValue(key)}; the separators are ${punctuationKeys.map((known) => `"${known}"`).join(', ')}`);
  }
  return call.language.punctuation[key];
}
