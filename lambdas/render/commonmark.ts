/**
 * The one CommonMark parser (markdown-it), shared by the Markdown encoding (parse/markdown.ts) and
 * every string's inline emphasis (template/inline.ts), so that `*x*` means the same everywhere.
 * The choice and what is switched off are in docs/input-limits.md ("Markdown").
 *
 * Loaded on first need: most documents are YAML or JSON with plain strings, and their cold start
 * should not pay for the parser's modules (measured in docs/performance.md). The stages are
 * synchronous, so the renderer awaits `loadCommonMark()` before a stage that may need it.
 */
import type { MarkdownIt } from 'markdown-it';

/** Only these become links; `[x](/relative)` or `[x](javascript:…)` print as typed. */
const LINK_ADDRESS = /^(?:https?:\/\/|mailto:)/i;
/**
 * What the content format does not know prints as typed: raw HTML, `&amp;`, `` `code` ``,
 * `<https://…>`, images, `[x]: url` definitions. Emphasis is `*` only (`_` in `snake_case` or
 * `_x_` is literal, as it always was); headings, lists, quotes and code blocks are the blocks a
 * Markdown document maps.
 */
const LITERAL_RULES = ['html_block', 'reference', 'html_inline', 'entity', 'backticks', 'autolink', 'image'];
/** Deeper quotes and lists are refused by the Markdown reader instead of markdown-it's silent cut. */
export const MAX_NESTING = 50;

let loading: Promise<void> | undefined;
let parser: MarkdownIt | undefined;

export function loadCommonMark(): Promise<void> {
  loading ??= import('markdown-it').then(({ default: markdownIt }) => {
    const instance = markdownIt('commonmark', { maxNesting: MAX_NESTING });
    instance.disable(LITERAL_RULES);
    instance.inline.ruler.before('emphasis', 'literal_underscore', (state, silent) => {
      if (state.src.charCodeAt(state.pos) !== 0x5f) return false;
      if (!silent) state.pending += '_';
      state.pos += 1;
      return true;
    });
    instance.validateLink = (url) => LINK_ADDRESS.test(url);
    parser = instance;
  });
  return loading;
}

/** The loaded parser; a stage that calls this without `loadCommonMark()` before is a bug of ours. */
export function commonMark(): MarkdownIt {
  if (parser === undefined) throw new Error('the CommonMark parser is used before loadCommonMark() has finished');
  return parser;
}

const MAY_HAVE_INLINE_MARKUP = /[*[\\\n]/;

/** Whether `text` may hold inline markup; text without these characters reads as typed. */
export function mayHaveInlineMarkup(text: string): boolean {
  return MAY_HAVE_INLINE_MARKUP.test(text);
}

/** Whether any string in a document (or any value in it) may hold inline markup. */
export function holdsInlineMarkup(value: unknown): boolean {
  if (typeof value === 'string') return mayHaveInlineMarkup(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(holdsInlineMarkup);
}
