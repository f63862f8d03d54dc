import Handlebars from 'handlebars/runtime';
import { helperCall, textArgument } from '../helper-call';
import { inlineMarkup } from '../inline';

/** `{{quote text}}`: the text in the quotation marks of the document's language, `« … »`, `“…”`, `„…“`. */
export function quote(...args: unknown[]): Handlebars.SafeString {
  const call = helperCall('quote', '{{quote text}}', 1, args);
  const { open, close } = call.language.quotes;
  const text = inlineMarkup(textArgument(call, 0, 'the quoted text'));
  return new Handlebars.SafeString(`${open}${text}${close}`);
}
