import Handlebars from 'handlebars/runtime';
import { helperCall, textArgument } from '../helper-call';
import { inlineMarkup } from '../inline';

/** `{{inline summary}}`: a content string with its emphasis and links as markup, the rest escaped. */
export function inline(...args: unknown[]): Handlebars.SafeString {
  const call = helperCall('inline', '{{inline field}}', 1, args);
  return new Handlebars.SafeString(inlineMarkup(textArgument(call, 0, 'the text')));
}
