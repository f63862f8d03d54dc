/**
 * Full-width punctuation side by side in Chinese, Japanese and Korean loses half an em, as
 * Chromium's default `text-spacing-trim: normal` sets it (fonts/punctuation.ts, docs/rendering.md):
 * the shaped advances, the lines the layout breaks, and the glyphs' positions read back from the
 * PDF's content streams with pdf.js, whose text poppler gives back exactly.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer } from '../lambdas/render';
import { type FontSet, loadFonts } from '../lambdas/render/fonts';
import { TextSetter, type TextStyle } from '../lambdas/render/layout/text';

const ROOT = join(import.meta.dirname, '..');
const WORLD = join(ROOT, 'tests/fixtures/world');
/** The page's right margin: A4, 56 pt margins. */
const RIGHT_MARGIN = 595.28 - 56;

describe('CJK fonts shape full-width punctuation side by side with half of it blank', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
    for (const lang of ['ja', 'zh-Hans', 'zh-Hant', 'ko']) await fonts.prepare('（月曜日）、「（承諾」。：」・월요일', lang);
  });
  const shaped = (text: string, lang: string) => {
    const font = fonts.scriptFont(text.codePointAt(0) as number, 'regular', lang);
    if (font === null) throw new Error(`no font for ${text} in ${lang}`);
    return font.shape(text).positions.map(({ xAdvance, xOffset }) => [xAdvance, xOffset]);
  };

  it('narrows a closing bracket before a closing stop and the second of two opening brackets, in all four languages', () => {
    for (const lang of ['ja', 'zh-Hans', 'zh-Hant', 'ko']) {
      // Act
      const closing = shaped('（月曜日）、', lang);
      const opening = shaped('「（承諾', lang);

      // Assert: ） keeps its ink on the left and loses the right half; （ moves left onto the blank half of 「.
      expect(closing, lang).toEqual([[1000, 0], [1000, 0], [1000, 0], [1000, 0], [500, 0], [1000, 0]]);
      expect(opening, lang).toEqual([[1000, 0], [500, -500], [1000, 0], [1000, 0]]);
    }
  });

  it('reads from the font where each stop sits: 、。 close in Japanese, centred in Traditional Chinese; the colon closes only in Simplified Chinese', () => {
    // Act / Assert (what Chromium 156 does with the same fonts, docs/rendering.md)
    expect(shaped('承諾」。', 'ja')).toEqual([[1000, 0], [1000, 0], [500, 0], [1000, 0]]);
    expect(shaped('承諾」。', 'zh-Hant')).toEqual([[1000, 0], [1000, 0], [500, 0], [1000, 0]]);
    expect(shaped('、」', 'ja')).toEqual([[500, 0], [1000, 0]]);
    expect(shaped('、」', 'zh-Hant')).toEqual([[1000, 0], [1000, 0]]);
    expect(shaped('：」', 'zh-Hans')).toEqual([[500, 0], [1000, 0]]);
    expect(shaped('：」', 'ja')).toEqual([[1000, 0], [1000, 0]]);
    expect(shaped('」・', 'ja')).toEqual([[500, 0], [1000, 0]]);
  });
});

describe('CJK lines with full-width punctuation side by side', () => {
  let fonts: FontSet;
  const style: TextStyle = { size: 10, lineHeight: 14, color: '#000000', bold: false, italic: false, linkColor: '#000000' };
  beforeAll(async () => {
    fonts = await loadFonts();
    await fonts.prepare('あ「」（）、。合意確認', 'ja');
  });
  const setAt = (text: string, width: number) => {
    const lines = new TextSetter(fonts, 'ltr', 'ja').setLines([{ kind: 'text', text, bold: false, italic: false, href: null }], style, width, () => 1);
    return { lines, shown: lines.map((line) => line.runs.map((run) => run.text).join('')) };
  };

  it('sets an opening bracket after a stop on the same line half an em closer, across the break between them', () => {
    // Act: "、" and "「" are two parts the line may break between.
    const { lines, shown } = setAt('あ、「あ', 200);

    // Assert
    expect(shown).toEqual(['あ、「あ']);
    const opening = lines[0]?.runs.find((run) => run.text.startsWith('「'));
    expect(opening?.x).toBeCloseTo(15, 6);
    expect(lines[0]?.width).toBeCloseTo(35, 6);
  });

  it('keeps an opening bracket full width at the start of a line, also after a stop that ends the line before, as Chromium does', () => {
    // Act
    const { lines, shown } = setAt('あああ、「あああ', 45);

    // Assert
    expect(shown).toEqual(['あああ、', '「あああ']);
    expect(lines[1]?.runs[0]?.x).toBe(0);
    expect(lines[1]?.width).toBeCloseTo(40, 6);
  });

  it('ends a line with a closing bracket that fits only without its blank half, and leaves a full stop whole there, as Chromium does', () => {
    // Act
    const bracket = setAt('あああああ」あ', 55);
    const stop = setAt('あああああ。あ', 55);

    // Assert
    expect(bracket.shown).toEqual(['あああああ」', 'あ']);
    expect(bracket.lines[0]?.width).toBeCloseTo(55, 6);
    expect(stop.shown).toEqual(['ああああ', 'あ。あ']);
  });

  it('never sets a line past the margin, and keeps every character, in many narrow columns', () => {
    // Prepare: pairs inside the parts the line breaks into and between them.
    const text = '首相は「会談（電話）」、「合意」を確認した（月曜日）。「あ」」、（（あ））「あ」。あ、「あ」あああ」あ';

    for (let width = 25; width <= 160; width += 5) {
      // Act
      const { lines, shown } = setAt(text, width);

      // Assert
      expect(shown.join(''), `width ${width}`).toBe(text);
      for (const [index, line] of lines.entries()) {
        expect(line.width, `width ${width}, line ${index} "${shown[index]}"`).toBeLessThanOrEqual(width + 1e-9);
        const last = line.runs.at(-1);
        // A closing bracket at the end of a line may overhang by its blank half only.
        if (last !== undefined) expect(last.x + last.width, `width ${width}, line ${index}`).toBeLessThanOrEqual(width + 1e-9);
      }
    }
  });
});

