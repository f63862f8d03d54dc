import { beforeAll, describe, expect, it } from 'vitest';
import { excerpt } from '../lambdas/render/errors';
import { loadFonts, type FontSet } from '../lambdas/render/fonts';
import { layoutDocument, prepareLayout, type LayoutDocument, type LayoutNode } from '../lambdas/render/layout';
import type { Slice } from '../lambdas/render/layout/measure';
import { paginate } from '../lambdas/render/layout/paginate';
import type { MarkupBlock, MarkupDocument } from '../lambdas/render/types';
import { TEST_THEME, textRun } from './helpers/theme';

const theme = TEST_THEME;

const run = textRun;
const sentence = (n: number): string => `Sentence number ${n} tells the reader something new about the call.`;

function documentOf(body: MarkupBlock[], maxPages: number | null = null): MarkupDocument {
  return {
    meta: { lang: 'en', title: 'T', author: 'A', subject: 'S', keywords: [], maxPages },
    header: { left: [run('Test Org')], center: [], right: [] },
    footer: { left: [], center: [], right: [run('Page '), { kind: 'page-number' }, run(' / '), { kind: 'page-count' }] },
    body,
  };
}

function texts(page: { nodes: readonly LayoutNode[] }): { text: string; baseline: number; x: number; right: number; struct: number | null }[] {
  return page.nodes.flatMap((node) =>
    node.kind === 'text' ? node.runs.map((r) => ({ text: r.text, baseline: node.baseline, x: r.x, right: r.x + r.width, struct: r.struct })) : [],
  );
}

function slice(height: number, keepWithNext = false): Slice {
  return { height, spaceBefore: 0, keepWithNext, nodes: [], decorations: [], block: 0 };
}

describe('paginate', () => {
  it('moves a slice that must stay with its successor to the next page', () => {
    // Prepare: two 40pt slices fill the page; the second keeps with the third.
    const slices = [slice(40), slice(40, true), slice(40)];

    // Act
    const pages = paginate(slices, 0, 100);

    // Assert
    expect(pages.map((page) => page.length)).toEqual([1, 2]);
  });

  it('breaks a chain longer than the page where it overflows instead of looping', () => {
    const slices = [slice(40, true), slice(40, true), slice(40, true), slice(40)];

    const pages = paginate(slices, 0, 100);

    expect(pages.map((page) => page.length)).toEqual([2, 2]);
  });

  it('drops the space before a slice that starts a page', () => {
    const slices = [slice(90), { ...slice(20), spaceBefore: 15 }];

    const pages = paginate(slices, 10, 110);

    expect(pages[1]?.[0]?.top).toBe(10);
  });
});

