/**
 * The CommonMark parser (markdown-it, and its CJK-friendly twin for text in CJK), shared by the
 * Markdown encoding (parse/markdown.ts) and every string's inline emphasis (template/inline.ts), so
 * that `*x*` means the same everywhere.
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
let loadingCjk: Promise<void> | undefined;
let parser: MarkdownIt | undefined;
let cjkParser: MarkdownIt | undefined;

function configured(markdownIt: typeof import('markdown-it').default): MarkdownIt {
  const instance = markdownIt('commonmark', { maxNesting: MAX_NESTING });
  instance.disable(LITERAL_RULES);
  instance.inline.ruler.before('emphasis', 'literal_underscore', (state, silent) => {
    if (state.src.charCodeAt(state.pos) !== 0x5f) return false;
    if (!silent) state.pending += '_';
    state.pos += 1;
    return true;
  });
  instance.validateLink = (url) => LINK_ADDRESS.test(url);
  return instance;
}

export function loadCommonMark(): Promise<void> {
  loading ??= import('markdown-it').then(({ default: markdownIt }) => {
    parser = configured(markdownIt);
  });
  return loading;
}

/**
 * Loads the parser and its CJK-friendly twin (markdown-it-cjk-friendly, see docs/input-limits.md
 * "Markdown"), whose chunk only a document with emphasis in CJK text reads.
 */
export function loadCjkCommonMark(): Promise<void> {
  loadingCjk ??= Promise.all([import('markdown-it'), import('markdown-it-cjk-friendly'), loadCommonMark()]).then(([{ default: markdownIt }, { default: cjkFriendly }]) => {
    cjkParser = configured(markdownIt).use(cjkFriendly);
  });
  return loadingCjk;
}

/**
 * The loaded parser for `text`: the CJK-friendly one if the text has a CJK character, so that text
 * without one parses exactly as it did before the amendments. A stage that calls this without the
 * right `loadCommonMark()` or `loadCjkCommonMark()` before is a bug of ours.
 */
export function commonMark(text: string): MarkdownIt {
  const chosen = hasCjk(text) ? cjkParser : parser;
  if (chosen === undefined) {
    throw new Error(`the CommonMark parser${hasCjk(text) ? ' for CJK text' : ''} is used before it has been loaded`);
  }
  return chosen;
}

/**
 * Ideographs, kana, Hangul, Bopomofo, Yi, CJK symbols and punctuation, full- and half-width forms,
 * and the wide blocks of the supplementary planes: the characters the CJK-friendly rule looks for
 * next to a `*` (a superset of them; an extra one only picks that parser).
 */
const CJK = /[\u1100-\u11ff\u2e80-\ua4cf\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe6f\uff00-\uffef\u{16fe0}-\u{18aff}\u{1aff0}-\u{1b2ff}\u{1f200}-\u{1f2ff}\u{20000}-\u{3fffd}]/u;

/** Whether `text` has a character of Chinese, Japanese or Korean. */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

const MAY_HAVE_INLINE_MARKUP = /[*[\\\n]/;

/** Whether `text` may hold inline markup; text without these characters reads as typed. */
export function mayHaveInlineMarkup(text: string): boolean {
  return MAY_HAVE_INLINE_MARKUP.test(text);
}

/** What the strings of a document (or any value in it) need: the parser, and its CJK-friendly twin. */
export function inlineMarkupNeeds(value: unknown): { readonly markup: boolean; readonly cjk: boolean } {
  let markup = false;
  let cjk = false;
  const visit = (item: unknown): void => {
    if (typeof item === 'string') {
      if (!mayHaveInlineMarkup(item)) return;
      markup = true;
      cjk ||= hasCjk(item);
    } else if (typeof item === 'object' && item !== null) {
      for (const child of Object.values(item)) visit(child);
    }
  };
  visit(value);
  return { markup, cjk };
}