/** Every glyph drawn on a page: the character it stands for, its origin and its advance in the font, in points. */
interface DrawnGlyph {
  readonly char: string;
  readonly x: number;
  readonly y: number;
  readonly advance: number;
}

type Matrix = readonly [number, number, number, number, number, number];
const times = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];
const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

/** The glyphs of a page as its content stream draws them (pdfkit's operators: q Q cm BT Tm Tf TJ). */
async function drawnGlyphs(pdf: Uint8Array, pageNumber: number): Promise<DrawnGlyph[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const page = await doc.getPage(pageNumber);
    const { fnArray, argsArray } = await page.getOperatorList();
    const glyphs: DrawnGlyph[] = [];
    const saved: Matrix[] = [];
    let ctm = IDENTITY;
    let textMatrix = IDENTITY;
    let size = 0;
    fnArray.forEach((fn, index) => {
      const args = argsArray[index] as unknown[];
      if (fn === OPS.save) saved.push(ctm);
      else if (fn === OPS.restore) ctm = saved.pop() ?? IDENTITY;
      else if (fn === OPS.transform) ctm = times(args as unknown as Matrix, ctm);
      else if (fn === OPS.beginText) textMatrix = IDENTITY;
      else if (fn === OPS.setTextMatrix) textMatrix = [...(args[0] as Iterable<number>)] as unknown as Matrix;
      else if (fn === OPS.setFont) size = args[1] as number;
      else if (fn === OPS.moveText || fn === OPS.nextLine || fn === OPS.setLeadingMoveText || fn === OPS.nextLineShowText || fn === OPS.nextLineSetSpacingShowText) {
        throw new Error(`operator ${fn} is not read here`);
      } else if (fn === OPS.showText) {
        let x = 0;
        for (const glyph of args[0] as (number | { unicode: string; width: number })[]) {
          if (typeof glyph === 'number') {
            x -= (glyph * size) / 1000;
            continue;
          }
          const at = times([1, 0, 0, 1, x, 0], times(textMatrix, ctm));
          glyphs.push({ char: glyph.unicode, x: at[4], y: at[5], advance: (glyph.width * size) / 1000 });
          x += (glyph.width * size) / 1000;
        }
      }
    });
    return glyphs;
  } finally {
    await doc.destroy();
  }
}

/** The glyphs of the line of `page` that draws `text`, left to right. */
function lineOf(glyphs: readonly DrawnGlyph[], text: string): DrawnGlyph[] {
  const lines = new Map<number, DrawnGlyph[]>();
  for (const glyph of glyphs) {
    const y = Math.round(glyph.y * 100);
    lines.set(y, [...(lines.get(y) ?? []), glyph]);
  }
  const line = [...lines.values()].map((line) => [...line].sort((a, b) => a.x - b.x)).find((line) => line.map((glyph) => glyph.char).join('').includes(text));
  if (line === undefined) throw new Error(`no line draws ${text}`);
  return line;
}

/** How far, in em of `size`, the origin of each character of `pair` in `line` is from the one before it, where `pair` occurs. */
function gapsIn(line: readonly DrawnGlyph[], pair: string, size: number): number[] {
  const chars = line.map((glyph) => glyph.char).join('');
  const at = chars.indexOf(pair);
  if (at < 0) throw new Error(`the line does not draw ${pair}`);
  return [...pair].slice(1).map((_, index) => Math.round((((line[at + index + 1] as DrawnGlyph).x - (line[at + index] as DrawnGlyph).x) / size) * 1000) / 1000);
}

