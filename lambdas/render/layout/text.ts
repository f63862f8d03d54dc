/**
 * Inline text: sets runs of styled text into lines of a given width.
 * Breaks at spaces (no-break spaces hold French « guillemets » and "1 h 30" together) and,
 * in Chinese and Japanese, between characters where the kinsoku rules allow (breaks.ts);
 * a word longer than the line is split between characters rather than drawn past the margin.
 *
 * A paragraph that Noto Sans draws alone, in a left-to-right document, is set as one run per
 * style. Any other (Arabic, Hebrew, or a right-to-left document) goes through the bidirectional
 * algorithm: levels for the paragraph, lines broken on the logical text, then each line's pieces
 * (one font, one level, no spaces) reordered for display and placed at absolute positions, in
 * logical order so that the structure tree keeps the reading order (docs/rendering.md).
 */
import { REPLACEMENT_CHARACTER, hanLanguage, isInvisible, isRightToLeft, type EmbeddedFont, type FontSet, type FontVariant, type PunctuationSpacing, type ScriptFont } from '../fonts';
import { embeddingLevels, type Isolate, isolatesOf, mirrored, visualOrder } from './bidi';
import { extractionClass, leftToRightPageOrder, leftToRightStretches, LRM, markAfter } from './extraction';
import { breakableParts, breaksInsideWords, hasHangul } from './breaks';
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

/** What the ink of a run depends on. */
type InkRun = Pick<PositionedRun, 'text' | 'variant' | 'face' | 'size'>;

interface Token {
  readonly text: string;
  readonly variant: FontVariant;
  readonly href: string | null;
  readonly struct: number;
  /** Offset of the text in the paragraph (the drawable texts of its runs, joined). */
  readonly start: number;
  /** The language whose forms its Han characters take: its run's when written in Han, else the document's. */
  readonly lang: string | undefined;
  /** Points it sets closer to the token before it on its line: full-width punctuation side by side ("）「"). */
  readonly narrowedBefore?: number;
  /** Points its closing bracket at the end of its line gives up so that the line fits. */
  readonly narrowedAtEnd?: number;
}

export type Direction = 'ltr' | 'rtl';

/** One piece of a bidirectional line: a single font and level, no spaces (or only spaces). */
interface Piece {
  readonly token: Token;
  readonly text: string;
  readonly font: ScriptFont | null;
  readonly level: number;
  readonly space: boolean;
}

/** Right-to-left mark: invisible, it keeps neutral characters on the right-to-left side. */
const RLM = '\u200F';
const ENDS_IN_MARK = /\p{M}$/u;

export class TextSetter {
  private readonly missing = new Set<string>();

  private readonly fitted = new Map<string, string>();

  /**
   * `direction`: the document language's; right-to-left paragraphs are set flush right.
   * `lang`: the document's language, which chooses the forms of Han characters (fonts room)
   * outside runs of a language written in Han.
   */
  constructor(
    readonly fonts: FontSet,
    readonly direction: Direction = 'ltr',
    readonly lang?: string,
  ) {}

  /** Characters that no embedded font has, seen so far, for the render's warning. */
  missingCharacters(): readonly string[] {
    return [...this.missing];
  }

  /**
   * Remembers, for the warning, what of `text` no font draws, as setting it would: an SVG's labels
   * are set once for the process (vector.ts) but belong to every document that draws them.
   */
  noteUndrawable(text: string): void {
    this.drawable(text);
  }

  widthOf(text: string, variant: FontVariant, size: number): number {
    return this.fonts.variants[variant].widthOf(text, size);
  }

  /**
   * Width of a word or line in any script, each piece shaped in its own font and direction
   * (`levels` from `start`; none: the document's direction).
   */
  private measure(text: string, variant: FontVariant, size: number, levels: Uint8Array | null = null, start = 0, lang = this.lang): number {
    if (this.notoOnly(text)) return this.widthOf(text, variant, size);
    let width = 0;
    for (const piece of this.pieces({ text, variant, href: null, struct: 0, start, lang }, levels)) width += this.pieceWidth(piece, size);
    return width;
  }

