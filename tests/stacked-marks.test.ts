/**
 * Letters with as many combining marks as validation keeps (MAX_MARKS_PER_CHARACTER), above and
 * below, rendered and read back as pixels: their ink must stay inside the content area and off
 * the lines and rules around them. Page 1 is rasterised without anti-aliasing, so that every
 * pixel of ink has exactly the colour it was drawn in and each element is told by its colour.
 */
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { loadFonts } from '../lambdas/render/fonts';
import { blockStyles, pageGeometry } from '../lambdas/render/layout/styles';
import { TEST_THEME } from './helpers/theme';

const DPI = 144;
const PIXELS_PER_POINT = DPI / 72;
/** templates/theme.yaml's colours, as the rasteriser paints them. */
const NAVY = [0x1b, 0x2a, 0x4a] as const;
const TEXT = [0x1f, 0x23, 0x28] as const;
const MUTED = [0x54, 0x5d, 0x6b] as const;
const ACCENT = [0xa3, 0x44, 0x00] as const;
/** Clear space, in points, between one line's ink and the next one's, or a rule. */
const GAP = 2;
/** What rasterising without anti-aliasing may add to an edge, in points. */
const RASTER = 1;

/** Eight tall marks each: validation keeps the first four (after NFC), the most a letter may carry. */
const ABOVE = '\u030B\u0311\u030A\u0306\u0301\u0308\u0302\u0303';
const BELOW = '\u0323\u0331\u0324\u0329\u032D\u032E\u0330\u0326';
const above = (word: string): string => Array.from(word, (letter) => `${letter}${ABOVE}`).join('');
const below = (word: string): string => Array.from(word, (letter) => `${letter}${BELOW}`).join('');

type Colour = readonly [number, number, number];

