/**
 * Measure: every markup block becomes a list of slices — the smallest pieces that may start a
 * new page — with the constraints the paginator must honour (keep with next, spacing). Slices
 * carry their drawing with y relative to the slice top; placing them is paginate.ts's job.
 */
import type { RenderDeadline } from '../deadline';
import { TemplateError } from '../errors';
import type { DrawnChart, LayoutResources, ListLevel, MarkupBlock, TextRun } from '../types';
import { resolveLanguage } from '../template/i18n';
import { chartAlt, chartCaption, chartNumbers, drawChart } from './chart';
import type { BlockStyles, PageGeometry } from './styles';
import type { TextSetter, TextStyle } from './text';
import type { GraphicShape, LayoutNode, PositionedRun, StructType } from './types';
import type { StructBuilder } from './structure';
import { hasRightToLeft } from './bidi';
import { placeDrawing } from './vector';

/** A decoration drawn behind consecutive slices, page by page (a box fill, a quote bar). */
interface Decoration {
  readonly id: number;
  readonly x: number;
  readonly width: number;
  readonly fill: string;
}

export interface Slice {
  readonly height: number;
  /** Dropped when the slice starts a page. */
  readonly spaceBefore: number;
  /** The paginator never breaks a page right after this slice (unless nothing else fits). */
  readonly keepWithNext: boolean;
  readonly nodes: readonly LayoutNode[];
  readonly decorations: readonly Decoration[];
  /** Index of the top-level block the slice comes from. */
  readonly block: number;
  /** Drawn first when this slice starts a page (a table's header row, repeated as an artifact). */
  readonly continuation?: Slice;
}

const NO_ROOM = { above: 0, below: 0 } as const;
const LIST_INDENT = 14;
const QUOTE_INDENT = 14;
const BOX_PAD = 10;
const CARD_PAD = 7;
const GRID_GAP = 8;
const CELL_PAD = 4;
/** A picture is never drawn larger than its pixels at 96 per inch, where they start to show. */
const POINTS_PER_PIXEL = 0.75;
/** Of the page's content height: a picture leaves room for its caption and some text. */
const FIGURE_MAX_HEIGHT = 0.5;
const CAPTION_GAP = 5;
/** Points, quiet zone included: about 25 mm, which a phone reads at arm's length. */
const QR_SIZE = 72;
/** Modules of white around the code, as the QR specification asks. */
const QR_QUIET_ZONE = 4;

export class BlockMeasurer {
  private decorationCount = 0;
  /** Height of every line set so far, for the deadline's page estimate. */
  private linesHeight = 0;

  constructor(
    private readonly setter: TextSetter,
    private readonly styles: BlockStyles,
    private readonly page: PageGeometry,
    private readonly structure: StructBuilder,
    private readonly colours: { readonly primary: string; readonly accent: string; readonly highlight: string; readonly rule: string; readonly text: string },
    private readonly resources: LayoutResources,
    private readonly lang: string,
    private readonly deadline?: RenderDeadline,
  ) {}

  private numberFormat: Intl.NumberFormat | null = null;

  /** Made by the first chart: most documents have none. */
  private get numbers(): Intl.NumberFormat {
    this.numberFormat ??= chartNumbers(this.lang);
    return this.numberFormat;
  }

  /** Right-to-left documents mirror bullets, bars, columns and indents. */
  private get rtl(): boolean {
    return this.setter.direction === 'rtl';
  }

  get pageHeight(): number {
    return this.page.contentBottom - this.page.contentTop;
  }

  measureBlocks(blocks: readonly MarkupBlock[], parent: number, x: number, width: number, blockIndex?: number, inBox = false): Slice[] {
    return blocks.flatMap((block, index) =>
      this.measure(block, parent, x, width, blockIndex ?? index, inBox),
    );
  }