describe('layout', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });

  it('never ends a page with a heading, and keeps every line inside the margins', () => {
    // Prepare: many sections, so that headings fall near page ends in many places.
    const body: MarkupBlock[] = [];
    for (let section = 0; section < 40; section++) {
      body.push({ kind: 'heading', level: 2, runs: [run(`Heading ${section}`)] });
      body.push({ kind: 'paragraph', style: 'body', runs: [run(Array.from({ length: 3 + (section % 5) }, (_, i) => sentence(i)).join(' '))] });
    }

    // Act
    const layout = layoutDocument(documentOf(body), theme, fonts);

    // Assert
    expect(layout.pages.length).toBeGreaterThan(3);
    const headingIds = new Set(collect(layout, 'H2'));
    for (const page of layout.pages) {
      const content = texts(page).filter((t) => t.struct !== null).sort((a, b) => a.baseline - b.baseline);
      const last = content[content.length - 1];
      expect(last && headingIds.has(last.struct as number)).toBe(false);
      for (const t of content) {
        expect(t.x).toBeGreaterThanOrEqual(56 - 0.01);
        expect(t.right).toBeLessThanOrEqual(layout.width - 56 + 0.5);
      }
    }
  });

  it('leaves no paragraph with a single line at the top or bottom of a page', () => {
    const body: MarkupBlock[] = Array.from({ length: 30 }, (_, i) => ({
      kind: 'paragraph' as const,
      style: 'body' as const,
      runs: [run(Array.from({ length: 2 + (i % 7) }, (_, n) => sentence(n)).join(' '))],
    }));

    const layout = layoutDocument(documentOf(body), theme, fonts);

    const linesPerParagraph = new Map<number, number[]>();
    layout.pages.forEach((page, pageIndex) => {
      for (const t of texts(page)) {
        if (t.struct === null) continue;
        linesPerParagraph.set(t.struct, [...(linesPerParagraph.get(t.struct) ?? []), pageIndex]);
      }
    });
    let split = 0;
    for (const pagesOfLines of linesPerParagraph.values()) {
      const first = pagesOfLines[0] as number;
      const onFirstPage = pagesOfLines.filter((p) => p === first).length;
      const onLastPage = pagesOfLines.length - onFirstPage;
      if (onLastPage > 0) {
        split++;
        expect(onFirstPage).toBeGreaterThanOrEqual(2);
        expect(onLastPage).toBeGreaterThanOrEqual(2);
      }
    }
    expect(split).toBeGreaterThan(0);
  });

  it('breaks a word longer than the line instead of drawing past the margin', () => {
    const longWord = 'Donaudampfschifffahrtsgesellschaftskapitän'.repeat(4);

    const layout = layoutDocument(documentOf([{ kind: 'paragraph', style: 'body', runs: [run(longWord)] }]), theme, fonts);

    const lines = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.map((t) => t.text).join('')).toBe(longWord);
    for (const t of lines) expect(t.right).toBeLessThanOrEqual(layout.width - 56 + 0.5);
  });

  it('lowers a line whose marks pass the ascent, with its bullet on the same baseline', () => {
    // Prepare: a list item with four marks above its first letters (as many as validation keeps), and a plain one.
    const stacked = `${'B\u030B\u0311\u030A\u0306'}u${'l\u030B\u0311\u030A\u0306'}let point`;
    const listOf = (text: string): MarkupBlock[] => [{ kind: 'list', items: [{ runs: [run(text)], level: 0 }] }];

    // Act
    const plain = texts(layoutDocument(documentOf(listOf('Bullet point')), theme, fonts).pages[0] as LayoutDocument['pages'][number]);
    const marked = texts(layoutDocument(documentOf(listOf(stacked)), theme, fonts).pages[0] as LayoutDocument['pages'][number]);

    // Assert
    const baselineOf = (lines: ReturnType<typeof texts>, text: string): number => (lines.find((line) => line.text === text) as { baseline: number }).baseline;
    expect(baselineOf(marked, '•')).toBeGreaterThan(baselineOf(plain, '•') + 5);
    expect(baselineOf(marked, '•')).toBe(baselineOf(marked, stacked));
    expect(baselineOf(plain, '•')).toBe(baselineOf(plain, 'Bullet point'));
  });

  it('keeps a row of table cells on one first baseline when one cell makes room for marks above', () => {
    // Prepare
    const stacked = 'B\u030B\u0311\u030A\u0306ullet';
    const table: MarkupBlock = { kind: 'table', widths: [1, 1], header: null, rows: [[[run(stacked)], [run('plain')]]] };

    // Act
    const lines = texts(layoutDocument(documentOf([table]), theme, fonts).pages[0] as LayoutDocument['pages'][number]);

    // Assert
    const baselineOf = (text: string): number | undefined => lines.find((line) => line.text === text)?.baseline;
    expect(baselineOf('plain')).toBeDefined();
    expect(baselineOf('plain')).toBe(baselineOf(stacked));
  });

  it('keeps Arabic and Thai, taller and deeper than Noto Sans by design, at the line height of their style', async () => {
    // Prepare: paragraphs long enough for several lines, with Arabic vowel marks and Thai vowels below.
    const arabic = 'تحدث إيمانويل ماكرون مع فلاديمير بوتين ساعة ونصف يوم الاثنين، وطالبه بوقف الضربات على المدنيين وتأمين الطرق في أوكرانيا؛ شُكْرًا جَزِيلًا. '.repeat(4);
    const thai = 'ประธานาธิบดีฝรั่งเศสเอมมานุเอลมาครงคุยโทรศัพท์กับวลาดีมีร์ปูตินเป็นเวลาหนึ่งชั่วโมงครึ่ง ปูตินยืนยันความตั้งใจที่จะให้คำมั่นในสามประเด็น '.repeat(4);
    await prepareLayout(`${arabic}${thai}`, documentOf([]), fonts);

    for (const text of [arabic, thai]) {
      // Act
      const page = layoutDocument(documentOf([{ kind: 'paragraph', style: 'body', runs: [run(text)] }]), theme, fonts).pages[0] as LayoutDocument['pages'][number];

      // Assert
      const baselines = [...new Set(texts(page).filter((line) => line.struct !== null).map((line) => line.baseline))];
      expect(baselines.length).toBeGreaterThan(2);
      const steps = baselines.slice(1).map((baseline, index) => Math.round((baseline - (baselines[index] as number)) * 1000) / 1000);
      expect(new Set(steps)).toEqual(new Set([14.2]));
    }
  });

  it('shows a character no font has as a visible replacement and warns about it', () => {
    const layout = layoutDocument(documentOf([{ kind: 'paragraph', style: 'body', runs: [run('Merci 👍 Кирилиця')] }]), theme, fonts);

    const text = texts(layout.pages[0] as LayoutDocument['pages'][number]).map((t) => t.text).join(' ');
    expect(text).toContain('Merci \uFFFD Кирилиця');
    expect(layout.warnings.map((warning) => warning.message).join('\n')).toContain('U+1F44D');
  });

  it('numbers pages in the footer once the page count is known', () => {
    const body: MarkupBlock[] = Array.from({ length: 60 }, (_, i) => ({ kind: 'paragraph' as const, style: 'body' as const, runs: [run(sentence(i))] }));

    const layout = layoutDocument(documentOf(body), theme, fonts);

    const count = layout.pages.length;
    expect(count).toBeGreaterThan(1);
    layout.pages.forEach((page, index) => {
      expect(texts(page).filter((t) => t.struct === null).map((t) => t.text)).toContain(`Page ${index + 1} / ${count}`);
    });
  });

  it('cuts a page-limited document after a sentence with a visible ellipsis', () => {
    const body: MarkupBlock[] = [
      { kind: 'heading', level: 1, runs: [run('Digest')] },
      { kind: 'paragraph', style: 'body', runs: [run(Array.from({ length: 120 }, (_, i) => sentence(i)).join(' '))] },
    ];

    const layout = layoutDocument(documentOf(body, 1), theme, fonts);

    expect(layout.pages).toHaveLength(1);
    const content = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null).map((t) => t.text).join(' ');
    expect(content).toMatch(/call\. …$/);
    expect(content).toContain(sentence(10));
  });
});