  /**
   * The room, in points, that the line's ink needs above the line's ascent and below its descent
   * (the regular variant's, which place every line): marks stacked on a letter reach past them.
   * A run of a script font counts only what passes its own font's extent too, so that Arabic or
   * Thai, taller or deeper than Noto Sans by design, keeps its lines as they are. Null for almost
   * every line, told by one look at its text (EmbeddedFont.inkBeyond). The runs of one line, or
   * texts set on one baseline (a chart's labels).
   */
  inkRoom(runs: readonly InkRun[]): { readonly above: number; readonly below: number } | null {
    let above = 0;
    let below = 0;
    for (const run of runs) {
      const font = this.fontOf(run);
      const ink = font.inkBeyond(run.text);
      if (ink === null) continue;
      const { ascent, descent } = this.fonts.variants.regular;
      above = Math.max(above, (ink.top - Math.max(ascent, font.ascent)) * run.size);
      below = Math.max(below, (Math.min(descent, font.descent) - ink.bottom) * run.size);
    }
    return above > 0 || below > 0 ? { above, below } : null;
  }

  private readonly faces = new Map<string, ScriptFont>();

  private fontOf(run: InkRun): EmbeddedFont {
    if (run.face === undefined) return this.fonts.variants[run.variant];
    let font = this.faces.get(run.face);
    if (font === undefined) {
      font = this.fonts.loadedScriptFonts().find((loaded) => loaded.name === run.face);
      if (font === undefined) throw new Error(`no script font ${run.face} is loaded`);
      this.faces.set(run.face, font);
    }
    return font;
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
    const drawable = runs.map((run) => this.drawable(run.text.replace(/\t/g, ' '), this.hanLanguageOf(run)));
    const paragraph = drawable.join('');
    if (this.direction === 'ltr' && this.notoOnly(paragraph)) {
      const measure = (text: string, variant: FontVariant): number => this.widthOf(text, variant, style.size);
      return this.breakLines(runs, drawable, style, width, structOf, measure).map((tokens) => this.position(tokens, style));
    }
    const isolates = isolatesOf(runs.map((run, index) => ({ text: drawable[index] as string, lang: run.lang, isolate: run.isolate })), this.direction);
    const levels = embeddingLevels(paragraph, this.direction, isolates);
    const measure = (text: string, variant: FontVariant, start: number, lang: string | undefined) => this.measure(text, variant, style.size, levels, start, lang);
    return this.breakLines(runs, drawable, style, width, structOf, measure).map((tokens) => this.positionBidi(tokens, levels, style, width));
  }

