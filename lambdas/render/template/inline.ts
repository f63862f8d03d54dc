/**
 * Inline emphasis in content strings (spec: "Inline emphasis in any string"):
 * `**bold**`, `*italic*`, `[text](https://…)` become `<b>`, `<i>`, `<a href>` of the markup dialect;
 * `\*` prints a star; everything else is escaped, so `<b>`, `{{x}}` and `&amp;` print as typed.
 * `[text]{lang=fr}` (a bracketed span, as in Pandoc) marks text in another language: `<span lang>`.
 *
 * The rules are CommonMark's, read by the same parser as Markdown documents (../commonmark.ts);
 * its tokens are a flat list, so no run of stars, however long, nests a call per star.
 */
import Handlebars from 'handlebars/runtime';
import type { Token } from 'markdown-it';
import { commonMark, mayHaveInlineMarkup } from '../commonmark';

const ELEMENTS: Readonly<Record<string, string>> = { em: 'i', strong: 'b', link: 'a' };

function markupOf(tokens: readonly Token[]): string {
  let markup = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
        markup += Handlebars.escapeExpression(token.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        markup += ' ';
        break;
      case 'em_open':
      case 'strong_open':
        markup += `<${ELEMENTS[token.tag] as string}>`;
        break;
      case 'link_open':
        markup += `<a href="${Handlebars.escapeExpression(String(token.attrGet('href') ?? ''))}">`;
        break;
      case 'em_close':
      case 'strong_close':
      case 'link_close':
        markup += `</${ELEMENTS[token.type === 'link_close' ? 'link' : token.tag] as string}>`;
        break;
      default:
        // Only the rules switched on in ../commonmark.ts make tokens, and each has its case above.
        throw new Error(`unexpected inline token ${token.type}`);
    }
  }
  return markup;
}

/** Markup for one content string: emphasis and links as elements, everything else escaped. */
export function inlineMarkup(text: string): string {
  if (!mayHaveInlineMarkup(text)) return Handlebars.escapeExpression(text);
  const [inline] = commonMark(text).parseInline(text, {});
  return withLanguageSpans(markupOf(inline?.children ?? []));
}

/** `[text]{lang=xx}` after escaping (`=` is `&#x3D;` then); the tag is checked by the markup stage. */
const LANGUAGE_SPAN = /\[([^[\]]*)\]\{lang&#x3D;([A-Za-z0-9-]+)\}/g;

function withLanguageSpans(markup: string): string {
  if (!markup.includes(']{lang')) return markup;
  return markup.replace(LANGUAGE_SPAN, (whole, text: string, lang: string) => (balanced(text) ? `<span lang="${lang}">${text}</span>` : whole));
}

/** Whether the elements inside a span close inside it (`[**a]{lang=fr}**` stays as typed). */
function balanced(markup: string): boolean {
  const open: string[] = [];
  for (const [, closing, name] of markup.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
    if (closing === '') open.push(name as string);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

/** Markup marked as written in `lang` (`<span lang>`), or as it is when `lang` is null (the document's). */
export function inLanguage(markup: string, lang: string | null): string {
  return lang === null ? markup : `<span lang="${lang}">${markup}</span>`;
}