function collect(layout: LayoutDocument, type: string): number[] {
  const ids: number[] = [];
  const walk = (node: LayoutDocument['structure']): void => {
    if (node.type === type) ids.push(node.id);
    node.children.forEach(walk);
  };
  walk(layout.structure);
  return ids;
}

describe('paginate tables', () => {
  it('repeats a table header at the top of a page the table continues on', () => {
    const header = slice(10);
    const rows = Array.from({ length: 7 }, () => ({ ...slice(30), continuation: header }));

    const pages = paginate([{ ...header, keepWithNext: true }, ...rows], 0, 100);

    expect(pages).toHaveLength(3);
    expect(pages[1]?.[0]?.slice).toBe(header);
    expect(pages[1]?.[1]?.top).toBe(10);
    expect(pages.flat().filter((placed) => rows.includes(placed.slice as (typeof rows)[number]))).toHaveLength(7);
  });
});

describe('layout of rows taller than a page', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });

  it('sets every word of a huge table cell and fact value inside the page', () => {
    const words = Array.from({ length: 1500 }, (_, n) => `w${n}`);
    const huge = [run(words.join(' '))];
    const body: MarkupBlock[] = [
      { kind: 'grid', columns: 2, facts: [{ label: [run('Label')], value: huge }] },
      { kind: 'table', widths: [1, 3], header: [[run('Date')], [run('Event')]], rows: [[[run('jeudi')], huge]] },
    ];

    const layout = layoutDocument(documentOf(body), theme, fonts);

    const content = layout.pages.flatMap((page) => texts(page).filter((t) => t.struct !== null));
    const printed = content.flatMap((t) => t.text.split(' '));
    for (const word of words) expect(printed.filter((w) => w === word)).toHaveLength(2);
    for (const t of content) expect(t.baseline).toBeLessThanOrEqual(layout.height - 62);
  });
});

