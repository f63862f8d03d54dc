/**
 * layout: MarkupDocument → LayoutDocument. Measure every block, paginate in one place, then
 * add what repeats on every page (header band, footer) once the page count is known.
 */
import type { RenderDeadline } from '../deadline';
import { excerpt, type Problem } from '../errors';
import { type FontSet, hanLanguage } from '../fonts';
import { sentencesOf } from '../sentences';
import type { Furniture, FurnitureRun, LayoutResources, LoadedImage, MarkupBlock, MarkupDocument, TextRun, Theme } from '../types';
import { resolveLanguage } from '../template/i18n';
import { directionOf, hasRightToLeft, type Isolate, isolatesOf, loadBidi } from './bidi';
import { chartCharacters, chartNumbers } from './chart';
import { extractionClass, leftToRightReading } from './extraction';
import { BlockMeasurer, shift, type Slice } from './measure';
import { paginate, type PlacedSlice } from './paginate';
import { StructBuilder } from './structure';
import { blockStyles, pageGeometry, type PageGeometry } from './styles';
import { type Direction, TextSetter, variantOf, type TextStyle } from './text';
import type { LayoutDocument, LayoutNode, LayoutPage, PositionedRun } from './types';
import { placeDrawing } from './vector';

export type { GraphicShape, LayoutDocument, LayoutNode, PositionedRun, StructNode, StructType } from './types';

const LOGO_HEIGHT = 24;
const LOGO_MAX_WIDTH = 110;
/** Above the title the logo is the first thing a reader sees: larger than in the band. */
const TITLE_LOGO_HEIGHT = 40;
const TITLE_LOGO_MAX_WIDTH = 200;
const TITLE_LOGO_GAP = 14;
const ELLIPSIS = '…';
const LRM = '\u200E';
const FOOTER_RULE = 0.5;
/** Clear space, in points, between a furniture line's ink and the edges of its area. */
const FURNITURE_CLEARANCE = 2;

interface Measured {
  readonly pages: PlacedSlice[][];
  readonly structure: StructBuilder;
}

/**
 * Loads what laying out `filled` (the filled markup of `markup`) and the labels of its pictures
 * and logo needs beyond Noto Sans, once per process: script fonts and their shaper, and the
 * bidirectional algorithm for right-to-left text, a right-to-left language or an SVG label set
 * right to left. A `<span lang>` run of a language written in Han (ja, ko, zh…) also loads the
 * CJK font of its language. Resolves at once for a document Noto Sans draws alone, left to right.
 */
export async function prepareLayout(filled: string, markup: MarkupDocument, fonts: FontSet, pictures: readonly (LoadedImage | null)[] = []): Promise<void> {
  const { lang } = markup.meta;
  const labels = pictures.flatMap((picture) => (picture?.format === 'svg' ? picture.drawing.items.flatMap((item) => (item.kind === 'text' ? [item] : [])) : []));
  const text = `${filled}${labels.map((label) => ` ${label.text}`).join('')}`;
  const rightToLeft = directionOf(lang) === 'rtl' || hasRightToLeft(text) || labels.some((label) => label.direction === 'rtl');
  // The spans' text is prepared in its own language only: an English document naming 東京 in
  // Japanese reads Noto Sans JP, not the Simplified Chinese font that English would give it.
  const hasSpans = text.includes('<span');
  const spans = hasSpans ? [...runsInOtherLanguages(markup.body)].map((run) => ({ text: run.text, lang: hanLanguage(run.lang, lang) })) : [];
  // Page furniture is set in the document's language, spans and all (TextSetter.furnitureLine).
  const furniture = hasSpans ? [markup.header, markup.footer].flatMap(furnitureTexts).map((piece) => ({ text: piece, lang })) : [];
  const outsideSpans = hasSpans ? text.replace(/<span\b[^>]*>[^]*?<\/span>/g, ' ') : text;
  // A chart writes digits and parentheses of the language that its markup does not hold.
  const charts = text.includes('<chart') ? chartCharacters(chartNumbers(lang), resolveLanguage(lang).language.punctuation) : '';
  await Promise.all([
    fonts.prepare(`${outsideSpans}${charts}`, lang),
    ...[...spans, ...furniture].map((piece) => fonts.prepare(piece.text, piece.lang)),
    rightToLeft ? loadBidi() : undefined,
  ]);
}

