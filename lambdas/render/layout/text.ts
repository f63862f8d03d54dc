/**
 * Inline text: sets runs of styled text into lines of a given width.
 * Breaks at spaces only (no-break spaces hold French « guillemets » and "1 h 30" together);
 * a word longer than the line is split between characters rather than drawn past the margin.
 */
import { REPLACEMENT_CHARACTER, type FontSet, type FontVariant } from '../fonts';
import type { TextRun } from '../types';
import type { PositionedRun } from './types';

export interface TextStyle {
  readonly size: number;
  readonly lineHeight: number;
  readonly color: string;
  readonly bold: boolean;
  readonly italic: boolean;
  readonly linkColor: string;
}

/** A set line, x relative to the line start; the caller positions it. */
export interface SetLine {
  readonly runs: readonly PositionedRun[];
  readonly width: number;
}

interface Token {
  readonly text: string;
  readonly variant: FontVariant;
  readonly href: string | null;
  readonly struct: number;
}

export class TextSetter {
  private readonly missing = new Set<string>();

  private readonly fitted = new Map<string, string>();

  constructor(private readonly fonts: FontSet) {}

  /** Characters that no embedded font has, seen so far, for the render's warning. */
  missingCharacters(): readonly string[] {
    return [...this.missing];
  }

  widthOf(text: string, variant: FontVariant, size: number): number {
    return this.fonts.variants[variant].widthOf(text, size);
  }

  /** Ascent (positive) and descent (negative) in points. */
  extent(variant: FontVariant, size: number): { ascent: number; descent: number } {
    const font = this.fonts.variants[variant];
    return { ascent: font.ascent * size, descent: font.descent * size };
  }

  /**
   * `structOf` gives the structure element for a run (a paragraph, or a Link inside it).
   * Returns at least one line, possibly empty.
   */
  setLines(
    runs: readonly TextRun[],
    style: TextStyle,
    width: number,
    structOf: (run: TextRun) => number,
  ): SetLine[] {
    const lines: Token[][] = [[]];
    let lineWidth = 0;
    let pendingSpace: Token | null = null;
    const current = (): Token[] => lines[lines.length - 1] as Token[];
    const newLine = (): void => {
      lines.push([]);
      lineWidth = 0;
      pendingSpace = null;
    };

    for (const run of runs) {
      const variant = variantOf(style.bold || run.bold, style.italic || run.italic);
      const struct = structOf(run);
      const text = this.drawable(run.text.replace(/\t/g, ' '));
      for (const piece of text.split(/(\n| +)/)) {
        if (piece === '') continue;
        if (piece === '\n') {
          newLine();
          continue;
        }
        const token: Token = { text: piece, variant, href: run.href, struct };
        if (piece.startsWith(' ')) {
          if (current().length > 0) pendingSpace = { ...token, text: ' ' };
          continue;
        }
        const wordWidth = this.widthOf(piece, variant, style.size);
        const spaceWidth = pendingSpace ? this.widthOf(' ', pendingSpace.variant, style.size) : 0;
        if (current().length > 0 && lineWidth + spaceWidth + wordWidth > width) newLine();
        if (wordWidth > width) {
          for (const part of this.splitWord(piece, variant, style.size, width - lineWidth, width)) {
            if (current().length > 0) newLine();
            current().push({ ...token, text: part });
            lineWidth = this.widthOf(part, variant, style.size);
          }
          continue;
        }
        if (pendingSpace && current().length > 0) {
          current().push(pendingSpace);
          lineWidth += spaceWidth;
        }
        pendingSpace = null;
        current().push(token);
        lineWidth += wordWidth;
      }
    }
    return lines.map((tokens) => this.position(tokens, style));
  }

  /** One line cut to `width` with a trailing "…" when it does not fit (page furniture). */
  fitLine(text: string, variant: FontVariant, size: number, width: number): string {
    // Furniture repeats on every page: a long source credit is fitted once, not once a page.
    const key = `${variant} ${size} ${width} ${text}`;
    let fitted = this.fitted.get(key);
    if (fitted === undefined) {
      fitted = this.fitLineOnce(text, variant, size, width);
      this.fitted.set(key, fitted);
    }
    return fitted;
  }