interface Raster {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** First and last rows, in points from the page's top, holding ink of one colour. */
interface Rows {
  readonly top: number;
  readonly bottom: number;
}

const geometry = pageGeometry(TEST_THEME);
const styles = blockStyles(TEST_THEME);
/** The text column of a list item (LIST_INDENT): left of it are the bullets. */
const ITEM_TEXT_LEFT = geometry.left + 12;

function rasterise(pdf: Uint8Array): Raster {
  return PNG.sync.read(Buffer.from(execFileSync('pdftoppm', ['-r', String(DPI), '-aa', 'no', '-aaVector', 'no', '-png', '-f', '1', '-l', '1', '-'], { input: pdf })));
}

/** The rows with ink of `colour` between `from` and `to` (points), from `left` rightwards (to `right`); `firstLine`: up to the first row without. */
function inkRows(page: Raster, colour: Colour, from: number, to: number, left = 0, firstLine = false, right = Infinity): Rows | null {
  const rows: number[] = [];
  const end = Math.min(page.width, right * PIXELS_PER_POINT);
  for (let y = Math.ceil(from * PIXELS_PER_POINT); y < Math.min(page.height, to * PIXELS_PER_POINT); y++) {
    let found = false;
    for (let x = Math.floor(left * PIXELS_PER_POINT); x < end && !found; x++) found = isColour(page, x, y, colour);
    if (found) rows.push(y);
    else if (firstLine && rows.length > 0) break;
  }
  if (rows.length === 0) return null;
  return { top: (rows[0] as number) / PIXELS_PER_POINT, bottom: ((rows.at(-1) as number) + 1) / PIXELS_PER_POINT };
}

/** The rules of a table: runs of rows where `colour` spans more than half the page, from `from` down. */
function rules(page: Raster, colour: Colour, from: number): Rows[] {
  const found: Rows[] = [];
  for (let y = Math.ceil(from * PIXELS_PER_POINT); y < page.height; y++) {
    let count = 0;
    for (let x = 0; x < page.width; x++) if (isColour(page, x, y, colour)) count++;
    if (count <= page.width / 2) continue;
    const last = found.at(-1);
    const top = y / PIXELS_PER_POINT;
    const bottom = (y + 1) / PIXELS_PER_POINT;
    if (last !== undefined && last.bottom === top) found[found.length - 1] = { top: last.top, bottom };
    else found.push({ top, bottom });
  }
  return found;
}

function isColour(page: Raster, x: number, y: number, colour: Colour): boolean {
  const at = (y * page.width + x) * 4;
  return page.data[at] === colour[0] && page.data[at + 1] === colour[1] && page.data[at + 2] === colour[2];
}

describe('stacked combining marks, rendered', () => {
  let renderer: Renderer;
  /** How far a first line's ink may rise above its line box by the font's design: the half-leading of a tight h1. */
  let h1Overshoot: number;
  beforeAll(async () => {
    renderer = await createRenderer();
    const regular = (await loadFonts()).variants.regular;
    h1Overshoot = Math.max(0, ((regular.ascent - regular.descent) * styles.h1.size - styles.h1.lineHeight) / 2);
  });

  async function pageOne(yaml: string): Promise<Raster> {
    const result = await renderer.render({ name: 'stacked.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) });
    return rasterise(result.pdf);
  }

  /** The date line under the title: the first muted line below the header band. */
  function dateLine(page: Raster): Rows {
    return inkRows(page, MUTED, geometry.bandHeight + 1, geometry.contentBottom, 0, true) as Rows;
  }

  it('draws a title with the most marks allowed above and below inside the content area, clear of the date line', async () => {
    // Prepare: marks above a capital at the top of the page, marks below descenders over the date line.
    const page = await pageOne(`title: "${above('Stacked')} ${below('gypsy')}"\ndate: 2022-02-28\n`);

    // Act
    const title = inkRows(page, NAVY, geometry.bandHeight + 1, geometry.contentBottom) as Rows;
    const date = dateLine(page);

    // Assert
    expect(title.top).toBeGreaterThanOrEqual(geometry.contentTop - h1Overshoot - RASTER);
    expect(date.top - title.bottom).toBeGreaterThanOrEqual(GAP);
  });

  it('keeps the marks below a heading off the marks above the paragraph after it', async () => {
    // Prepare
    const page = await pageOne(`title: Marks\ndate: 2022-02-28\nsections:\n  - heading: "${below('Heading qyp')}"\n    body: "${above('Corps ÉÀ')} ordinaire."\n`);
    const date = dateLine(page);

    // Act
    const heading = inkRows(page, NAVY, date.bottom, geometry.contentBottom) as Rows;
    const paragraph = inkRows(page, TEXT, date.bottom, geometry.contentBottom) as Rows;

    // Assert
    expect(paragraph.top - heading.bottom).toBeGreaterThanOrEqual(GAP);
  });

  it('keeps the marks below a bullet off the marks above the next one', async () => {
    // Prepare: the second bullet is a link, drawn in the accent colour.
    const page = await pageOne(`title: Marks\ndate: 2022-02-28\nkey_points:\n  - "${below('Bullet gypsy')}"\n  - "[${above('Lien ÉÀ')}](https://example.org)"\n`);
    const date = dateLine(page);

    // Act: the items' text, right of their bullets.
    const first = inkRows(page, TEXT, date.bottom, geometry.contentBottom, ITEM_TEXT_LEFT) as Rows;
    const second = inkRows(page, ACCENT, date.bottom, geometry.contentBottom, ITEM_TEXT_LEFT) as Rows;

    // Assert
    expect(second.top - first.bottom).toBeGreaterThanOrEqual(GAP);
  });

  it('keeps the marks above and below a table cell off the rules around it', async () => {
    // Prepare
    const page = await pageOne(`title: Marks\ndate: 2022-02-28\nparties:\n  - name: "${above('Cell')}${below('gypsy')}"\n`);
    const date = dateLine(page);

    // Act: the head's rule and the row's, then the cell's text between them.
    const [headRule, rowRule] = rules(page, MUTED, date.bottom);
    const cell = inkRows(page, TEXT, date.bottom, geometry.contentBottom) as Rows;

    // Assert
    expect(cell.top - (headRule as Rows).bottom).toBeGreaterThanOrEqual(GAP);
    expect((rowRule as Rows).top - cell.bottom).toBeGreaterThanOrEqual(GAP);
  });
});

/**
 * The most marks a furniture field keeps (MAX_MARKS_IN_FURNITURE) of the tallest and deepest
 * Noto Sans stacks: double overlines on Ǚ rise 0.44 em each, cedillas under Ḁ sink 0.24 em each.
 */
const TALL = '\u01D9' + '\u033F'.repeat(8);
const DEEP = '\u1E00' + '\u0327'.repeat(8);
const WHITE = [0xff, 0xff, 0xff] as const;

describe('stacked combining marks in the page furniture and charts, rendered', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  async function render(yaml: string): Promise<{ page: Raster; warnings: readonly { path?: string; message: string }[] }> {
    const result = await renderer.render({ name: 'furniture.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) });
    return { page: rasterise(result.pdf), warnings: result.warnings };
  }

  it('keeps the classification in the header band and the sources under the footer rule, inside the page, and names the fields', async () => {
    // Prepare: every field the templates print in the furniture, piled above and below.
    const { page, warnings } = await render(`title: Marks\ndate: 2022-02-28\nclassification: "${TALL}${DEEP} Public"\nsources:\n  - name: "${TALL}${DEEP} AFP"\n  - name: "${DEEP}${TALL}"\n`);

    const plain = await render('title: Marks\ndate: 2022-02-28\nclassification: Public\n');

    // Act: the band's white text; the footer's rule, then the muted text under it.
    const header = inkRows(page, WHITE, 0, geometry.bandHeight) as Rows;
    const organisation = (raster: Raster): Rows | null => inkRows(raster, WHITE, 0, geometry.bandHeight, geometry.left, false, geometry.left + 100);
    const [footerRule] = rules(page, MUTED, geometry.contentBottom);
    const footer = inkRows(page, MUTED, (footerRule as Rows).bottom, geometry.height) as Rows;

    // Assert: clear of the band's edges (its top is the page's), the rule and the page's bottom.
    // The footer's line is moved down until its ink is GAP under the rule: rasterising may add RASTER.
    expect(header.top).toBeGreaterThanOrEqual(GAP);
    expect(geometry.bandHeight - header.bottom).toBeGreaterThanOrEqual(GAP);
    expect(footer.top - (footerRule as Rows).bottom).toBeGreaterThanOrEqual(GAP - RASTER);
    expect(geometry.height - footer.bottom).toBeGreaterThanOrEqual(GAP);
    // The band's line keeps the baseline the brand gives it: what the field keeps fits there.
    expect(organisation(page)).toEqual(organisation(plain.page));
    expect(warnings.map((warning) => warning.path)).toEqual(['classification', 'sources[0].name', 'sources[1].name']);
    expect(warnings[0]?.message).toContain('prints in the header band of every page');
    expect(warnings[1]?.message).toContain('prints in the footer of every page');
  });

  it('keeps the marks of a chart’s labels and legend inside its figure, off the plot and the table after it', async () => {
    // Prepare: two series, so that the legend is drawn above the plot; the second label plain.
    const { page } = await render(
      `title: Marks\ndate: 2022-02-28\ncharts:\n  - title: Chart\n    unit: units\n    labels: ["${TALL}${DEEP}", "B"]\n    series:\n      - name: "${TALL}${DEEP}"\n        values: [3, 5]\n      - name: "${DEEP}${TALL}"\n        values: [2, 4]\n`,
    );
    const date = inkRows(page, MUTED, geometry.bandHeight + 1, geometry.contentBottom, 0, true) as Rows;
    // The chart's title (navy), the plot's top grid line, its axis (the first text-coloured ink).
    const title = inkRows(page, NAVY, date.bottom, geometry.contentBottom, 0, true) as Rows;
    const gridTop = (rules(page, MUTED, title.bottom)[0] as Rows).top;
    const axis = inkRows(page, TEXT, title.bottom, geometry.contentBottom, geometry.left + 20, true) as Rows;
    // Under the plot: the data table, whose head (the series' names) ends in a rule.
    const headRule = rules(page, MUTED, axis.bottom)[0] as Rows;

    // Act: the legend between the title and the grid; the first label (its slot, left of the
    // table's second column) and the table's head in the second column (left of the second label).
    const legend = inkRows(page, MUTED, title.bottom, gridTop, geometry.left + 20) as Rows;
    const label = inkRows(page, MUTED, axis.bottom, headRule.top, geometry.left + 44, false, 290) as Rows;
    const head = inkRows(page, MUTED, axis.bottom, headRule.top, 298, false, 410) as Rows;

    // Assert
    expect(legend.top - title.bottom).toBeGreaterThanOrEqual(GAP);
    expect(gridTop - legend.bottom).toBeGreaterThanOrEqual(GAP);
    expect(label.top - axis.bottom).toBeGreaterThanOrEqual(GAP);
    expect(head.top - label.bottom).toBeGreaterThanOrEqual(GAP);
  });
});