describe('CJK fact sheets with full-width punctuation side by side', () => {
  let dir: string;
  const rendered = new Map<string, { pdf: Uint8Array; text: string }>();
  /** The Japanese fixture with pairs inside the parts a line breaks into ("）」、", "）。") and between them ("、「"). */
  const JAPANESE_SUMMARY = '首相は「会談（電話）」、「合意」を確認した（月曜日）。';
  /** A paragraph of many lines, each with pairs between the parts it breaks into. */
  const JAPANESE_CONTEXT = '「合意」、「会談」（電話）、ロシア大統領は「確認した」。'.repeat(12);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cjk-punctuation-'));
    const renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
    const japanese = (await readFile(join(WORLD, 'ja.yaml'), 'utf8'))
      .replace(/^summary: .*$/m, `summary: ${JAPANESE_SUMMARY}`)
      .replace(/^context: .*$/m, `context: ${JAPANESE_CONTEXT}`);
    const documents = { ja: Buffer.from(japanese), 'zh-Hant': await readFile(join(WORLD, 'zh-Hant.yaml')) };
    for (const [name, bytes] of Object.entries(documents)) {
      const result = await renderer.render({ name: `${name}.yaml`, bytes, modifiedAt: new Date(0) });
      const path = join(dir, `${name}.pdf`);
      await writeFile(path, result.pdf);
      rendered.set(name, { pdf: result.pdf, text: execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }) });
    }
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('draws each mark of a Japanese pair half an em after the one before it, inside a part and across a break, and ideographs a whole em', async () => {
    // Prepare
    const { pdf } = rendered.get('ja') as { pdf: Uint8Array };

    // Act
    const glyphs = await drawnGlyphs(pdf, 1);
    const summary = lineOf(glyphs, '会談（電話）」、「合意」を');
    const keyPoint = lineOf(glyphs, '2月28日（月曜日）、マクロン');

    // Assert: the summary box is set at 10.5 pt, key points at 10 pt.
    expect(gapsIn(summary, '（電話）」、「合意」を', 10.5)).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 1, 1, 1, 1]);
    expect(gapsIn(summary, '日）。', 10.5)).toEqual([1, 0.5]);
    expect(gapsIn(keyPoint, '（月曜日）、マ', 10)).toEqual([1, 1, 1, 1, 0.5, 1]);
  });

  it('narrows "承諾」。" in Traditional Chinese, whose centred full stop keeps its own width', async () => {
    // Prepare
    const { pdf } = rendered.get('zh-Hant') as { pdf: Uint8Array };

    // Act
    const summary = lineOf(await drawnGlyphs(pdf, 1), '作出承諾」。');

    // Assert
    expect(gapsIn(summary, '承諾」。', 10.5)).toEqual([1, 1, 0.5]);
  });

  it('draws nothing past the right margin', async () => {
    for (const [name, { pdf }] of rendered) {
      for (const page of [1, 2]) {
        // Act
        const glyphs = await drawnGlyphs(pdf, page);

        // Assert: every glyph's whole em ends within the margin, but for a closing bracket that
        // ends its line, whose blank right half may pass it (CSS `allow-end`).
        const lineEnds = new Map<number, DrawnGlyph>();
        for (const glyph of glyphs) {
          const y = Math.round(glyph.y * 100);
          if ((lineEnds.get(y)?.x ?? -Infinity) < glyph.x) lineEnds.set(y, glyph);
        }
        const ends = new Set(lineEnds.values());
        const reach = (glyph: DrawnGlyph): number => glyph.x + (ends.has(glyph) && '）」』】〕〉》］｝〗〙〟’”'.includes(glyph.char) ? glyph.advance / 2 : glyph.advance);
        const overhang = glyphs.filter((glyph) => reach(glyph) > RIGHT_MARGIN + 0.01);
        expect(glyphs.length, `${name} page ${page}`).toBeGreaterThan(100);
        expect(overhang.map((glyph) => `${glyph.char} at ${glyph.x}`), `${name} page ${page}`).toEqual([]);
      }
    }
  });

  it('gives back the text exactly with pdftotext', () => {
    // Act
    const japanese = (rendered.get('ja')?.text ?? '').split('\n');
    const chinese = (rendered.get('zh-Hant')?.text ?? '').split('\n');

    // Assert: the Japanese summary is one line, the Chinese one breaks after "道路".
    expect(japanese).toContain(JAPANESE_SUMMARY);
    expect(japanese.join('')).toContain(JAPANESE_CONTEXT);
    expect(japanese).toContain('• 2月28日（月曜日）、マクロン氏はプーチン氏と1時間半にわたって電話で会談した。');
    expect(chinese).toContain('安全；據艾麗榭宮表示，俄羅斯總統「確認願意就這些問題作出承諾」。');
  });
});
