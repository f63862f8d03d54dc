/** Page geometry and type scale, with colours from the theme. */
import { hanLanguage } from '../fonts/scripts';
import type { Theme } from '../types';
import type { TextStyle } from './text';

const PAPER = {
  A4: { width: 595.28, height: 841.89 },
  Letter: { width: 612, height: 792 },
} as const;

export interface PageGeometry {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly contentTop: number;
  readonly contentBottom: number;
  readonly bandHeight: number;
  readonly footerRule: number;
  readonly footerBaseline: number;
}

export function pageGeometry(theme: Theme): PageGeometry {
  const { width, height } = PAPER[theme.paper];
  return {
    width,
    height,
    left: 56,
    right: width - 56,
    bandHeight: 40,
    contentTop: 72,
    contentBottom: height - 62,
    footerRule: height - 46,
    footerBaseline: height - 30,
  };
}

export interface BlockStyles {
  readonly h1: TextStyle & { readonly spaceBefore: number };
  readonly h2: TextStyle & { readonly spaceBefore: number };
  readonly h3: TextStyle & { readonly spaceBefore: number };
  readonly body: TextStyle & { readonly spaceBefore: number };
  readonly kicker: TextStyle & { readonly spaceBefore: number };
  readonly standfirst: TextStyle & { readonly spaceBefore: number };
  readonly meta: TextStyle & { readonly spaceBefore: number };
  readonly small: TextStyle & { readonly spaceBefore: number };
  readonly boxText: TextStyle;
  readonly quote: TextStyle;
  readonly cite: TextStyle;
  readonly factLabel: TextStyle;
  readonly factValue: TextStyle;
  readonly tableHead: TextStyle;
  readonly tableCell: TextStyle;
  readonly caption: TextStyle;
  readonly chartTitle: TextStyle;
  readonly credit: TextStyle;
  readonly header: TextStyle;
  readonly footer: TextStyle;
}

/**
 * The type scale of a document in language `lang`. Quotes and captions are italic, except in a
 * language written in Han (zh, ja, ko): the CJK fonts have no italic and are drawn upright, and
 * the digits and Latin letters among them would be slanted by Noto Sans Italic ("10月14日",
 * "BYD"); they are set upright too (docs/rendering.md, "Chinese, Japanese and Korean").
 */
export function blockStyles(theme: Theme, lang?: string): BlockStyles {
  const { primary, accent, text, muted, onPrimary } = theme.colours;
  // `hanLanguage` answers the run's language only when that language is written in Han.
  const slanted = lang === undefined || hanLanguage(lang, undefined) === undefined;
  const style = (size: number, leading: number, color: string, bold = false, italic = false): TextStyle => ({
    size,
    lineHeight: Math.round(size * leading * 10) / 10,
    color,
    bold,
    italic,
    linkColor: accent,
  });
  return {
    h1: { ...style(22, 1.18, primary, true), spaceBefore: 4 },
    h2: { ...style(13, 1.25, primary, true), spaceBefore: 18 },
    h3: { ...style(11, 1.3, primary, true), spaceBefore: 12 },
    body: { ...style(10, 1.42, text), spaceBefore: 6 },
    kicker: { ...style(9, 1.3, accent, true), spaceBefore: 0 },
    standfirst: { ...style(12.5, 1.35, text), spaceBefore: 5 },
    meta: { ...style(9, 1.35, muted), spaceBefore: 6 },
    small: { ...style(8.5, 1.35, muted), spaceBefore: 3 },
    boxText: style(10.5, 1.42, text),
    quote: style(10.5, 1.42, text, false, slanted),
    cite: style(9, 1.35, muted),
    factLabel: style(8.5, 1.3, muted),
    factValue: style(11, 1.3, primary, true),
    tableHead: style(8.5, 1.3, muted, true),
    tableCell: style(9.5, 1.35, text),
    caption: style(9, 1.35, text, false, slanted),
    chartTitle: style(9.5, 1.35, primary, true),
    credit: style(7.5, 1.3, muted),
    header: style(9, 1.2, onPrimary),
    footer: style(8, 1.2, muted),
  };
}
