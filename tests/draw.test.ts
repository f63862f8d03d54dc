import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawDocument } from '../lambdas/render/draw';
import { loadFonts, type FontSet } from '../lambdas/render/fonts';
import { layoutDocument } from '../lambdas/render/layout';
import type { MarkupBlock, MarkupDocument } from '../lambdas/render/types';
import { TEST_THEME, textRun } from './helpers/theme';

const theme = TEST_THEME;
const run = textRun;
const paragraphs = (count: number): MarkupBlock[] =>
  Array.from({ length: count }, (_, n) => ({ kind: 'paragraph', style: 'body', runs: [run(`Paragraph ${n} says one more thing.`)] }));

function documentOf(body: MarkupBlock[]): MarkupDocument {
  return {
    meta: { lang: 'en', title: 'T', author: 'A', subject: 'S', keywords: [], maxPages: null },
    header: { left: [run('Test Org')], center: [], right: [] },
    footer: { left: [], center: [], right: [] },
    body,
  };
}

/** Fill-colour operators (`scn`) in each page's content stream, read back from the PDF. */
function fillColoursPerPage(pdf: Buffer): number[] {
  const folder = mkdtempSync(join(tmpdir(), 'draw-test-'));
  let qdf: string;
  try {
    writeFileSync(join(folder, 'in.pdf'), pdf);
    execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(folder, 'in.pdf'), join(folder, 'out.pdf')]);
    qdf = readFileSync(join(folder, 'out.pdf'), 'latin1');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return [...qdf.matchAll(/%% Contents for page \d+\n[\s\S]*?endstream/g)].map((page) => (page[0].match(/ scn\n/g) ?? []).length);
}

describe('draw: page colours', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });
  const draw = async (body: MarkupBlock[]): Promise<number[]> => {
    const { pdf } = await drawDocument(layoutDocument(documentOf(body), theme, fonts), fonts, { creationDate: new Date(0), producer: 'test', warnings: 0 });
    return fillColoursPerPage(pdf);
  };

  it('sets a colour once however many runs in a row use it, on every page', async () => {
    // Act
    const [one] = await draw(paragraphs(1));
    const [many] = await draw(paragraphs(30));
    const twoPages = await draw(paragraphs(90));

    // Assert
    expect(one).toBeGreaterThan(0);
    expect(many).toBe(one);
    expect(twoPages.length).toBeGreaterThan(1);
    expect(twoPages.every((count) => count === one)).toBe(true);
  });
});

describe('draw: links', () => {
  it('writes every /URI in ASCII: path, query and fragment percent-encoded, the host in punycode, escapes kept', async () => {
    // Prepare
    const fonts = await loadFonts();
    const hrefs = ['https://uk.wikipedia.org/wiki/Київ', 'https://münchen.de/straße?q=ä#süd', 'https://example.org/a%20b/é'];
    const body: MarkupBlock[] = hrefs.map((href, n) => ({ kind: 'paragraph', style: 'body', runs: [{ ...run(`lien ${n}`), href }] }));
    const { pdf } = await drawDocument(layoutDocument(documentOf(body), theme, fonts), fonts, { creationDate: new Date(0), producer: 'test', warnings: 0 });
    const folder = mkdtempSync(join(tmpdir(), 'draw-links-'));

    // Act
    let qdf: string;
    let poppler: string;
    try {
      writeFileSync(join(folder, 'links.pdf'), pdf);
      execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(folder, 'links.pdf'), join(folder, 'qdf.pdf')]);
      qdf = readFileSync(join(folder, 'qdf.pdf'), 'latin1');
      poppler = execFileSync('pdfinfo', ['-url', join(folder, 'links.pdf')], { encoding: 'utf8' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }

    // Assert: the annotation's bytes, as a reader gets them, and what poppler makes of them.
    const expected = [
      'https://uk.wikipedia.org/wiki/%D0%9A%D0%B8%D1%97%D0%B2',
      'https://xn--mnchen-3ya.de/stra%C3%9Fe?q=%C3%A4#s%C3%BCd',
      'https://example.org/a%20b/%C3%A9',
    ];
    expect([...qdf.matchAll(/\/URI \(([^)]*)\)/g)].map((match) => match[1])).toEqual(expected);
    expect(qdf).not.toMatch(/\/URI <FEFF/i);
    expect(poppler.trim().split('\n').slice(1).map((line) => line.trim().split(/\s+/).at(-1))).toEqual(expected);
  });
});