  /** Lines of tokens in logical order, broken at spaces, a too-long word split between characters. */
  private breakLines(
    runs: readonly TextRun[],
    drawable: readonly string[],
    style: TextStyle,
    width: number,
    structOf: (run: TextRun) => number,
    measure: (text: string, variant: FontVariant, start: number, lang: string | undefined) => number,
  ): Token[][] {
    const lines: Token[][] = [[]];
    let lineWidth = 0;
    let pendingSpace: Token | null = null;
    // Ended by a closing bracket set narrower so that it fits: nothing more goes on the line.
    let closed = false;
    const current = (): Token[] => lines[lines.length - 1] as Token[];
    const newLine = (): void => {
      lines.push([]);
      lineWidth = 0;
      pendingSpace = null;
      closed = false;
    };
    // Most paragraphs break at spaces alone: their words are not cut into parts one by one, and
    // only words cut into parts meet full-width punctuation of the next part without a space.
    const insideWords = drawable.some(breaksInsideWords);

    // One word (or, in Chinese, Japanese and Thai, one breakable part of it) onto the lines.
    const place = (token: Token): void => {
      const { text, variant, lang } = token;
      const wordWidth = measure(text, variant, token.start, lang);
      const spaceWidth = pendingSpace ? measure(' ', pendingSpace.variant, pendingSpace.start, pendingSpace.lang) : 0;
      const previous = current().at(-1);
      let before = 0;
      let atEnd = 0;
      if (previous !== undefined && insideWords) {
        before = pendingSpace === null ? this.narrowingBetween(previous, token, style.size) : 0;
        if (closed || lineWidth + spaceWidth + wordWidth - before > width) {
          // CSS `allow-end`: a closing bracket that fits only without its blank half ends the line so.
          atEnd = closed ? 0 : this.narrowingAtEnd(token, style.size);
          if (atEnd === 0 || lineWidth + spaceWidth + wordWidth - before - atEnd > width) {
            newLine();
            before = 0;
            atEnd = 0;
          }
        }
      } else if (previous !== undefined && lineWidth + spaceWidth + wordWidth > width) {
        newLine();
      }
      if (wordWidth > width) {
        let offset = token.start;
        for (const split of this.splitWord(text, style.size, width - lineWidth, width, (part) => measure(part, variant, offset, lang))) {
          if (current().length > 0) newLine();
          current().push({ ...token, text: split, start: offset });
          lineWidth = measure(split, variant, offset, lang);
          offset += split.length;
        }
        return;
      }
      if (pendingSpace && current().length > 0) {
        current().push(pendingSpace);
        lineWidth += spaceWidth;
      }
      pendingSpace = null;
      current().push(before === 0 && atEnd === 0 ? token : { ...token, narrowedBefore: before, narrowedAtEnd: atEnd });
      lineWidth += wordWidth - before - atEnd;
      closed = atEnd > 0;
    };

    let start = 0;
    runs.forEach((run, runIndex) => {
      const variant = variantOf(style.bold || run.bold, style.italic || run.italic);
      const struct = structOf(run);
      const lang = this.hanLanguageOf(run);
      for (const piece of (drawable[runIndex] as string).split(/(\n| +)/)) {
        const pieceStart = start;
        start += piece.length;
        if (piece === '') continue;
        if (piece === '\n') {
          newLine();
          continue;
        }
        if (piece.startsWith(' ')) {
          if (current().length > 0) pendingSpace = { text: ' ', variant, href: run.href, struct, start: pieceStart, lang };
          continue;
        }
        if (!insideWords) {
          place({ text: piece, variant, href: run.href, struct, start: pieceStart, lang });
          continue;
        }
        // Chinese and Japanese words break between characters too (kinsoku rules kept); Korean words do not.
        let partStart = pieceStart;
        for (const word of breakableParts(piece)) {
          // A Korean word longer than the line starts a line of its own, then breaks between
          // syllables (kinsoku and quotation marks kept) before it is cut anywhere.
          const tooLong = hasHangul(word) && measure(word, variant, partStart, lang) > width;
          if (tooLong && current().length > 0) newLine();
          const parts = tooLong ? breakableParts(word, false) : [word];
          for (const part of parts) {
            place({ text: part, variant, href: run.href, struct, start: partStart, lang });
            partStart += part.length;
          }
        }
      }
    });
    return lines;
  }

  /**
   * How much closer, in points, `token` sets to `previous` on one line: full-width punctuation
   * side by side across a break ("）「", "、「", "」" before an ideographic space), as its font narrows it inside a word.
   */
  private narrowingBetween(previous: Token, token: Token, size: number): number {
    const first = this.markAt(previous, 'last');
    const second = first === null ? null : this.markAt(token, 'first');
    return first === null || second === null ? 0 : first.spacing.narrowingBetween(first.char, second.spacing, second.char, size);
  }

  /** How much narrower, in points, `token` sets when its closing bracket ends a line that it would not fit otherwise. */
  private narrowingAtEnd(token: Token, size: number): number {
    const last = this.markAt(token, 'last');
    return last === null ? 0 : last.spacing.atLineEnd(last.char, size);
  }

  /** A loaded CJK font's punctuation spacing, which tells the marks from other characters (null: none is loaded; undefined: not looked for yet). */
  private anySpacing: PunctuationSpacing | null | undefined;