function furnitureTexts(furniture: Furniture | null): string[] {
  if (furniture === null) return [];
  return [furniture.left, furniture.center, furniture.right].flatMap((runs) => runs.flatMap((run) => (run.kind === 'text' ? [run.text] : [])));
}

/** Every run of the blocks marked with a language of its own. */
function* runsInOtherLanguages(blocks: readonly MarkupBlock[]): Generator<TextRun & { readonly lang: string }> {
  const marked = function* (runs: readonly TextRun[] | null) {
    for (const run of runs ?? []) if (run.lang !== undefined) yield { ...run, lang: run.lang };
  };
  for (const block of blocks) {
    switch (block.kind) {
      case 'heading':
      case 'paragraph':
        yield* marked(block.runs);
        break;
      case 'list':
        for (const item of block.items) yield* marked(item.runs);
        break;
      case 'quote':
        for (const paragraph of block.paragraphs) yield* marked(paragraph);
        yield* marked(block.cite);
        break;
      case 'box':
        yield* runsInOtherLanguages(block.blocks);
        break;
      case 'grid':
        for (const fact of block.facts) {
          yield* marked(fact.label);
          yield* marked(fact.value);
        }
        break;
      case 'table':
        for (const row of [...(block.header === null ? [] : [block.header]), ...block.rows]) for (const cell of row) yield* marked(cell);
        break;
      case 'figure':
        yield* marked(block.caption);
        yield* marked(block.credit);
        break;
      case 'chart':
      case 'qr':
        break;
      default: {
        const unknown: never = block;
        throw new Error(`unhandled markup block ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/**
 * `resources`: the pictures for the markup's figures, the matrices for its QR codes; `deadline`:
 * when the render's time is up (checked once per paragraph).
 */
export function layoutDocument(markup: MarkupDocument, theme: Theme, fonts: FontSet, resources: LayoutResources = {}, deadline?: RenderDeadline): LayoutDocument {
  const geometry = pageGeometry(theme);
  const styles = blockStyles(theme, markup.meta.lang);
  const setter = new TextSetter(fonts, directionOf(markup.meta.lang), markup.meta.lang);
  const measure = (blocks: readonly MarkupBlock[]): Measured => {
    const structure = new StructBuilder();
    const measurer = new BlockMeasurer(setter, styles, geometry, structure, {
      primary: theme.colours.primary,
      text: theme.colours.text,
      accent: theme.colours.accent,
      highlight: theme.colours.highlight,
      rule: theme.colours.muted,
    }, resources, markup.meta.lang, deadline);
    const slices = measurer.measureBlocks(blocks, structure.root, geometry.left, geometry.right - geometry.left);
    if (theme.logo && theme.logoPlacement === 'title') slices.unshift(titleLogo(theme.logo, setter, geometry));
    return { pages: paginate(slices, geometry.contentTop, geometry.contentBottom), structure };
  };

  let measured = measure(markup.body);
  const { maxPages } = markup.meta;
  const warnings: Problem[] = [];
  if (maxPages !== null && measured.pages.length > maxPages) {
    const full = measured.pages.length;
    const fitted = fitToPages(markup.body, maxPages, measure);
    measured = fitted.measured;
    // A picture is never cut in part: the ones after the cut are named, since no "…" stands for them.
    const pictures = markup.body.slice(fitted.firstLeftOut).flatMap((block) => (block.kind === 'figure' ? [`"${block.src}"`] : []));
    const lost = pictures.length === 0 ? '' : `, with the picture(s) ${pictures.join(', ')}`;
    warnings.push({ message: `cut to fit the template's ${maxPages} page(s): the whole text needs ${full}, what follows "…" was left out${lost}` });
  }

  const pageCount = measured.pages.length;
  // Once per text, however many pages repeat it.
  const cuts = new Map<string, Problem>();
  const cut = (where: string, whole: string, fitted: string): void => {
    const message = `the ${where} text "${excerpt(whole)}" does not fit the page's width and is cut to "${excerpt(fitted)}"`;
    cuts.set(message, { message });
  };
  const pages: LayoutPage[] = measured.pages.map((placed, index) => ({
    nodes: readPage([
      ...furniture(markup, theme, geometry, setter, styles, index + 1, pageCount, cut),
      ...placeSlices(placed),
    ]),
  }));
  const missing = setter.missingCharacters();
  return {
    width: geometry.width,
    height: geometry.height,
    meta: markup.meta,
    structure: measured.structure.build(),
    pages,
    warnings: [
      ...warnings,
      ...cuts.values(),
      ...(missing.length === 0
        ? []
        : [{ message: `${missing.length} character(s) have no glyph in the embedded fonts and show as \uFFFD: ${missing.map(describeCharacter).join(', ')}` }]),
    ],
  };
}

/** The logo at most `maxWidth` wide and `height` high, keeping its proportions, from (x, y). */
function logoNode(logo: LoadedImage, setter: TextSetter, x: number, y: number, height: number, maxWidth: number): Extract<LayoutNode, { kind: 'image' | 'vector' }> {
  const width = Math.min(maxWidth, (height * logo.width) / logo.height);
  const drawnHeight = (width * logo.height) / logo.width;
  const top = y + (height - drawnHeight) / 2;
  return logo.format === 'svg'
    ? { kind: 'vector', x, y: top, width, height: drawnHeight, drawing: placeDrawing(logo.drawing, setter), struct: null }
    : { kind: 'image', x, y: top, width, height: drawnHeight, data: logo.bytes, struct: null };
}

/** The logo above the title: an artifact at the start of the first page, kept with the title. */
function titleLogo(logo: LoadedImage, setter: TextSetter, geometry: PageGeometry): Slice {
  const width = Math.min(TITLE_LOGO_MAX_WIDTH, (TITLE_LOGO_HEIGHT * logo.width) / logo.height);
  const x = setter.direction === 'rtl' ? geometry.right - width : geometry.left;
  return {
    height: TITLE_LOGO_HEIGHT + TITLE_LOGO_GAP,
    spaceBefore: 0,
    keepWithNext: true,
    nodes: [logoNode(logo, setter, x, 0, TITLE_LOGO_HEIGHT, width)],
    decorations: [],
    block: 0,
  };
}

/**
 * A page's text as extraction must read it. poppler reads a page in the direction of most of its
 * letters (left-to-right letters against right-to-left ones, the marks among them, over the whole
 * page), so the page decides, not the sheet: an Arabic sheet with a one-word title and a long
 * address, or a Persian one with English labels and a short text, is read left to right. The
 * readings' own marks count too: right to left is chosen only when the page stays so with them.
 * Each address line (layout/measure.ts, the QR code's) carries its text as one piece of
 * ActualText (extraction.ts, leftToRightReading), the line's other runs giving back a
 * left-to-right mark alone (poppler reads an empty ActualText as none). The runs of right-to-left
 * lines carry their reading on either page (PositionedRun.leftToRightPage): on a page read left
 * to right, a date "۱ ژانویهٔ ۲۰۲۴" read from its glyphs came back "۲۰۲۴ ٔ ژانویه۱".
 */
function readPage(nodes: LayoutNode[]): LayoutNode[] {
  const hasAddress = nodes.some((node) => node.kind === 'text' && node.address !== undefined);
  if (!hasAddress && !nodes.some((node) => runsOf(node).some((run) => run.leftToRightPage !== undefined))) return nodes;
  const balance = (texts: Iterable<string>): number => {
    let sum = 0;
    for (const text of texts) {
      for (const char of text) {
        const kind = extractionClass(char);
        if (kind === 'ltr') sum++;
        else if (kind === 'rtl') sum--;
      }
    }
    return sum;
  };
  const read = (page: Direction): LayoutNode[] =>
    nodes.map((node) => {
      if (node.kind !== 'text' || node.address === undefined) return withRuns(node, (run) => onPage(run, page));
      const reading = leftToRightReading(node.address, page);
      return { ...node, runs: node.runs.map((run, index) => ({ ...onPage(run, page), actualText: index === 0 ? reading : LRM })) };
    });
  const rightToLeft = read('rtl');
  return balance(rightToLeft.flatMap((node) => [...extractedTexts(node), ...addressTexts(node)])) < 0 ? rightToLeft : read('ltr');
}

/** A run with the ActualText of a page read in `page`'s direction. */
function onPage(run: PositionedRun, page: Direction): PositionedRun {
  if (run.leftToRightPage === undefined) return run;
  const { leftToRightPage, actualText, ...drawn } = run;
  const chosen = page === 'rtl' ? actualText : leftToRightPage.actualText;
  return chosen === undefined ? drawn : { ...drawn, actualText: chosen };
}

/** The runs of a node's text, labels included. */
function runsOf(node: LayoutNode): readonly PositionedRun[] {
  switch (node.kind) {
    case 'text':
      return node.runs;
    case 'vector':
      return node.drawing.shapes.flatMap((shape) => (shape.kind === 'label' ? shape.runs : []));
    case 'graphic':
      return node.shapes.flatMap((shape) => (shape.kind === 'text' ? shape.runs : []));
    case 'rect':
    case 'rule':
    case 'image':
      return [];
    default: {
      const unknown: never = node;
      throw new Error(`unhandled layout node ${JSON.stringify(unknown)}`);
    }
  }
}

/** `node` with each of its runs changed by `change`. */
function withRuns(node: LayoutNode, change: (run: PositionedRun) => PositionedRun): LayoutNode {
  switch (node.kind) {
    case 'text':
      return { ...node, runs: node.runs.map(change) };
    case 'vector':
      return { ...node, drawing: { ...node.drawing, shapes: node.drawing.shapes.map((shape) => (shape.kind === 'label' ? { ...shape, runs: shape.runs.map(change) } : shape)) } };
    case 'graphic':
      return { ...node, shapes: node.shapes.map((shape) => (shape.kind === 'text' ? { ...shape, runs: shape.runs.map(change) } : shape)) };
    case 'rect':
    case 'rule':
    case 'image':
      return node;
    default: {
      const unknown: never = node;
      throw new Error(`unhandled layout node ${JSON.stringify(unknown)}`);
    }
  }
}

/** What extraction reads of runs: their ActualText where they carry one. */
function readBack(runs: readonly PositionedRun[]): string[] {
  return runs.map((run) => run.actualText ?? run.text);
}

/** What extraction reads of a node that is not an address line. */
function extractedTexts(node: LayoutNode): string[] {
  return node.kind === 'text' && node.address !== undefined ? [] : readBack(runsOf(node));
}

function addressTexts(node: LayoutNode): string[] {
  return node.kind === 'text' && node.address !== undefined ? readBack(node.runs) : [];
}

/** Decorations first (they are backgrounds), then each slice's own drawing. */
function placeSlices(placed: readonly PlacedSlice[]): LayoutNode[] {
  const extents = new Map<number, { x: number; width: number; fill: string; top: number; bottom: number }>();
  for (const { slice, top } of placed) {
    for (const decoration of slice.decorations) {
      const extent = extents.get(decoration.id);
      const bottom = top + slice.height;
      if (extent) extent.bottom = bottom;
      else extents.set(decoration.id, { ...decoration, top, bottom });
    }
  }
  const backgrounds: LayoutNode[] = [...extents.values()].map((extent) => ({
    kind: 'rect',
    x: extent.x,
    y: extent.top,
    width: extent.width,
    height: extent.bottom - extent.top,
    fill: extent.fill,
  }));
  return [...backgrounds, ...placed.flatMap(({ slice, top }) => slice.nodes.map((node) => shift(node, top)))];
}

/**
 * For templates with a page limit: keeps whole blocks while they fit, then as much of the next
 * one as fits — cut after a sentence (after a word when it has no sentence end), or after a list
 * item, fact or table row — marked with a visible "…".
 */
function fitToPages(blocks: readonly MarkupBlock[], maxPages: number, measure: (blocks: readonly MarkupBlock[]) => Measured): { measured: Measured; firstLeftOut: number } {
  const full = measure(blocks);
  const firstOverflow = (full.pages[maxPages]?.[0]?.slice as Slice).block;
  return { measured: fitBefore(blocks, firstOverflow, maxPages, measure), firstLeftOut: firstOverflow };
}

/** The blocks before `firstOverflow` and as much of it as fits, or the "…" alone. */
function fitBefore(blocks: readonly MarkupBlock[], firstOverflow: number, maxPages: number, measure: (blocks: readonly MarkupBlock[]) => Measured): Measured {
  const kept = blocks.slice(0, firstOverflow);
  // Candidates run from longest to shortest, so the first that fits is found by bisection.
  const candidates = truncations(blocks[firstOverflow] as MarkupBlock);
  let fitting: Measured | null = null;
  let low = 0;
  let high = candidates.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const attempt = measure([...kept, ...(candidates[middle] as readonly MarkupBlock[])]);
    if (attempt.pages.length <= maxPages) {
      fitting = attempt;
      high = middle - 1;
    } else {
      low = middle + 1;
    }
  }
  if (fitting) return fitting;
  while (kept.length > 0 && (kept[kept.length - 1] as MarkupBlock).kind === 'heading') kept.pop();
  const marked = measure([...kept, ELLIPSIS_LINE]);
  return marked.pages.length <= maxPages ? marked : measure(kept);
}

/** Marks a cut that has no text of its own to end in "…" (fewer facts, fewer table rows). */
const ELLIPSIS_LINE: MarkupBlock = { kind: 'paragraph', style: 'small', runs: [plainRun(ELLIPSIS)] };

/** Shorter versions of a block, longest first, each with its visible "…". */
function truncations(block: MarkupBlock): (readonly MarkupBlock[])[] {
  return shortenedBlocks(block).map((shortened) => (shortened.kind === 'grid' || shortened.kind === 'table' ? [shortened, ELLIPSIS_LINE] : [shortened]));
}

function shortenedBlocks(block: MarkupBlock): MarkupBlock[] {
  switch (block.kind) {
    case 'paragraph':
      return textPrefixes(block.runs).map((runs) => ({ ...block, runs }));
    case 'list':
      return block.items.flatMap((item, index) => {
        const before = block.items.slice(0, index);
        const last = before[before.length - 1];
        return [
          ...textPrefixes(item.runs).map((runs) => ({ ...block, items: [...before, { ...item, runs }] })),
          ...(last !== undefined ? [{ ...block, items: [...before.slice(0, -1), { ...last, runs: [...last.runs, plainRun(` ${ELLIPSIS}`)] }] }] : []),
        ];
      }).reverse();
    case 'grid':
      return block.facts.slice(1).map((_, index) => ({ ...block, facts: block.facts.slice(0, block.facts.length - 1 - index) }));
    case 'table':
      return block.rows.slice(1).map((_, index) => ({ ...block, rows: block.rows.slice(0, block.rows.length - 1 - index) }));
    case 'box': {
      const last = block.blocks[block.blocks.length - 1];
      return last ? shortenedBlocks(last).map((shortened) => ({ ...block, blocks: [...block.blocks.slice(0, -1), shortened] })) : [];
    }
    case 'heading':
    case 'quote':
    case 'figure':
    case 'chart':
    case 'qr':
      return [];
    default: {
      const unknown: never = block;
      throw new Error(`unhandled markup block ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The runs cut after each sentence end, longest first, with " …" appended; a text with no
 * sentence end is cut after each word instead, never inside one.
 */
function textPrefixes(runs: readonly TextRun[]): (readonly TextRun[])[] {
  const text = runs.map((run) => run.text).join('');
  const whole = text.trimEnd().length;
  const sentenceEnds = sentencesOf(text).map((sentence) => sentence.end).filter((end) => end < whole);
  const ends = sentenceEnds.length > 0 ? sentenceEnds : [...text.matchAll(/\S(?=\s)/g)].map((match) => match.index + 1);
  return ends.reverse().map((end) => {
    const cut: TextRun[] = [];
    let offset = 0;
    for (const run of runs) {
      if (offset >= end) break;
      cut.push({ ...run, text: run.text.slice(0, end - offset) });
      offset += run.text.length;
    }
    return [...cut, plainRun(` ${ELLIPSIS}`)];
  });
}

function plainRun(text: string): TextRun {
  return { kind: 'text', text, bold: false, italic: false, href: null };
}

function furniture(
  markup: MarkupDocument,
  theme: Theme,
  geometry: PageGeometry,
  setter: TextSetter,
  styles: ReturnType<typeof blockStyles>,
  page: number,
  pages: number,
  cut: (where: string, whole: string, fitted: string) => void,
): LayoutNode[] {
  const nodes: LayoutNode[] = [];
  const width = geometry.right - geometry.left;
  if (markup.header) {
    nodes.push({ kind: 'rect', x: 0, y: 0, width: geometry.width, height: geometry.bandHeight, fill: theme.colours.primary });
    // Laid out left to right, then mirrored whole on a right-to-left page: the logo at the right
    // edge, the organisation's name on its left, as a `dir=rtl` page places them.
    const band: LayoutNode[] = [];
    let left = geometry.left;
    if (theme.logo && theme.logoPlacement === 'band') {
      const logo = logoNode(theme.logo, setter, left, (geometry.bandHeight - LOGO_HEIGHT) / 2, LOGO_HEIGHT, LOGO_MAX_WIDTH);
      band.push(logo);
      left += logo.width + 8;
    }
    const baseline = geometry.bandHeight / 2 + styles.header.size * 0.35;
    band.push(...furnitureSlots(markup.header, styles.header, setter, { left, right: geometry.right, width }, baseline, page, pages, (slot, whole, fitted) => cut(`header's ${slot}`, whole, fitted)));
    nodes.push(...withinArea(inDirection(band, geometry, setter), { top: FURNITURE_CLEARANCE, bottom: geometry.bandHeight - FURNITURE_CLEARANCE }, setter));
  }
  if (markup.footer) {
    nodes.push({ kind: 'rule', x1: geometry.left, y1: geometry.footerRule, x2: geometry.right, y2: geometry.footerRule, color: theme.colours.muted, thickness: FOOTER_RULE });
    const line = furnitureSlots(markup.footer, styles.footer, setter, { left: geometry.left, right: geometry.right, width }, geometry.footerBaseline, page, pages, (slot, whole, fitted) => cut(`footer's ${slot}`, whole, fitted));
    nodes.push(...withinArea(inDirection(line, geometry, setter), { top: geometry.footerRule + FOOTER_RULE / 2 + FURNITURE_CLEARANCE, bottom: geometry.height - FURNITURE_CLEARANCE }, setter));
  }
  return nodes;
}

/** A furniture line laid out left to right, mirrored across the text column on a right-to-left page. */
function inDirection(nodes: readonly LayoutNode[], geometry: PageGeometry, setter: TextSetter): readonly LayoutNode[] {
  return setter.direction === 'rtl' ? nodes.map((node) => mirrored(node, geometry)) : nodes;
}

/**
 * A furniture line keeps its baseline unless the ink of stacked marks would pass its area (the
 * band; below the footer's rule, above the page's bottom edge): then its slots move together, as
 * far as that ink needs and the area allows, so that they keep one baseline. The band does not
 * grow: it is the same on every page and every fact sheet of the brand, and validation keeps
 * fewer marks in the fields the templates print there (MAX_MARKS_IN_FURNITURE), few enough to
 * fit. Ordinary text is told by one pattern test of each slot (TextSetter.inkRoom).
 */
function withinArea(nodes: readonly LayoutNode[], area: { readonly top: number; readonly bottom: number }, setter: TextSetter): readonly LayoutNode[] {
  const texts = nodes.filter((node): node is Extract<LayoutNode, { kind: 'text' }> => node.kind === 'text');
  const room = setter.inkRoom(texts.flatMap((node) => node.runs));
  const first = texts[0];
  if (room === null || first === undefined) return nodes;
  const { ascent, descent } = setter.extent('regular', (first.runs[0] as PositionedRun).size);
  const top = first.baseline - ascent - room.above;
  const bottom = first.baseline - descent + room.below;
  let shift = 0;
  if (top < area.top) shift = Math.min(area.top - top, Math.max(0, area.bottom - bottom));
  else if (bottom > area.bottom) shift = -Math.min(bottom - area.bottom, top - area.top);
  return shift === 0 ? nodes : nodes.map((node) => (node.kind === 'text' ? { ...node, baseline: node.baseline + shift } : node));
}

/**
 * The centre slot (a classification such as "Embargoed until 28 Feb 2022 14:00 CET") takes what it
 * needs: up to a third of the line, or more while it stays centred clear of what the left and right
 * slots hold. The right one takes up to what remains on its side (half the line when the centre is
 * empty); the left slot gets what remains, so a long source list is cut only when it must be. A
 * slot cut to fit ends in "…" and is reported through `cut`.
 */
function furnitureSlots(
  slots: Furniture,
  style: TextStyle,
  setter: TextSetter,
  area: { left: number; right: number; width: number },
  baseline: number,
  page: number,
  pages: number,
  cut: (slot: 'left' | 'center' | 'right', whole: string, fitted: string) => void,
): LayoutNode[] {
  const gap = 12;
  const third = area.width / 3 - gap;
  const variantFor = (runs: readonly FurnitureRun[]) => {
    const first = runs.find((run) => run.kind === 'text');
    return variantOf(style.bold || (first?.bold ?? false), style.italic || (first?.italic ?? false));
  };
  const naturalWidth = (runs: readonly FurnitureRun[]): number => {
    const text = setter.fitLine(furnitureText(runs, page, pages), variantFor(runs), style.size, Number.POSITIVE_INFINITY);
    return text === '' ? 0 : setter.widthOf(text, variantFor(runs), style.size);
  };
  const node = (slot: 'left' | 'center' | 'right', runs: readonly FurnitureRun[], maxWidth: number, place: (width: number) => number): { node: LayoutNode | null; width: number } => {
    const variant = variantFor(runs);
    const whole = furnitureText(runs, page, pages);
    const text = setter.fitLine(whole, variant, style.size, maxWidth);
    if (text !== setter.fitLine(whole, variant, style.size, Number.POSITIVE_INFINITY)) cut(slot, whole, text);
    if (text === '') return { node: null, width: 0 };
    const line = setter.furnitureLine(text, variant, style.size, style.color, furnitureIsolates(runs, page, pages, setter));
    const x = place(line.width);
    return { node: { kind: 'text', baseline, runs: line.runs.map((run) => ({ ...run, x: run.x + x })) }, width: line.width };
  };
  const half = area.width / 2;
  const centred = 2 * (half - Math.max(naturalWidth(slots.left), naturalWidth(slots.right)) - gap);
  const center = node('center', slots.center, Math.max(third, centred), (width) => area.left + (area.right - area.left - width) / 2);
  const right = node('right', slots.right, center.node ? Math.max(third, half - center.width / 2 - gap) : half - gap, (width) => area.right - width);
  const leftLimit = center.node ? (area.right - area.left - center.width) / 2 - gap : area.right - area.left - right.width - gap;
  const left = node('left', slots.left, leftLimit, () => area.left);
  return [left.node, center.node, right.node].filter((placed): placed is LayoutNode => placed !== null);
}

/**
 * A piece of furniture moved to the other side of the band or footer: a slot's text with its runs
 * kept in their order, a logo as it is (pictures do not mirror).
 */
function mirrored(node: LayoutNode, area: { readonly left: number; readonly right: number }): LayoutNode {
  switch (node.kind) {
    case 'text': {
      const start = Math.min(...node.runs.map((run) => run.x));
      const end = Math.max(...node.runs.map((run) => run.x + run.width));
      const shift = area.left + area.right - end - start;
      return { ...node, runs: node.runs.map((run) => ({ ...run, x: run.x + shift })) };
    }
    case 'image':
    case 'vector':
      return { ...node, x: area.left + area.right - node.x - node.width };
    case 'rect':
    case 'rule':
    case 'graphic':
      throw new Error(`a ${node.kind} is not page furniture`);
    default: {
      const unknown: never = node;
      throw new Error(`unhandled layout node ${JSON.stringify(unknown)}`);
    }
  }
}

/** Slots without a page number are the same on every page: their text is joined once. */
const fixedFurnitureText = new WeakMap<readonly FurnitureRun[], string>();

function furnitureText(runs: readonly FurnitureRun[], page: number, pages: number): string {
  const fixed = runs.every((run) => run.kind === 'text');
  const known = fixed ? fixedFurnitureText.get(runs) : undefined;
  if (known !== undefined) return known;
  const { text } = joinFurniture(runs, page, pages);
  if (fixed) fixedFurnitureText.set(runs, text);
  return text;
}

/**
 * The isolates of a furniture line's runs in a language written the other way (an English
 * "Source:" on a Persian page), at their places in the joined line; none without such a run.
 */
function furnitureIsolates(runs: readonly FurnitureRun[], page: number, pages: number, setter: TextSetter): Isolate[] {
  if (!runs.some((run) => run.kind === 'text' && run.lang !== undefined)) return [];
  return isolatesOf(joinFurniture(runs, page, pages).pieces, setter.direction);
}

/**
 * A slot's runs as one line, white space collapsed across the runs and trimmed, and each run's
 * piece of that line in order (with its language), where the line's isolates come from.
 */
function joinFurniture(runs: readonly FurnitureRun[], page: number, pages: number): { readonly text: string; readonly pieces: readonly { text: string; lang?: string }[] } {
  const pieces: { text: string; lang?: string }[] = [];
  let joined = '';
  for (const run of runs) {
    let text = runText(run, page, pages).replace(/\s+/g, ' ');
    if ((joined === '' || joined.endsWith(' ')) && text.startsWith(' ')) text = text.slice(1);
    joined += text;
    pieces.push(run.kind === 'text' && run.lang !== undefined ? { text, lang: run.lang } : { text });
  }
  return { text: joined.trimEnd(), pieces };
}

function runText(run: FurnitureRun, page: number, pages: number): string {
  switch (run.kind) {
    case 'text':
      return run.text;
    case 'page-number':
      return String(page);
    case 'page-count':
      return String(pages);
    default: {
      const unknown: never = run;
      throw new Error(`unhandled furniture run ${JSON.stringify(unknown)}`);
    }
  }
}

/** A character, or an emoji sequence with each of its code points. */
function describeCharacter(char: string): string {
  return `"${char}" (${[...char].map((one) => `U+${(one.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`).join(' ')})`;
}
