/**
 * Korean breaks at spaces (CSS `word-break: keep-all`), read back from the PDF: docs/rendering.md,
 * "Chinese, Japanese and Korean", "Line breaking".
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { drawDocument } from '../lambdas/render/draw';
import { loadFonts } from '../lambdas/render/fonts';
import { layoutDocument } from '../lambdas/render/layout';
import { pageGeometry } from '../lambdas/render/layout/styles';
import type { MarkupBlock, MarkupDocument } from '../lambdas/render/types';
import { TEST_THEME, textRun } from './helpers/theme';

/** QA's title and lead, and a word of 24 syllables, longer than every column. */
const TEXT =
  '서울시, 2030년까지 대중교통 요금 동결… 오세훈 시장 "기후동행카드 이용자 100만 명 돌파" 서울시는 9월 1일 지하철·버스 기본요금을 동결한다고 발표했다. ' +
  "무제한 정기권인 '기후동행카드'(Climate Card) 이용자는 BYD전기차와 가나다라마바사아자차카타파하가나다라마바사아자차카 만에 100만 명을 넘었다.";
const LONG_WORD = '가나다라마바사아자차카타파하가나다라마바사아자차카';
const HANGUL = /\p{Script=Hangul}/u;

function documentOf(body: MarkupBlock[]): MarkupDocument {
  return {
    meta: { lang: 'ko', title: 'T', author: 'A', subject: 'S', keywords: [], maxPages: null },
    header: { left: [textRun('Test Org')], center: [], right: [] },
    footer: { left: [], center: [], right: [] },
    body,
  };
}

const ENTITIES: Readonly<Record<string, string>> = { '&quot;': '"', '&apos;': "'", '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const unescape = (xml: string): string => xml.replace(/&\w+;/g, (entity) => ENTITIES[entity] ?? entity);

/** Each line of the PDF's first page as pdftotext reads it, with its right edge. */
function linesOf(pdf: Buffer): { readonly text: string; readonly xMax: number }[] {
  const xhtml = execFileSync('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', '-', '-'], { input: pdf }).toString('utf8');
  return [...xhtml.matchAll(/<line xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([\s\S]*?)<\/line>/g)].map((line) => ({
    xMax: Number(line[1]),
    text: [...(line[2] as string).matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((word) => unescape(word[1] as string)).join(' '),
  }));
}

describe('Korean line breaking, read back from the PDF', () => {
  it.each([55, 80, 110, 150])('breaks a %d pt column at spaces only, splitting only a word longer than the line, within the margin', async (width) => {
    // Prepare: one table whose first column is `width` points wide (the cell pads it by a few points).
    const fonts = await loadFonts();
    await fonts.prepare(TEXT, 'ko');
    const geometry = pageGeometry(TEST_THEME);
    const full = geometry.right - geometry.left;
    const table: MarkupBlock = { kind: 'table', widths: [width, full - width], header: null, rows: [[[textRun(TEXT)], [textRun('')]]] };

    // Act
    const { pdf } = await drawDocument(layoutDocument(documentOf([table]), TEST_THEME, fonts), fonts, { creationDate: new Date(0), producer: 'test', warnings: 0 });
    const all = linesOf(pdf);
    const first = all.findIndex((line) => line.text.startsWith('서울시,'));
    const last = all.findIndex((line) => line.text.endsWith('넘었다.'));
    const lines = all.slice(first, last + 1);

    // Assert: the lines spell the text, and a line ends between two Hangul syllables only inside a word longer than the line.
    expect(first, JSON.stringify(all)).toBeGreaterThanOrEqual(0);
    expect(lines.map((line) => line.text).join(' ').replace(/ /g, '')).toBe(TEXT.replace(/ /g, ''));
    const longWord = TEXT.indexOf(LONG_WORD);
    let splitLongWord = false;
    let offset = 0;
    for (const [index, line] of lines.entries()) {
      // The line's characters, past the spaces between them (the text is all in the BMP).
      for (let left = line.text.replace(/ /g, '').length; left > 0; left--) {
        while (TEXT[offset] === ' ') offset++;
        offset++;
      }
      const before = TEXT[offset - 1] as string;
      const after = TEXT[offset];
      if (after !== undefined && after !== ' ' && HANGUL.test(before) && HANGUL.test(after)) {
        // Only a word longer than the line is split, and it is alone on its lines.
        expect(line.text.includes(' '), `${width} pt, line ${index} "${line.text}" breaks inside a word`).toBe(false);
        if (offset > longWord && offset < longWord + LONG_WORD.length) splitLongWord = true;
      }
      expect(line.xMax, `${width} pt, line ${index} "${line.text}"`).toBeLessThanOrEqual(geometry.left + width + 0.5);
    }
    expect(lines.length).toBeGreaterThan(4);
    expect(splitLongWord).toBe(true);
  });
});