  /** The full-width mark at one end of `token` and its font's punctuation spacing, or null. */
  private markAt(token: Token, end: 'first' | 'last'): { readonly char: string; readonly spacing: PunctuationSpacing } | null {
    const char = end === 'first' ? token.text[0] : token.text[token.text.length - 1];
    // Most parts begin and end with an ideograph or kana: one set lookup, without finding its font.
    if (this.anySpacing === undefined) this.anySpacing = this.fonts.loadedScriptFonts().find((font) => font.punctuation !== null)?.punctuation ?? null;
    if (char === undefined || this.anySpacing?.isMark(char) !== true) return null;
    const code = char.charCodeAt(0);
    // The font the mark is drawn in; a quotation mark Noto Sans has takes the one of the letters beside it.
    const pieces = this.fonts.covers(code) ? this.pieces(token, null) : null;
    const font = pieces === null ? this.fonts.scriptFont(code, token.variant, token.lang) : (end === 'first' ? pieces[0] : pieces[pieces.length - 1])?.font;
    const spacing = font?.punctuation ?? null;
    return spacing === null || spacing.classOf(char) === 'other' ? null : { char, spacing };
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
    if (this.measure(drawable, variant, size) <= width) return drawable;
    // A prefix only grows wider with each word, so the longest that fits is found by bisection:
    // dropping one word at a time measured the whole line once per word (33 s for 100 sources).
    const words = drawable.split(' ');
    const cut = (count: number): string => `${words.slice(0, count).join(' ')}…`;
    let fits = 0;
    let tooWide = words.length;
    while (tooWide - fits > 1) {
      const middle = Math.floor((fits + tooWide) / 2);
      if (this.measure(cut(middle), variant, size) <= width) fits = middle;
      else tooWide = middle;
    }
    return fits === 0 ? '…' : cut(fits);
  }

  /**
   * A line of page furniture (fitted already) as runs, x from the line's left end; `isolates`: its
   * runs in another direction's language; `direction`: the line's own base direction where it is
   * not the document's (an SVG's label). Extraction marks stay the page's: poppler reads the page.
   */
  furnitureLine(text: string, variant: FontVariant, size: number, color: string, isolates: readonly Isolate[] = [], direction = this.direction): SetLine {
    if (this.direction === 'ltr' && direction === 'ltr' && this.notoOnly(text)) {
      const width = this.widthOf(text, variant, size);
      return { runs: [{ text, variant, size, color, x: 0, width, href: null, struct: null }], width };
    }
    const tokens: Token[] = [];
    let start = 0;
    for (const piece of text.split(/( +)/)) {
      if (piece !== '') tokens.push({ text: piece.startsWith(' ') ? ' ' : piece, variant, href: null, struct: 0, start, lang: this.lang });
      start += piece.length;
    }
    const style = { size, lineHeight: size, color, bold: false, italic: false, linkColor: color };
    const line = this.positionBidi(tokens, embeddingLevels(text, direction, isolates), style, null);
    return { runs: line.runs.map((run) => ({ ...run, struct: null })), width: line.width };
  }