describe('layout of page-limited documents', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });

  it('keeps the facts that fit and marks the cut', () => {
    const facts = Array.from({ length: 80 }, (_, n) => ({ label: [run(`Label ${n}`)], value: [run(`Value ${n}`)] }));

    const layout = layoutDocument(documentOf([{ kind: 'grid', columns: 2, facts }], 1), theme, fonts);

    expect(layout.pages).toHaveLength(1);
    const content = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null).map((t) => t.text);
    expect(content).toContain('Value 0');
    expect(content).not.toContain('Value 79');
    expect(content[content.length - 1]).toBe('…');
  });

  it('cuts a page-limited text after a sentence, never after "M." or an initial', () => {
    // Every sentence names M. Poutine and J. Biden: a cut after their dots would end mid-sentence.
    const named = (n: number): string => `Le ${n}e échange a réuni M. Poutine et J. Biden pendant une heure.`;
    const paragraph = Array.from({ length: 400 }, (_, n) => named(n)).join(' ');

    const layout = layoutDocument(documentOf([{ kind: 'paragraph', style: 'body', runs: [run(paragraph)] }], 1), theme, fonts);

    const printed = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null).map((t) => t.text).join(' ');
    expect(printed).toMatch(/pendant une heure\. …$/);
    expect(printed).not.toMatch(/(?:M|J)\. …$/);
  });

  it('cuts a text with no sentence end after a whole word', () => {
    const words = Array.from({ length: 3000 }, (_, n) => `word${n}`);

    const layout = layoutDocument(documentOf([{ kind: 'paragraph', style: 'body', runs: [run(words.join(' '))] }], 1), theme, fonts);

    expect(layout.pages).toHaveLength(1);
    const printed = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null).map((t) => t.text).join(' ');
    expect(printed).toMatch(/^word0 word1 .* word\d+ …$/);
    const shown = printed.split(' ').filter((w) => w !== '…');
    expect(shown).toEqual(words.slice(0, shown.length));
  });

  it('drops the headings that would end the last page when nothing of what they head fits', () => {
    // Prepare: a quote cannot be shortened, and this one is longer than a page, so the two
    // headings before it would be left heading nothing but the "…".
    const quote = Array.from({ length: 120 }, (_, n) => sentence(n)).join(' ');
    const body: MarkupBlock[] = [
      { kind: 'paragraph', style: 'body', runs: [run('The opening paragraph fits.')] },
      { kind: 'heading', level: 2, runs: [run('Heading one')] },
      { kind: 'heading', level: 3, runs: [run('Heading two')] },
      { kind: 'quote', paragraphs: [[run(quote)]], cite: null },
    ];

    // Act
    const layout = layoutDocument(documentOf(body, 1), theme, fonts);

    // Assert
    expect(layout.pages).toHaveLength(1);
    const content = texts(layout.pages[0] as LayoutDocument['pages'][number]).filter((t) => t.struct !== null).map((t) => t.text);
    expect(content).toEqual(['The opening paragraph fits.', '…']);
    expect(collect(layout, 'H2')).toEqual([]);
  });
});

describe('layout: page furniture', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });
  const withHeader = (center: string, right = '28 février 2022'): MarkupDocument => ({
    ...documentOf([{ kind: 'paragraph', style: 'body', runs: [run('Body.')] }]),
    header: { left: [run('Test Org')], center: [run(center)], right: [run(right)] },
  });
  const headerTexts = (layout: LayoutDocument) =>
    texts(layout.pages[0] as LayoutDocument['pages'][number])
      .filter((t) => t.struct === null && t.baseline < 40)
      .sort((a, b) => a.x - b.x);

  it('fits a 37-character classification whole, centred, clear of the organisation and the date', () => {
    // Act
    const layout = layoutDocument(withHeader('Embargoed until 28 Feb 2022 14:00 CET'), theme, fonts);

    // Assert
    const [left, center, right] = headerTexts(layout);
    expect([left?.text, center?.text, right?.text]).toEqual(['Test Org', 'Embargoed until 28 Feb 2022 14:00 CET', '28 février 2022']);
    expect(((center?.x ?? 0) + (center?.right ?? 0)) / 2).toBeCloseTo(layout.width / 2, 0);
    expect(center?.x).toBeGreaterThan(left?.right ?? Infinity);
    expect(center?.right).toBeLessThan(right?.x ?? 0);
    expect(layout.warnings).toEqual([]);
  });

  it('warns, once, when a classification too long for the line is cut', () => {
    // Prepare
    const classification = `Embargoed ${'until further notice '.repeat(10)}`.trim();

    // Act
    const layout = layoutDocument(withHeader(classification), theme, fonts);

    // Assert
    const [, center] = headerTexts(layout);
    expect(center?.text).toMatch(/^Embargoed until .*…$/);
    expect(layout.warnings).toEqual([
      { message: `the header's center text "${excerpt(classification)}" does not fit the page's width and is cut to "${excerpt(center?.text ?? '')}"` },
    ]);
  });
});