  private fitLineOnce(text: string, variant: FontVariant, size: number, width: number): string {
    const drawable = this.drawable(text);
    if (this.widthOf(drawable, variant, size) <= width) return drawable;
    // A prefix only grows wider with each word, so the longest that fits is found by bisection:
    // dropping one word at a time measured the whole line once per word (33 s for 100 sources).
    const words = drawable.split(' ');
    const cut = (count: number): string => `${words.slice(0, count).join(' ')}…`;
    let fits = 0;
    let tooWide = words.length;
    while (tooWide - fits > 1) {
      const middle = Math.floor((fits + tooWide) / 2);
      if (this.widthOf(cut(middle), variant, size) <= width) fits = middle;
      else tooWide = middle;
    }
    return fits === 0 ? '…' : cut(fits);
  }

  /**
   * Replaces what no font can draw with a visible U+FFFD, and remembers it for a warning.
   * Guillemets are glued to their text so a line never starts with » or ends with «.
   */
  private drawable(text: string): string {
    text = text.replace(/« +/g, '«\u00A0').replace(/ +»/g, '\u00A0»');
    return this.allDrawable(text) ? text : this.withReplacements(text);
  }

  /** Almost all text: no control characters, no surrogates, every character in the fonts. */
  private allDrawable(text: string): boolean {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if ((code < 0x20 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff) || !this.fonts.covers(code)) return false;
    }
    return true;
  }

  private withReplacements(text: string): string {
    let out = '';
    let lastReplaced = false;
    for (const char of text) {
      const codePoint = char.codePointAt(0) as number;
      if (codePoint < 0x20 && char !== '\n') continue;
      if (this.fonts.covers(codePoint)) {
        out += char;
        lastReplaced = false;
        continue;
      }
      this.missing.add(char);
      // Emoji sequences (joiners, variation selectors, skin tones) show as one replacement.
      if (lastReplaced && isEmojiModifier(codePoint)) continue;
      out += REPLACEMENT_CHARACTER;
      lastReplaced = true;
    }
    return out;
  }

  private splitWord(word: string, variant: FontVariant, size: number, firstWidth: number, width: number): string[] {
    const parts: string[] = [];
    let part = '';
    let available = firstWidth > size ? firstWidth : width;
    for (const char of word) {
      if (part !== '' && this.widthOf(part + char, variant, size) > available) {
        parts.push(part);
        part = '';
        available = width;
      }
      part += char;
    }
    if (part !== '') parts.push(part);
    return parts;
  }

  /** Merges neighbouring tokens of one style into runs and measures them as pdfkit will draw them. */
  private position(tokens: readonly Token[], style: TextStyle): SetLine {
    const runs: PositionedRun[] = [];
    let x = 0;
    let start = 0;
    while (start < tokens.length) {
      const first = tokens[start] as Token;
      let text = first.text;
      let end = start + 1;
      for (; end < tokens.length; end++) {
        const token = tokens[end] as Token;
        if (token.variant !== first.variant || token.href !== first.href || token.struct !== first.struct) break;
        text += token.text;
      }
      const width = this.widthOf(text, first.variant, style.size);
      runs.push({
        text,
        variant: first.variant,
        size: style.size,
        color: first.href ? style.linkColor : style.color,
        x,
        width,
        href: first.href,
        struct: first.struct,
      });
      x += width;
      start = end;
    }
    return { runs, width: x };
  }
}

export function variantOf(bold: boolean, italic: boolean): FontVariant {
  if (bold) return italic ? 'boldItalic' : 'bold';
  return italic ? 'italic' : 'regular';
}

function isEmojiModifier(codePoint: number): boolean {
  return (
    codePoint === 0x200d ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) ||
    (codePoint >= 0x1f3fb && codePoint <= 0x1f3ff) ||
    (codePoint >= 0xe0020 && codePoint <= 0xe007f)
  );
}