  /** True when the variants (Noto Sans, or the theme's font) draw every character of `text` (after replacements). */
  private notoOnly(text: string): boolean {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (code >= this.fonts.coveredBelow && (code < 0xd800 || code > 0xdfff) && !this.fonts.covers(code)) return false;
    }
    return true;
  }

  /**
   * A token split where the font or the bidi level changes. Digits and punctuation take the
   * font of the letters beside them when it has them, so that "(بوتين)" is one Arabic piece.
   * An invisible mark takes the font of the character before it (else after it), which hides it
   * whether it has a glyph or not: a zero-width non-joiner stays inside its Persian word, shaped
   * with it, and the LRM before "-1.25" with the digits, in the theme's font as in Noto Sans.
   */
  private pieces(token: Token, levels: Uint8Array | null): Piece[] {
    const chars = [...token.text];
    const invisible = chars.map((char) => isInvisible(char.codePointAt(0) as number));
    const strong = chars.map((char, index) => {
      if (invisible[index] === true) return null;
      const codePoint = char.codePointAt(0) as number;
      const font = this.fonts.covers(codePoint) ? null : this.fonts.scriptFont(codePoint, token.variant, token.lang);
      return font !== null || /\p{L}/u.test(char) ? { font } : null;
    });
    const visibleFonts = chars.map((char, index) => {
      if (invisible[index] === true) return undefined;
      const own = strong[index];
      if (own) return own.font;
      const codePoint = char.codePointAt(0) as number;
      for (const neighbour of [...strong.slice(0, index).reverse(), ...strong.slice(index + 1)]) {
        if (neighbour) return neighbour.font !== null && neighbour.font.covers(codePoint) ? neighbour.font : null;
      }
      return null;
    });
    const fonts = visibleFonts.map((font, index) => {
      if (font !== undefined) return font;
      const beside = [...visibleFonts.slice(0, index).reverse(), ...visibleFonts.slice(index + 1)].find((other) => other !== undefined);
      return beside ?? null;
    });
    const pieces: Piece[] = [];
    let offset = 0;
    chars.forEach((char, index) => {
      const font = fonts[index] as ScriptFont | null;
      const level = levels === null ? (this.direction === 'rtl' ? 1 : 0) : (levels[token.start + offset] ?? 0);
      const last = pieces[pieces.length - 1];
      if (last !== undefined && last.font === font && last.level === level) pieces[pieces.length - 1] = { ...last, text: last.text + char };
      else pieces.push({ token, text: char, font, level, space: false });
      offset += char.length;
    });
    return pieces;
  }

  /**
   * The text handed to pdfkit for a piece. Noto Sans is shaped left to right, so a
   * right-to-left piece of it (brackets, digits' punctuation) is given reversed and mirrored;
   * a script font's shaper takes the direction from the first strong character, so a piece
   * against its script's own direction starts with an invisible RLM or LRM.
   */
  private drawnText(piece: Piece): string {
    const odd = piece.level % 2 === 1;
    if (piece.font === null) return odd ? [...piece.text].reverse().map(mirrored).join('') : piece.text;
    if (odd === isRightToLeft(piece.text)) return piece.text;
    return `${odd ? '\u200F' : '\u200E'}${piece.text}`;
  }

  private pieceWidth(piece: Piece, size: number): number {
    const text = this.drawnText(piece);
    return piece.font === null ? this.widthOf(text, piece.token.variant, size) : piece.font.widthOf(text, size);
  }

  /**
   * A line of any script: its pieces placed in visual order, listed in logical order; flush
   * right in `width` in a right-to-left document (null: from x = 0). Runs carry the text that
   * extraction should give back where their glyphs' own would come back wrong (extraction.ts).
   */
  private positionBidi(tokens: readonly Token[], levels: Uint8Array, style: TextStyle, width: number | null): SetLine {
    let items = tokens.flatMap((token): Piece[] =>
      token.text === ' ' ? [{ token, text: ' ', font: null, level: levels[token.start] ?? 0, space: true }] : this.pieces(token, levels).flatMap(splitMirrored),
    );
    const lineText = items.map((piece) => piece.text).join('');
    const stretches = this.direction === 'rtl' ? leftToRightStretches(lineText) : [];
    items = splitAt(items, stretches.flat());
    const narrowed = narrowedPieces(items);
    const placed = new Map<Piece, { x: number; width: number }>();
    let x = 0;
    for (const piece of visualOrder(items)) {
      const pieceWidth = this.pieceWidth(piece, style.size);
      const narrowing = narrowed?.get(piece);
      if (narrowing === undefined) {
        placed.set(piece, { x, width: pieceWidth });
        x += pieceWidth;
      } else {
        // Drawn as shaped, moved over the blank half of the mark before it.
        placed.set(piece, { x: x - narrowing.before, width: pieceWidth - narrowing.atEnd });
        x += pieceWidth - narrowing.before - narrowing.atEnd;
      }
    }
    const offset = this.direction === 'rtl' && width !== null ? width - x : 0;
    // poppler reads a page in the direction of most of its letters, which only the placed page
    // tells: a right-to-left line gets the reading of both (layout/index.ts, readPage).
    const leftToRightPage = this.direction === 'rtl' ? rightToLeftReadings(items, (piece) => this.actualTextOf(piece)) : null;
    const run = (piece: Piece, actualText: string | undefined): PositionedRun => {
      const { x: pieceX, width: pieceWidth } = placed.get(piece) as { x: number; width: number };
      const onLeftToRightPage = leftToRightPage === null ? undefined : (leftToRightPage.get(piece) ?? this.actualTextOf(piece));
      return {
        text: this.drawnText(piece),
        variant: piece.token.variant,
        ...(piece.font === null ? {} : { face: piece.font.name }),
        size: style.size,
        color: piece.token.href ? style.linkColor : style.color,
        x: pieceX + offset,
        width: pieceWidth,
        href: piece.token.href,
        struct: piece.token.struct,
        ...(actualText === undefined ? {} : { actualText }),
        ...(leftToRightPage === null ? {} : { leftToRightPage: onLeftToRightPage === undefined ? {} : { actualText: onLeftToRightPage } }),
      };
    };
    const readings = this.direction === 'ltr' ? rightToLeftReadings(items, (piece) => this.actualTextOf(piece)) : null;
    const runs: PositionedRun[] = [];
    let group: Piece[] = [];
    let groupEnd = 0;
    const endGroup = (): void => {
      if (group.length === 0) return;
      // A right-to-left mark after the group keeps what follows it on the right-to-left side.
      const next = lineText.slice(groupEnd).match(/^[^]/u)?.[0];
      const mark = next !== undefined && extractionClass(next) !== 'rtl' ? RLM : '';
      runs.push(...this.groupRuns(group, mark, run, placed, leftToRightPage));
      group = [];
    };
    let start = 0;
    for (const piece of items) {
      const end = start + piece.text.length;
      const inStretch = stretches.some(([from, to]) => start >= from && start < to);
      const even = piece.level % 2 === 0;
      // Within a stretch, what shows left to right in logical order is read as one group: a
      // run at an even level, or one character set right to left (a comma between words).
      if (!inStretch || !even) endGroup();
      const neutral = (): boolean => [...piece.text].every((char) => extractionClass(char) === 'neutral');
      if (inStretch && !(piece.space && group.length === 0) && (even || !neutral())) {
        group.push(piece);
        if (!piece.space) groupEnd = end;
        if (!even) endGroup();
      } else if (!piece.space) {
        runs.push(run(piece, readings?.get(piece) ?? this.actualTextOf(piece)));
      }
      start = end;
    }
    endGroup();
    return { runs, width: x };
  }

  /**
   * A group of a left-to-right stretch, as extraction must read it: its logical text (after
   * `mark`) over all of it, drawn as one run when Noto Sans draws all of it, else per piece.
   */
  private groupRuns(
    pieces: readonly Piece[],
    mark: string,
    run: (piece: Piece, actualText: string | undefined) => PositionedRun,
    placed: ReadonlyMap<Piece, { x: number; width: number }>,
    leftToRightPage: ReadonlyMap<Piece, string> | null,
  ): PositionedRun[] {
    while (pieces.at(-1)?.space) pieces = pieces.slice(0, -1);
    const drawn = pieces.filter((piece) => !piece.space);
    const first = drawn[0] as Piece;
    const oneFont = drawn.every(
      (piece) => piece.font === null && piece.token.variant === first.token.variant && piece.token.href === first.token.href && piece.token.struct === first.token.struct,
    );
    if (!oneFont) return drawn.map((piece, index) => run(piece, `${index === 0 ? mark : ''}${piece.text}`));
    const text = pieces.map((piece) => piece.text).join('');
    const own = drawn.length === 1 ? this.actualTextOf(first) : text;
    const width = pieces.reduce((sum, piece) => sum + (placed.get(piece)?.width ?? 0), 0);
    const merged = run(first, mark === '' && own === undefined ? undefined : `${mark}${text}`);
    const drawnText = pieces.map((piece) => this.drawnText(piece)).join('');
    if (leftToRightPage === null) return [{ ...merged, text: drawnText, width }];
    // On a page read left to right, the group's pieces' readings side by side, a space at each gap.
    const reading = pieces.map((piece) => (piece.space ? ' ' : (leftToRightPage.get(piece) ?? this.actualTextOf(piece) ?? piece.text))).join('');
    return [{ ...merged, text: drawnText, width, leftToRightPage: reading === drawnText ? {} : { actualText: reading } }];
  }

  /**
   * The text extraction needs for a piece outside left-to-right stretches, when its glyphs'
   * own would come back wrong: a mirrored bracket, or a script font's clusters drawn with more
   * glyphs with an advance than the one that carries the cluster's text (Devanagari ि before its
   * consonant, Thai ำ), which poppler reads as a gap, a space.
   */
  private actualTextOf(piece: Piece): string | undefined {
    const odd = piece.level % 2 === 1;
    if (piece.font === null) return odd && mirrored(piece.text) !== piece.text ? piece.text : undefined;
    if (odd) return undefined;
    const shaped = piece.font.shape(this.drawnText(piece));
    let carried = '';
    for (const [index, glyph] of shaped.glyphs.entries()) {
      if (glyph.codePoints.length === 0 && (shaped.positions[index]?.xAdvance ?? 0) !== 0) return piece.text;
      carried += String.fromCodePoint(...glyph.codePoints);
    }
    return carried === piece.text ? undefined : piece.text;
  }

  /**
   * Replaces what no font can draw with a visible U+FFFD, and remembers it for a warning.
   * Guillemets are glued to their text so a line never starts with » or ends with «.
   */
  private drawable(text: string, lang = this.lang): string {
    text = text.replace(/« +/g, '«\u00A0').replace(/ +»/g, '\u00A0»');
    return this.allDrawable(text) ? text : this.withReplacements(text, lang);
  }

  private hanLanguageOf(run: TextRun): string | undefined {
    return run.lang === undefined ? this.lang : hanLanguage(run.lang, this.lang);
  }

  /** Almost all text: no control characters, no surrogates, every character in the fonts. */
  private allDrawable(text: string): boolean {
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if ((code < 0x20 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff) || !this.fonts.covers(code)) return false;
    }
    return true;
  }

  /**
   * `text` with what no font draws replaced. An invisible mark is kept: it acts on the bidi levels
   * or the shaping, and the font of its neighbours hides it (pieces). An emoji sequence (a ZWJ
   * family, a flag's two regional indicators, a keycap, a skin tone, a tag sequence) is one
   * grapheme cluster, as a reader sees it: one replacement for all of it, named once in the warning.
   */
  private withReplacements(text: string, lang: string | undefined): string {
    // One entry per code point of `text` read so far, so that a sequence's start can be taken back.
    const out: string[] = [];
    let clusters: Intl.Segments | undefined;
    for (let index = 0; index < text.length; ) {
      const codePoint = text.codePointAt(index) as number;
      const char = String.fromCodePoint(codePoint);
      if (codePoint < 0x20 && char !== '\n') out.push('');
      else if (isInvisible(codePoint) || this.fonts.covers(codePoint) || this.fonts.scriptFont(codePoint, 'regular', lang) !== null) out.push(char);
      else if (EMOJI.test(char)) {
        // Segmenting only here: a cluster's boundaries around one index cost microseconds, a whole text's far more.
        clusters ??= graphemes().segment(text);
        const { segment, index: start } = clusters.containing(index) as Intl.SegmentData;
        out.length -= [...text.slice(start, index)].length;
        out.push(REPLACEMENT_CHARACTER);
        this.missing.add(segment);
        index = start + segment.length;
        continue;
      } else {
        this.missing.add(char);
        out.push(REPLACEMENT_CHARACTER);
      }
      index += char.length;
    }
    return out.join('');
  }

  private splitWord(word: string, size: number, firstWidth: number, width: number, measure: (text: string) => number): string[] {
    const parts: string[] = [];
    let part = '';
    let available = firstWidth > size ? firstWidth : width;
    for (const char of word) {
      if (part !== '' && measure(part + char) > available) {
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

/**
 * A right-to-left piece of Noto Sans that mirrors (brackets) as one piece per character: each
 * mirrored glyph then carries its own character as ActualText.
 */
function splitMirrored(piece: Piece): Piece[] {
  if (piece.font !== null || piece.level % 2 === 0 || piece.text.length < 2) return [piece];
  if ([...piece.text].every((char) => mirrored(char) === char)) return [piece];
  return [...piece.text].map((char) => ({ ...piece, text: char }));
}

/**
 * The ActualText of the pieces of a left-to-right line's right-to-left stretches (its pieces at
 * a level above 0), so that poppler reads each stretch back in logical order with the spaces
 * and neutrals around it in place (extraction.ts, leftToRightPageOrder). poppler puts a space at
 * each gap between words, so the stretch's reading is cut at its spaces and each part carried by
 * the pieces between two gaps, left to right: pdftotext reads text, not glyphs, so a part need
 * not be what its own glyphs show ("שלום, עולם" is read with "שלום," over the glyphs of עולם).
 * Pieces drawn side by side share their part, padded with invisible marks when it has fewer
 * characters than they are. A piece whose glyphs read as its part carries none: poppler places a
 * span's text from the origin of its first glyph drawn, which may be a dot set off the letter,
 * and that gap came back as a space ("( الرئيس"). So the left-to-right mark that ends the
 * reversal goes on the piece after the stretch when one is drawn beside it ("»", ")").
 * `ownText`: a piece's ActualText outside stretches.
 */
function rightToLeftReadings(items: readonly Piece[], ownText: (piece: Piece) => string | undefined): Map<Piece, string> {
  const readings = new Map<Piece, string>();
  for (let index = 0; index < items.length; ) {
    let end = index;
    while (end < items.length && (items[end] as Piece).level > 0) end++;
    if (end === index) {
      index++;
      continue;
    }
    const stretch = items.slice(index, end);
    const after = items[end];
    const { order, open } = leftToRightPageOrder(stretch.map((piece) => piece.text).join(''));
    if (open && after !== undefined && !after.space && extractionClass([...after.text][0] as string) === 'neutral') {
      readings.set(after, `${LRM}${ownText(after) ?? after.text}`);
    }
    const closed = open && after?.space === true ? `${order}${LRM}` : order;
    let read = '';
    let shown: Piece[] = [];
    const parts = closed.split(' ');
    const share = (): void => {
      let part = parts.shift() as string;
      while ([...part].length < shown.length) part += markAfter(read + part);
      read += `${part} `;
      const chars = [...part];
      shown.forEach((piece, at) => {
        const reading = chars.slice(Math.floor((at * chars.length) / shown.length), Math.floor(((at + 1) * chars.length) / shown.length)).join('');
        if (reading !== glyphReading(piece)) readings.set(piece, reading);
      });
      shown = [];
    };
    for (const piece of visualOrder(stretch)) {
      if (piece.space) share();
      else shown.push(piece);
    }
    share();
    index = end;
  }
  return readings;
}

/**
 * What poppler reads from a piece's own glyphs, in the order of x: a right-to-left piece's
 * characters reversed (harfbuzz.ts stores a cluster's characters so), except a script-font word
 * ending in a vowel mark, whose mark shows leftmost and is read where it shows; null then.
 */
function glyphReading(piece: Piece): string | null {
  if (piece.level % 2 === 0) return piece.text;
  return piece.font !== null && ENDS_IN_MARK.test(piece.text) ? null : [...piece.text].reverse().join('');
}

/**
 * The pieces, in logical order, that begin a token set closer to the one before it, or end a
 * token narrowed at the end of its line (`Token.narrowedBefore`, `Token.narrowedAtEnd`); null
 * for a line without them, almost every line.
 */
function narrowedPieces(pieces: readonly Piece[]): ReadonlyMap<Piece, { readonly before: number; readonly atEnd: number }> | null {
  let narrowed: Map<Piece, { before: number; atEnd: number }> | null = null;
  pieces.forEach((piece, index) => {
    const { narrowedBefore = 0, narrowedAtEnd = 0 } = piece.token;
    if (narrowedBefore === 0 && narrowedAtEnd === 0) return;
    const before = pieces[index - 1]?.token === piece.token ? 0 : narrowedBefore;
    const atEnd = pieces[index + 1]?.token === piece.token ? 0 : narrowedAtEnd;
    if (before !== 0 || atEnd !== 0) (narrowed ??= new Map()).set(piece, { before, atEnd });
  });
  return narrowed;
}

/** Pieces cut at the given offsets of the line's logical text (their texts joined). */
function splitAt(pieces: readonly Piece[], cuts: readonly number[]): Piece[] {
  if (cuts.length === 0) return [...pieces];
  const result: Piece[] = [];
  let start = 0;
  for (const piece of pieces) {
    const end = start + piece.text.length;
    let from = start;
    for (const cut of cuts) {
      if (cut <= from || cut >= end) continue;
      result.push({ ...piece, text: piece.text.slice(from - start, cut - start) });
      from = cut;
    }
    result.push(from === start ? piece : { ...piece, text: piece.text.slice(from - start) });
    start = end;
  }
  return result;
}

/** What starts or continues an emoji sequence and no font here draws: pictographs, regional indicators, skin tones, the keycap. */
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\p{Emoji_Modifier}\u20E3]/u;

let graphemeSegmenter: Intl.Segmenter | undefined;

/** Made on the first missing emoji of the process. */
function graphemes(): Intl.Segmenter {
  graphemeSegmenter ??= new Intl.Segmenter('und', { granularity: 'grapheme' });
  return graphemeSegmenter;
}