  private measure(block: MarkupBlock, parent: number, x: number, width: number, index: number, inBox: boolean): Slice[] {
    switch (block.kind) {
      case 'heading': {
        const style = this.styles[`h${block.level}`];
        const lines = this.paragraph(block.runs, style, x, width, parent, `H${block.level}`);
        return [joinSlices(lines, style.spaceBefore, true, index)];
      }
      case 'paragraph': {
        const style = inBox && block.style === 'body' ? { ...this.styles.boxText, spaceBefore: this.styles.body.spaceBefore } : this.styles[block.style];
        const lines = this.paragraph(block.runs, style, x, width, parent, 'P');
        return withWidowControl(lines, style.spaceBefore, index);
      }
      case 'list':
        return this.list(block.items, parent, x, width, index, inBox);
      case 'quote':
        return this.quote(block, parent, x, width, index);
      case 'box':
        return this.box(block.blocks, parent, x, width, index);
      case 'grid':
        return this.grid(block, parent, x, width, index);
      case 'table':
        return this.table(block, parent, x, width, index);
      case 'figure':
        return [this.figure(block, parent, x, width, index)];
      case 'chart':
        return this.chart(block.chart, parent, x, width, index);
      case 'qr':
        return [this.qr(block.href, parent, x, width, index)];
      default: {
        const unknown: never = block;
        throw new Error(`unhandled markup block ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * Lines of one paragraph-like element, each a slice of its own (no spacing or constraints yet).
   * A line whose ink passes the font's ascent or descent (stacked marks) is that much taller, so
   * that the ink stays inside its slice: off the lines around, the page's margin and a cell's
   * rule. `lead` is drawn on the first line's baseline before the text (a list item's bullet).
   */
  private paragraph(
    runs: readonly TextRun[],
    style: TextStyle,
    x: number,
    width: number,
    parent: number,
    type: StructType,
    lead?: PositionedRun,
  ): Slice[] {
    const element = this.structure.add(parent, type);
    const links = new Map<TextRun, number>();
    // A link, or a run in a language of its own, is an element of its own: a Link or a Span, with its /Lang.
    const structOf = (run: TextRun): number => {
      if (!run.href && run.lang === undefined) return element;
      let own = links.get(run);
      if (own === undefined) {
        own = this.structure.add(element, run.href ? 'Link' : 'Span', undefined, run.lang);
        links.set(run, own);
      }
      return own;
    };
    const lines = this.setter.setLines(runs, style, width, structOf);
    // Every text goes through here: once per paragraph is often enough to stop a runaway render.
    this.linesHeight += lines.length * style.lineHeight;
    this.deadline?.checkLayout(Math.ceil(this.linesHeight / this.pageHeight));
    return lines.map((line, index) => {
      const room = this.setter.inkRoom(line.runs) ?? NO_ROOM;
      const text = line.runs.length === 0 ? [] : [this.textNode(line.runs, style, x, room.above)];
      return {
        height: style.lineHeight + room.above + room.below,
        spaceBefore: 0,
        keepWithNext: false,
        nodes: index === 0 && lead !== undefined ? [this.textNode([lead], style, 0, room.above), ...text] : text,
        decorations: [],
        block: -1,
      };
    });
  }

  /**
   * The line box is centred on the font's ascent-to-descent height (half-leading above and below),
   * `above` lower for ink that passes the ascent.
   */
  private textNode(runs: readonly PositionedRun[], style: TextStyle, x: number, above: number): LayoutNode {
    const { ascent, descent } = this.setter.extent('regular', style.size);
    const baseline = (style.lineHeight - (ascent - descent)) / 2 + ascent + above;
    return { kind: 'text', baseline, runs: runs.map((run) => ({ ...run, x: run.x + x })) };
  }

  /**
   * One bullet a slice group; a sub-bullet is indented one step more, with a dash, and is tagged as
   * PDF/UA nests lists: an L inside the LBody of the item it belongs to.
   */
  private list(items: Extract<MarkupBlock, { kind: 'list' }>['items'], parent: number, x: number, width: number, index: number, inBox: boolean): Slice[] {
    const style = inBox ? this.styles.boxText : this.styles.body;
    /** The open lists, outermost first: each the L element and the LBody of its last item. */
    const open: { list: number; body: number }[] = [];
    return items.flatMap((entry, itemIndex) => {
      open.length = Math.min(open.length, entry.level + 1);
      while (open.length <= entry.level) {
        const holder = open[open.length - 1]?.body ?? parent;
        open.push({ list: this.structure.add(holder, 'L'), body: holder });
      }
      const current = open[entry.level] as { list: number; body: number };
      const item = this.structure.add(current.list, 'LI');
      const label = this.structure.add(item, 'Lbl');
      const body = this.structure.add(item, 'LBody');
      current.body = body;
      const indent = LIST_INDENT * (entry.level + 1);
      const mark = entry.level === 0 ? '•' : '–';
      const markWidth = this.setter.widthOf(mark, 'bold', style.size);
      const offset = 3 + LIST_INDENT * entry.level;
      const bullet: PositionedRun = {
        text: mark,
        variant: 'bold',
        size: style.size,
        color: this.colours.accent,
        x: this.rtl ? x + width - offset - markWidth : x + offset,
        width: markWidth,
        href: null,
        struct: label,
      };
      const lines = this.paragraph(entry.runs, style, this.rtl ? x : x + indent, width - indent, body, 'P', bullet);
      const slices = this.keepTogether(lines, itemIndex === 0 ? 6 : entry.level > 0 ? 2 : 3, index);
      if (!keepsWithNextItem(items, itemIndex)) return slices;
      const last = slices.length - 1;
      return slices.map((slice, sliceIndex) => (sliceIndex === last ? { ...slice, keepWithNext: true } : slice));
    });
  }

  private quote(block: Extract<MarkupBlock, { kind: 'quote' }>, parent: number, x: number, width: number, index: number): Slice[] {
    const quote = this.structure.add(parent, 'BlockQuote');
    const bar: Decoration = { id: ++this.decorationCount, x: this.rtl ? x + width - 2.5 : x, width: 2.5, fill: this.colours.accent };
    const textX = this.rtl ? x : x + QUOTE_INDENT;
    const slices = block.paragraphs.flatMap((runs, paragraphIndex) =>
      this.paragraph(runs, this.styles.quote, textX, width - QUOTE_INDENT, quote, 'P').map((slice, lineIndex) =>
        lineIndex === 0 && paragraphIndex > 0 ? { ...slice, spaceBefore: 4 } : slice,
      ),
    );
    if (block.cite) {
      const cite = this.paragraph(block.cite, this.styles.cite, textX, width - QUOTE_INDENT, quote, 'P');
      slices.push(...cite.map((slice, lineIndex) => (lineIndex === 0 ? { ...slice, spaceBefore: 3 } : slice)));
    }
    return this.keepTogether(slices.map((slice) => ({ ...slice, decorations: [bar] })), 12, index);
  }

  private box(blocks: readonly MarkupBlock[], parent: number, x: number, width: number, index: number): Slice[] {
    const box = this.structure.add(parent, 'Div');
    const fill: Decoration = { id: ++this.decorationCount, x, width, fill: this.colours.highlight };
    const bar: Decoration = { id: ++this.decorationCount, x: this.rtl ? x + width - 3 : x, width: 3, fill: this.colours.accent };
    const inner = this.measureBlocks(blocks, box, this.rtl ? x + BOX_PAD : x + BOX_PAD + 3, width - 2 * BOX_PAD - 3, index, true);
    const last = inner.length - 1;
    // The box's padding belongs to its first and last slices, so the fill grows with them.
    const padded = inner.map((slice, sliceIndex) => {
      const top = sliceIndex === 0 ? BOX_PAD : 0;
      const bottom = sliceIndex === last ? BOX_PAD : 0;
      return {
        ...slice,
        height: slice.height + top + bottom,
        spaceBefore: sliceIndex === 0 ? 0 : slice.spaceBefore,
        nodes: slice.nodes.map((node) => shift(node, top)),
        decorations: [fill, bar, ...slice.decorations],
      };
    });
    return this.keepTogether(padded, 14, index);
  }

  private grid(block: Extract<MarkupBlock, { kind: 'grid' }>, parent: number, x: number, width: number, index: number): Slice[] {
    const table = this.structure.add(parent, 'Table');
    const body = this.structure.add(table, 'TBody');
    const columns = Math.max(1, block.columns);
    const cardWidth = (width - GRID_GAP * (columns - 1)) / columns;
    const textWidth = cardWidth - 2 * CARD_PAD;
    const { factLabel, factValue } = this.styles;
    const slices: Slice[] = [];
    for (let start = 0; start < block.facts.length; start += columns) {
      const spaceBefore = start === 0 ? 12 : GRID_GAP;
      const cards = block.facts.slice(start, start + columns).map((fact, column) => {
        const row = this.structure.add(body, 'TR');
        const cardX = x + (this.rtl ? columns - 1 - column : column) * (cardWidth + GRID_GAP);
        const label = this.paragraph(fact.label, factLabel, cardX + CARD_PAD, textWidth, row, 'TH');
        const value = this.paragraph(fact.value, factValue, cardX + CARD_PAD, textWidth, row, 'TD');
        return { cardX, label, value, content: stack([...label, { ...joinSlices(value, 2, false, index) }]) };
      });
      const contents = alignedFirstLines(cards.map((card) => card.content));
      const height = Math.max(...contents.map((content) => content.height)) + 2 * CARD_PAD;
      if (height > this.pageHeight / 2) {
        slices.push(...this.unwrapRow(cards.flatMap((card) => [card.label, card.value]), spaceBefore, index));
        continue;
      }
      const nodes: LayoutNode[] = [
        ...cards.map((card): LayoutNode => ({ kind: 'rect', x: card.cardX, y: 0, width: cardWidth, height, fill: this.colours.highlight })),
        ...contents.flatMap((content) => content.nodes.map((node) => shift(node, CARD_PAD))),
      ];
      slices.push({ height, spaceBefore, keepWithNext: false, nodes, decorations: [], block: index });
    }
    return slices;
  }

  private table(block: Extract<MarkupBlock, { kind: 'table' }>, parent: number, x: number, width: number, index: number): Slice[] {
    const table = this.structure.add(parent, 'Table');
    const total = block.widths.reduce((sum, part) => sum + part, 0);
    const columnX: number[] = [];
    let cursor = x;
    const columnWidths = block.widths.map((part) => {
      const columnWidth = (width * part) / total;
      // Right to left, the first column is the rightmost.
      columnX.push(this.rtl ? 2 * x + width - cursor - columnWidth : cursor);
      cursor += columnWidth;
      return columnWidth;
    });
    const row = (cells: readonly (readonly TextRun[])[], group: number, cellType: 'TH' | 'TD', style: TextStyle, spaceBefore: number): Slice[] => {
      const tr = this.structure.add(group, 'TR');
      const cellLines = cells.map((runs, column) =>
        this.paragraph(runs, style, (columnX[column] ?? x) + CELL_PAD, (columnWidths[column] ?? width) - 2 * CELL_PAD, tr, cellType),
      );
      const contents = alignedFirstLines(cellLines.map(stack));
      const height = Math.max(0, ...contents.map((content) => content.height)) + 2 * CELL_PAD;
      if (height > this.pageHeight / 2) return this.unwrapRow(cellLines, spaceBefore, index);
      const nodes: LayoutNode[] = [
        ...contents.flatMap((content) => content.nodes.map((node) => shift(node, CELL_PAD))),
        { kind: 'rule', x1: x, y1: height, x2: x + width, y2: height, color: this.colours.rule, thickness: cellType === 'TH' ? 0.8 : 0.4 },
      ];
      return [{ height, spaceBefore, keepWithNext: cellType === 'TH', nodes, decorations: [], block: index }];
    };
    const slices: Slice[] = [];
    let continuation: Slice | undefined;
    if (block.header) {
      const header = row(block.header, this.structure.add(table, 'THead'), 'TH', this.styles.tableHead, 10);
      slices.push(...header);
      continuation = header.length === 1 ? { ...(header[0] as Slice), keepWithNext: false, nodes: (header[0] as Slice).nodes.map(asArtifact) } : undefined;
    }
    const body = this.structure.add(table, 'TBody');
    block.rows.forEach((cells, rowIndex) =>
      slices.push(
        ...row(cells, body, 'TD', this.styles.tableCell, rowIndex === 0 && !block.header ? 10 : 0).map((slice) => ({ ...slice, continuation })),
      ),
    );
    return slices;
  }

  /**
   * One unbreakable slice: the picture at the column width (or smaller, see the constants), centred,
   * then its caption and credit at the column width. The picture's height is at most half the
   * content area and the caption is limited in length, so the whole always fits on one page.
   */
  private figure(block: Extract<MarkupBlock, { kind: 'figure' }>, parent: number, x: number, width: number, index: number): Slice {
    const image = this.resources.images?.get(block.src);
    if (image === undefined) {
      throw new TemplateError(`<figure src="${block.src}">`, 'names a picture the document does not have; a template shows the document\'s pictures with src="{{src}}"');
    }
    const group = this.structure.add(parent, 'Div');
    const figure = this.structure.add(group, 'Figure', block.alt);
    let drawnWidth = Math.min(width, image.width * POINTS_PER_PIXEL);
    let drawnHeight = (drawnWidth * image.height) / image.width;
    const maxHeight = this.pageHeight * FIGURE_MAX_HEIGHT;
    if (drawnHeight > maxHeight) {
      drawnHeight = maxHeight;
      drawnWidth = (drawnHeight * image.width) / image.height;
    }
    const picture: Slice = {
      height: drawnHeight,
      spaceBefore: 0,
      keepWithNext: false,
      nodes: [
        image.format === 'svg'
          ? { kind: 'vector', x: x + (width - drawnWidth) / 2, y: 0, width: drawnWidth, height: drawnHeight, drawing: placeDrawing(image.drawing, this.setter), struct: figure }
          : { kind: 'image', x: x + (width - drawnWidth) / 2, y: 0, width: drawnWidth, height: drawnHeight, data: image.bytes, struct: figure },
      ],
      decorations: [],
      block: index,
    };
    const texts: Slice[] = [];
    if (block.caption !== null || block.credit !== null) {
      const caption = this.structure.add(group, 'Caption');
      const lines = (runs: readonly TextRun[] | null, style: TextStyle, spaceBefore: number): Slice[] =>
        runs === null ? [] : this.paragraph(runs, style, x, width, caption, 'P').map((line, lineIndex) => (lineIndex === 0 ? { ...line, spaceBefore } : line));
      texts.push(...lines(block.caption, this.styles.caption, CAPTION_GAP), ...lines(block.credit, this.styles.credit, block.caption === null ? CAPTION_GAP : 1));
    }
    return joinSlices([picture, ...texts], 12, false, index);
  }

  /**
   * The QR code drawn module by module (one rectangle a run of dark modules in a row), with the
   * address beside it as a link: the code for paper, the link for the screen. The address reads
   * left to right as one unit on every sheet (a left-to-right isolate, as Chromium shows a URL in
   * `<bdi dir=ltr>`): on a right-to-left page its Arabic path would otherwise take it apart.
   */
  private qr(href: string, parent: number, x: number, width: number, index: number): Slice {
    const matrix = this.resources.qrCodes?.get(href);
    if (matrix === undefined) throw new Error(`no QR code was made for ${href}`);
    const group = this.structure.add(parent, 'Div');
    const figure = this.structure.add(group, 'Figure', `QR code: ${href}`);
    const module = QR_SIZE / (matrix.size + 2 * QR_QUIET_ZONE);
    const shapes: GraphicShape[] = [];
    for (let row = 0; row < matrix.size; row++) {
      for (let column = 0; column < matrix.size; column++) {
        if (!matrix.dark[row * matrix.size + column]) continue;
        const start = column;
        while (column + 1 < matrix.size && matrix.dark[row * matrix.size + column + 1]) column++;
        const left = (QR_QUIET_ZONE + start) * module;
        const top = (QR_QUIET_ZONE + row) * module;
        shapes.push({ kind: 'bar', x: left, y: top, width: (column - start + 1) * module, height: module, fill: this.colours.text });
      }
    }
    // A right-to-left page starts its line at the right: the code there, the address on its left.
    const codeX = this.rtl ? x + width - QR_SIZE : x;
    const textX = this.rtl ? x : x + QR_SIZE + 8;
    const lines = this.paragraph([{ kind: 'text', text: href, bold: false, italic: false, href, isolate: 'ltr' }], this.styles.small, textX, width - QR_SIZE - 8, group, 'P');
    const text = stack(hasRightToLeft(href) ? this.addressLines(lines, href) : lines);
    const textTop = (QR_SIZE - text.height) / 2;
    return {
      height: QR_SIZE,
      spaceBefore: 14,
      keepWithNext: false,
      nodes: [{ kind: 'graphic', x: codeX, y: 0, struct: figure, shapes }, ...text.nodes.map((node) => shift(node, textTop))],
      decorations: [],
      block: index,
    };
  }

  /**
   * An address's lines, each marked with its share of the address: poppler, which does not run
   * UAX #9, would read its right-to-left parts and the digits after them in another order than
   * they are written, so the layout gives each line its text for extraction once its page is
   * known (index.ts, readPage).
   */
  private addressLines(lines: readonly Slice[], href: string): Slice[] {
    let offset = 0;
    return lines.map((line) => ({
      ...line,
      nodes: line.nodes.map((node): LayoutNode => {
        if (node.kind !== 'text') return node;
        // The line's share of the address: its runs' characters, without the marks the setter adds.
        const length = node.runs.reduce((sum, run) => sum + run.text.replace(/[\u200E\u200F]/g, '').length, 0);
        return { ...node, address: href.slice(offset, (offset += length)) };
      }),
    }));
  }

  /**
   * The chart's title (its Caption), the chart as a Figure whose /Alt states every value, then the
   * same figures as a table, so that they can be read, copied and searched as text too.
   */
  private chart(chart: DrawnChart, parent: number, x: number, width: number, index: number): Slice[] {
    const group = this.structure.add(parent, 'Div');
    const caption = this.structure.add(group, 'Caption');
    // The separators the templates print ({{punctuation}}): "（兆円）" in Chinese and Japanese.
    const { punctuation } = resolveLanguage(this.lang).language;
    const title = this.paragraph([plainRun(chartCaption(chart, punctuation))], this.styles.chartTitle, x, width, caption, 'P');
    const figure = this.structure.add(group, 'Figure', chartAlt(chart, this.numbers, punctuation));
    const { primary, accent, rule, text } = this.colours;
    const drawing = drawChart(chart, width, this.numbers, { series: [primary, accent, rule, text], axis: text, grid: rule, text: rule }, this.setter);
    const picture: Slice = {
      height: drawing.height,
      spaceBefore: 4,
      keepWithNext: false,
      nodes: [{ kind: 'graphic', x, y: 0, struct: figure, shapes: drawing.shapes }],
      decorations: [],
      block: index,
    };
    const table = this.table(
      {
        kind: 'table',
        widths: [2, ...chart.series.map(() => 1)],
        header: [[plainRun(chart.unit)], ...chart.series.map((entry) => [plainRun(entry.name)])],
        rows: chart.labels.map((label, row) => [[plainRun(label)], ...chart.series.map((entry) => [plainRun(this.numbers.format(entry.values[row] ?? 0))])]),
      },
      group,
      x,
      width,
      index,
    );
    return [joinSlices([...title, picture], 12, true, index), ...table];
  }

  /**
   * A table or fact row taller than half a page: kept whole, it would leave a page mostly empty
   * or run off it. Its cells are set one under the other instead, each breaking like a paragraph.
   */
  private unwrapRow(cellLines: readonly (readonly Slice[])[], spaceBefore: number, index: number): Slice[] {
    return cellLines
      .filter((lines) => lines.length > 0)
      .flatMap((lines, cell) => withWidowControl(lines, cell === 0 ? spaceBefore : 4, index));
  }

  /**
   * Chains slices so they stay on one page; a group taller than a page falls back to
   * paragraph rules (no single line left at either end).
   */
  private keepTogether(slices: readonly Slice[], spaceBefore: number, index: number): Slice[] {
    const height = slices.reduce((sum, slice) => sum + slice.height + slice.spaceBefore, 0);
    if (height > this.pageHeight) return withWidowControl(slices, spaceBefore, index);
    return slices.map((slice, sliceIndex) => ({
      ...slice,
      spaceBefore: sliceIndex === 0 ? spaceBefore : slice.spaceBefore,
      keepWithNext: sliceIndex < slices.length - 1,
      block: index,
    }));
  }
}

/**
 * Whether a list item stays on the page of the item after it: a bullet with its first sub-bullet,
 * so that a page never ends with a bullet whose sub-bullets all moved on, and the item before a
 * last sub-bullet with it, so that a sub-bullet never starts a page alone, away from its bullet.
 */
function keepsWithNextItem(items: readonly { readonly level: ListLevel }[], itemIndex: number): boolean {
  const next = items[itemIndex + 1];
  if (next === undefined) return false;
  if (next.level > (items[itemIndex] as { readonly level: ListLevel }).level) return true;
  if (next.level === 0) return false;
  // `next` is a sub-bullet: the last of its bullet's when no sibling follows its own sub-bullets.
  for (let after = itemIndex + 2; after < items.length; after++) {
    const level = (items[after] as { readonly level: ListLevel }).level;
    if (level <= next.level) return level < next.level;
  }
  return true;
}

function plainRun(text: string): TextRun {
  return { kind: 'text', text, bold: false, italic: false, href: null };
}

/** A paragraph may break between lines, but never leaves one line alone at either end. */
function withWidowControl(slices: readonly Slice[], spaceBefore: number, index: number): Slice[] {
  const last = slices.length - 1;
  return slices.map((slice, line) => ({
    ...slice,
    spaceBefore: line === 0 ? spaceBefore : slice.spaceBefore,
    keepWithNext: slice.keepWithNext || (line < last && (line === 0 || line === last - 1)),
    block: index,
  }));
}

/** Several slices as one unbreakable slice. */
function joinSlices(slices: readonly Slice[], spaceBefore: number, keepWithNext: boolean, index: number): Slice {
  const joined = stack(slices);
  return { height: joined.height, spaceBefore, keepWithNext, nodes: joined.nodes, decorations: [], block: index };
}

interface Stacked {
  readonly height: number;
  readonly nodes: readonly LayoutNode[];
}

/**
 * Cells side by side, each lowered to the lowest first baseline among them: a cell whose first
 * line makes room for marks stacked above would otherwise sit lower than its neighbours.
 */
function alignedFirstLines(contents: readonly Stacked[]): Stacked[] {
  const firsts = contents.map((content) => content.nodes.find((node) => node.kind === 'text')?.baseline);
  const lowest = Math.max(...firsts.map((baseline) => baseline ?? -Infinity));
  return contents.map((content, index) => {
    const drop = lowest - (firsts[index] ?? lowest);
    return drop === 0 ? content : { height: content.height + drop, nodes: content.nodes.map((node) => shift(node, drop)) };
  });
}

function stack(slices: readonly Slice[]): { height: number; nodes: LayoutNode[] } {
  let top = 0;
  const nodes: LayoutNode[] = [];
  slices.forEach((slice, position) => {
    if (position > 0) top += slice.spaceBefore;
    nodes.push(...slice.nodes.map((node) => shift(node, top)));
    top += slice.height;
  });
  return { height: top, nodes };
}

/** The same drawing, outside the structure tree (repeated page furniture). */
function asArtifact(node: LayoutNode): LayoutNode {
  return node.kind === 'text' ? { ...node, runs: node.runs.map((run) => ({ ...run, struct: null })) } : node;
}

export function shift(node: LayoutNode, dy: number): LayoutNode {
  switch (node.kind) {
    case 'text':
      return { ...node, baseline: node.baseline + dy };
    case 'rect':
    case 'image':
    case 'vector':
    case 'graphic':
      return { ...node, y: node.y + dy };
    case 'rule':
      return { ...node, y1: node.y1 + dy, y2: node.y2 + dy };
    default: {
      const unknown: never = node;
      throw new Error(`unhandled layout node ${JSON.stringify(unknown)}`);
    }
  }
}
