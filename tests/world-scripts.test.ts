/**
 * Right-to-left scripts end to end: Arabic (content/) and Hebrew (tests/fixtures/world/) fact
 * sheets read back with poppler (pdftotext, pdffonts), which is the reference for extraction
 * here (docs/rendering.md); shaping against HarfBuzz itself; line order against UAX #9.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bidiFactory from 'bidi-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_DIR, type FontSet, loadFonts } from '../lambdas/render/fonts';
import { createRenderer, type Renderer } from '../lambdas/render';
import { loadBidi } from '../lambdas/render/layout/bidi';
import { leftToRightStretches } from '../lambdas/render/layout/extraction';
import { TextSetter } from '../lambdas/render/layout/text';
import { parse } from 'yaml';
import { textWithFonts } from './helpers/pdf';
import { LATO, templatesWithFont } from './helpers/theme';

const ROOT = join(import.meta.dirname, '..');
const WORLD = join(ROOT, 'tests/fixtures/world');
const SAMPLES = {
  ar: join(ROOT, 'content/macron-putin-call-ar.yaml'),
  he: join(WORLD, 'he.yaml'),
  'zh-Hans': join(ROOT, 'content/macron-putin-call-zh.yaml'),
  'zh-Hant': join(WORLD, 'zh-Hant.yaml'),
  ja: join(WORLD, 'ja.yaml'),
  ko: join(WORLD, 'ko.yaml'),
  hi: join(WORLD, 'hi.yaml'),
  th: join(WORLD, 'th.yaml'),
  'ar-mixed': join(WORLD, 'ar-mixed.yaml'),
  'he-mixed': join(WORLD, 'he-mixed.yaml'),
  'hi-mixed': join(WORLD, 'hi-mixed.yaml'),
  'th-mixed': join(WORLD, 'th-mixed.yaml'),
  'lang-spans': join(WORLD, 'lang-spans.yaml'),
  'zh-lang-runs': join(WORLD, 'zh-lang-runs.yaml'),
};
/**
 * Embedding controls pdftotext writes around what it reads as right-to-left or left-to-right,
 * and the right-to-left marks the PDF carries so that poppler keeps neutrals on the
 * right-to-left side (layout/extraction.ts): invisible, and all that is taken out.
 */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200F]/g;

interface Sample {
  readonly document: { title: string; key_points: string[]; quotes: { text: string }[] };
  readonly pdf: string;
  readonly text: string;
}

let dir: string;
let renderer: Renderer;
const samples = new Map<string, Sample>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'world-scripts-'));
  renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
  for (const [lang, path] of Object.entries(SAMPLES)) {
    const bytes = await readFile(path);
    const result = await renderer.render({ name: path, bytes, modifiedAt: new Date(0) });
    const pdf = join(dir, `${lang}.pdf`);
    await writeFile(pdf, result.pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(DIRECTION_CONTROLS, '');
    samples.set(lang, { document: parse(bytes.toString('utf8')) as Sample['document'], pdf, text });
  }
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = (sample: Sample) => sample.text.split('\n').map((line) => line.trim().replace(/^• /, ''));

/** Markdown emphasis as the author typed it, gone from the page. */
const plain = (text: string) => text.replace(/\*\*?([^*]+)\*\*?/g, '$1');
/** Whether some consecutive lines of the extracted text, joined by a space, are exactly `expected`. */
function hasLines(text: readonly string[], expected: string, unquote = false): boolean {
  return text.some((_, first) =>
    [1, 2, 3, 4].some((count) => {
      const candidate = text.slice(first, first + count).join(' ');
      return (unquote ? candidate.slice(1, -1) : candidate) === expected;
    }),
  );
}

describe.each(['ar', 'he', 'hi', 'th', 'ar-mixed', 'he-mixed', 'hi-mixed', 'th-mixed'])('%s fact sheet read back with poppler', (name) => {
  it('gives back the title, every key point and quote exactly, spaces and punctuation included, in logical order', () => {
    // Prepare
    const sample = samples.get(name) as Sample;

    // Act
    const text = lines(sample);

    // Assert: each is whole lines of its own (a quote inside its quotation marks), nothing more or less.
    expect(text.filter((line) => line !== '')).not.toHaveLength(0);
    for (const expected of [sample.document.title, ...sample.document.key_points].map(plain)) {
      expect(hasLines(text, expected), `"${expected}" in:\n${text.join('\n')}`).toBe(true);
    }
    for (const quote of sample.document.quotes) expect(hasLines(text, plain(quote.text), true), `"${quote.text}" in:\n${text.join('\n')}`).toBe(true);
    expect(sample.text).not.toContain('\uFFFD');
  });
});

describe.each(['ar', 'he'])('%s fact sheet read back with poppler', (lang) => {
  it('tags the PDF with the author’s language and embeds the script font as a subset', async () => {
    const sample = samples.get(lang) as Sample;
    const raw = (await readFile(sample.pdf)).toString('latin1');
    const fonts = execFileSync('pdffonts', [sample.pdf], { encoding: 'utf8' });
    const family = lang === 'ar' ? 'NotoSansArabic' : 'NotoSansHebrew';

    expect(raw).toContain(`/Lang (${lang})`);
    expect(fonts).toMatch(new RegExp(`[A-Z]{6}\\+${family}-Bold\\s+CID TrueType\\s+Identity-H\\s+yes yes yes`));
    expect(fonts).toMatch(new RegExp(`[A-Z]{6}\\+${family}-Regular\\s+CID TrueType\\s+Identity-H\\s+yes yes yes`));
  });

  it('sets its paragraphs flush right and its bullets and quote bar on the right', () => {
    const sample = samples.get(lang) as Sample;
    const html = execFileSync('pdftotext', ['-bbox-layout', '-f', '1', '-l', '1', sample.pdf, '-'], { encoding: 'utf8' });
    // poppler lists each word as drawn, left to right: a right-to-left word comes out reversed.
    const words = [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<\/word>/g)].map((match) => ({
      xMin: Number(match[1]),
      y: Number(match[2]),
      xMax: Number(match[3]),
      text: match[4] as string,
    }));
    const shown = (word: string) => [...word].reverse().join('');
    // A key point's first word may also open the title: the title's is the first drawn, the point's the last.
    const drawn = (word: string) => words.filter((candidate) => candidate.text === shown(word));
    const rightMargin = 595.28 - 56;
    const title = drawn(sample.document.title.split(' ')[0] as string)[0];
    const point = drawn(sample.document.key_points[0]?.split(' ')[0] as string).at(-1);
    const bullet = words.find((word) => word.text === '•' && Math.abs(word.y - (point?.y ?? 0)) < 8);

    expect(title?.xMax).toBeCloseTo(rightMargin, 0);
    // List text is indented from the right by 14 pt; its bullet sits in that indent, 3 pt from the margin.
    expect(point?.xMax).toBeCloseTo(rightMargin - 14, 0);
    expect(bullet?.xMax).toBeCloseTo(rightMargin - 3, 0);
  });
});

const CJK_FAMILIES = ['NotoSansSC', 'NotoSansTC', 'NotoSansJP', 'NotoSansKR'];

describe.each([
  ['zh-Hans', 'NotoSansSC'],
  ['zh-Hant', 'NotoSansTC'],
  ['ja', 'NotoSansJP'],
  ['ko', 'NotoSansKR'],
])('%s fact sheet read back with poppler', (lang, family) => {
  it(`gives back the title, every key point and quote exactly, tagged ${lang}, in embedded subsets of ${family} alone`, async () => {
    const sample = samples.get(lang) as Sample;
    const text = lines(sample);
    const raw = (await readFile(sample.pdf)).toString('latin1');
    const fonts = execFileSync('pdffonts', [sample.pdf], { encoding: 'utf8' });

    // A title may wrap; Chinese and Japanese lines join without a space.
    expect(sample.text.replace(/\n/g, '')).toContain(sample.document.title);
    for (const point of sample.document.key_points) expect(text).toContain(point);
    for (const quote of sample.document.quotes) expect(sample.text).toContain(quote.text);
    expect(sample.text).not.toContain('\uFFFD');
    expect(raw).toContain(`/Lang (${lang})`);
    for (const weight of ['Regular', 'Bold']) {
      expect(fonts).toMatch(new RegExp(`[A-Z]{6}\\+${family}-${weight}\\s+CID TrueType\\s+Identity-H\\s+yes yes yes`));
    }
    // Han is unified: an ideograph drawn from another language's font would take that language's forms.
    for (const other of CJK_FAMILIES.filter((name) => name !== family)) expect(fonts).not.toContain(other);
  });
});

describe.each([
  ['hi', 'NotoSansDevanagari'],
  ['th', 'NotoSansThai'],
])('%s fact sheet read back with poppler', (lang, family) => {
  it('is tagged with its language, in an embedded subset of its script font', async () => {
    const sample = samples.get(lang) as Sample;
    const raw = (await readFile(sample.pdf)).toString('latin1');
    const fonts = execFileSync('pdffonts', [sample.pdf], { encoding: 'utf8' });

    expect(raw).toContain(`/Lang (${lang})`);
    expect(fonts).toMatch(new RegExp(`[A-Z]{6}\\+${family}-Regular\\s+CID TrueType\\s+Identity-H\\s+yes yes yes`));
  });
});

describe('runs in another language read back with qpdf', () => {
  it('tags each [text]{lang=…} run as a Span of its paragraph with its own /Lang, the document keeping its own', () => {
    // Prepare
    const sample = samples.get('lang-spans') as Sample;

    // Act: every object of the PDF, as qpdf reads it.
    const json = JSON.parse(execFileSync('qpdf', ['--json=2', '--json-key=qpdf', sample.pdf], { encoding: 'utf8' })) as { qpdf: [unknown, Record<string, { value?: Record<string, unknown> }>] };
    const dictionary = (ref: string) => json.qpdf[1][`obj:${ref}`]?.value ?? {};
    const values = Object.values(json.qpdf[1]).map((object) => object.value ?? {});
    const spans = values.filter((object) => object['/S'] === '/Span');
    const catalog = values.find((object) => object['/Type'] === '/Catalog');

    // Assert
    expect(spans.map((span) => span['/Lang'])).toEqual(['u:fr', 'u:uk', 'u:ar', 'u:ar']);
    for (const span of spans) {
      expect(dictionary(span['/P'] as string)['/S']).toBe('/P');
      expect((span['/K'] as number[]).length).toBeGreaterThan(0);
    }
    expect(catalog?.['/Lang']).toBe('u:en');
    // The runs around them stay in the paragraph itself, and the text reads as typed.
    expect(hasLines(lines(sample), 'The Élysée said « le président russe a confirmé sa volonté » after the call')).toBe(true);
  });

  it('gives back Arabic quoted in an English paragraph exactly, the neutrals after it and its vowel marks in place', () => {
    // Prepare
    const sample = samples.get('lang-spans') as Sample;
    const unmarked = (text: string) => text.replace(/\[([^\]]+)\]\{lang=[^}]+\}/g, '$1');

    // Act
    const text = lines(sample).map((line) => line.replace(/\u200E/g, ''));

    // Assert
    for (const point of sample.document.key_points.slice(2)) expect(text).toContain(unmarked(point));
    expect(hasLines(text, unmarked(sample.document.quotes[0]?.text ?? ''), true)).toBe(true);
  });
});

describe('Thai line breaking', () => {
  it('breaks Thai between the words Intl.Segmenter finds, never inside one, never past the margin', async () => {
    const fonts = await loadFonts();
    const text = 'ประธานาธิบดีฝรั่งเศสเอมมานุเอลมาครงคุยโทรศัพท์กับวลาดีมีร์ปูตินเป็นเวลาหนึ่งชั่วโมงครึ่งเมื่อวันจันทร์';
    await fonts.prepare(text);
    const setter = new TextSetter(fonts, 'ltr');
    const words = [...new Intl.Segmenter('th', { granularity: 'word' }).segment(text)];
    const boundaries = new Set(words.map((word) => word.index));

    const lines = setter.setLines([{ kind: 'text', text, bold: false, italic: false, href: null }], { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' }, 120, () => 1);
    const shown = lines.map((line) => line.runs.map((run) => run.text).join(''));

    expect(shown.join('')).toBe(text);
    expect(lines.length).toBeGreaterThan(3);
    let offset = 0;
    for (const [index, line] of shown.entries()) {
      expect(boundaries.has(offset), `line ${index} starts inside a word: "${line}"`).toBe(true);
      expect(lines[index]?.width).toBeLessThanOrEqual(120.001);
      offset += line.length;
    }
  });
});

describe('CJK line breaking', () => {
  it('breaks Chinese between characters, never before 。，、）」 nor after （「, and never past the margin', async () => {
    // Prepare: a narrow column, so that the paragraph breaks many times.
    const fonts = await loadFonts();
    const text = '法国总统马克龙（Emmanuel Macron）周一与俄罗斯总统普京通话一个半小时，要求停止对平民的打击。据爱丽舍宫称，俄罗斯总统「确认愿意就这些问题作出承诺」，并表示、将会继续对话。';
    await fonts.prepare(text);
    const setter = new TextSetter(fonts, 'ltr');
    const widths = [60, 73, 88, 101, 130];

    for (const width of widths) {
      // Act
      const setLines = setter.setLines([{ kind: 'text', text, bold: false, italic: false, href: null }], { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' }, width, () => 1);
      const shown = setLines.map((line) => line.runs.map((run) => run.text).join(''));

      // Assert
      expect(shown.join(''), `width ${width}`).toBe(text.replace(/ /g, ''));
      expect(setLines.length).toBeGreaterThan(3);
      for (const [index, line] of shown.entries()) {
        expect('。，、）」'.includes(line[0] as string), `width ${width}, line ${index} "${line}"`).toBe(false);
        expect('（「'.includes(line.at(-1) as string), `width ${width}, line ${index} "${line}"`).toBe(false);
        expect(setLines[index]?.width).toBeLessThanOrEqual(width + 0.001);
      }
    }
  });
});

describe('Japanese and Korean line breaking', () => {
  const style = { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' };
  const setAt = (setter: TextSetter, text: string, width: number) => {
    const setLines = setter.setLines([{ kind: 'text', text, bold: false, italic: false, href: null }], style, width, () => 1);
    return { setLines, shown: setLines.map((line) => line.runs.map((run) => run.text).join('')) };
  };

  it('breaks Japanese between characters, never before 。、」）ー or a small kana nor after 「（, never past the margin', async () => {
    // Prepare: small kana (ッ, ャ, ョ, ィ), long vowel marks, brackets and commas, in many narrow columns.
    const fonts = await loadFonts();
    const text = 'フランスのマクロン大統領は28日（月曜日）、ロシアのプーチン大統領とチャットではなく電話で会談し、「ウクライナの道路の安全確保」を求めた。エリゼ宮によると、ショックを受けたウィーンのメディアも報じた。';
    await fonts.prepare(text, 'ja');
    const setter = new TextSetter(fonts, 'ltr', 'ja');
    const neverFirst = [...'。、」）ーッャュョィァゥェォ'];

    for (const width of [47, 60, 73, 88, 101, 130]) {
      // Act
      const { setLines, shown } = setAt(setter, text, width);

      // Assert
      expect(shown.join(''), `width ${width}`).toBe(text);
      expect(setLines.length).toBeGreaterThan(3);
      for (const [index, line] of shown.entries()) {
        expect(neverFirst.includes(line[0] as string), `width ${width}, line ${index} "${line}"`).toBe(false);
        expect('「（'.includes(line.at(-1) as string), `width ${width}, line ${index} "${line}"`).toBe(false);
        expect(setLines[index]?.width).toBeLessThanOrEqual(width + 0.001);
      }
    }
  });

  it('breaks Korean at spaces only, as Chromium does with word-break: keep-all, never before . , ) ” nor past the margin', async () => {
    // Prepare
    const fonts = await loadFonts();
    const text = '에마뉘엘 마크롱 프랑스 대통령은 28일(월) 블라디미르 푸틴 러시아 대통령과 통화하며 “민간인에 대한 공격 중단”을 요구했다.';
    await fonts.prepare(text, 'ko');
    const setter = new TextSetter(fonts, 'ltr', 'ko');
    let insideWords = 0;

    for (const width of [60, 73, 88, 101]) {
      // Act
      const { setLines, shown } = setAt(setter, text, width);

      // Assert: the lines spell the text (spaces are placed, not drawn); a line ending before a letter would break inside a word.
      let offset = 0;
      for (const [index, line] of shown.entries()) {
        for (const char of line) {
          while (text[offset] === ' ') offset++;
          expect(text[offset], `width ${width}, line ${index} "${line}"`).toBe(char);
          offset++;
        }
        if (offset < text.length && text[offset] !== ' ') insideWords++;
        expect('.,)”'.includes(line[0] as string), `width ${width}, line ${index} "${line}"`).toBe(false);
        expect(setLines[index]?.width).toBeLessThanOrEqual(width + 0.001);
      }
      expect(offset).toBe(text.length);
    }
    expect(insideWords).toBe(0);
  });

  it('keeps a straight quotation mark " or \' with its neighbours in Korean and Japanese (UAX #14 LB19: no break before or after QU)', async () => {
    // Prepare: the title QA found with a closing " alone on its line, and its Japanese twin.
    const fonts = await loadFonts();
    const cases = [
      { lang: 'ko', text: '한국은행, 기준금리 3.50%로 동결…"물가 안정 우선"' },
      { lang: 'ja', text: "日銀は金利を据え置き'物価の安定を優先'と述べた" },
    ];
    for (const { lang, text } of cases) {
      await fonts.prepare(text, lang);
      const setter = new TextSetter(fonts, 'ltr', lang);
      for (const width of [40, 47, 55, 62, 70, 80, 95, 110]) {
        // Act
        const { shown } = setAt(setter, text, width);

        // Assert: no line starts or ends with a straight quote unless the text does.
        for (const [index, line] of shown.entries()) {
          if (index > 0) expect(`"'`.includes(line[0] as string), `${lang} width ${width}, line ${index} "${line}"`).toBe(false);
          if (index < shown.length - 1) expect(`"'`.includes(line.at(-1) as string), `${lang} width ${width}, line ${index} "${line}"`).toBe(false);
        }
      }
    }
  });
});

describe('CJK fonts by language', () => {
  it('draws Han in the forms of the language (Japanese, Korean, Traditional, else Simplified), kana, Hangul and bopomofo in their own fonts', async () => {
    // Prepare
    const fonts = await loadFonts();
    const cases: [string, number, string][] = [
      ['ja', 0x56fd, 'NotoSansJP-Regular'],
      ['ko', 0x570b, 'NotoSansKR-Regular'],
      ['zh-Hant', 0x570b, 'NotoSansTC-Regular'],
      ['zh-TW', 0x570b, 'NotoSansTC-Regular'],
      ['zh-HK', 0x570b, 'NotoSansTC-Regular'],
      ['zh', 0x56fd, 'NotoSansSC-Regular'],
      ['zh-Hans', 0x56fd, 'NotoSansSC-Regular'],
      ['fr', 0x56fd, 'NotoSansSC-Regular'],
      ['ja', 0x3002, 'NotoSansJP-Regular'],
      ['zh-Hant', 0x3002, 'NotoSansTC-Regular'],
      ['en', 0x3042, 'NotoSansJP-Regular'],
      ['en', 0xd55c, 'NotoSansKR-Regular'],
      ['zh-Hans', 0xd55c, 'NotoSansKR-Regular'],
      ['en', 0x3105, 'NotoSansTC-Regular'],
    ];

    for (const [lang, codePoint, expected] of cases) {
      // Act
      await fonts.prepare(String.fromCodePoint(codePoint), lang);

      // Assert
      expect(fonts.scriptFont(codePoint, 'regular', lang)?.name, `${lang} U+${codePoint.toString(16)}`).toBe(expected);
    }
  });

  describe('with a fonts folder holding only Noto Sans and Noto Sans JP', () => {
    let fontsDir: string;
    let narrow: Renderer;
    beforeAll(async () => {
      fontsDir = await mkdtemp(join(tmpdir(), 'fonts-jp-only-'));
      for (const file of await readdir(DEFAULT_FONTS_DIR)) {
        if (/^NotoSans(JP)?-/.test(file)) await copyFile(join(DEFAULT_FONTS_DIR, file), join(fontsDir, file));
      }
      narrow = await createRenderer({ fontsDir, sourceDateEpoch: 1646006400 });
    });
    afterAll(async () => {
      await rm(fontsDir, { recursive: true, force: true });
    });
    const render = async (path: string) => narrow.render({ name: path, bytes: await readFile(path), modifiedAt: new Date(0) });

    it('renders a French document without reading a script font, and a Japanese one reading Noto Sans JP alone', async () => {
      // Act: a missing font file fails the render, so each reads only what is there.
      const french = await render(join(ROOT, 'content/macron-poutine-2022-02-28.yaml'));
      const japanese = await render(SAMPLES.ja);

      // Assert
      expect(french.warnings.filter((warning) => warning.message.includes('glyph'))).toEqual([]);
      expect(japanese.warnings).toEqual([]);
      const pdf = join(fontsDir, 'ja.pdf');
      await writeFile(pdf, japanese.pdf);
      expect(execFileSync('pdffonts', [pdf], { encoding: 'utf8' })).toMatch(/\+NotoSansJP-Regular /);
    });

    it('reads Noto Sans KR only for a Korean document, and says which file is missing', async () => {
      await expect(render(SAMPLES.ko)).rejects.toThrow(/NotoSansKR-(Regular|Bold)\.ttf cannot be read/);
    });

    it('draws the kanji of a [東京]{lang=ja} run in an English document from Noto Sans JP, reading no Chinese font', async () => {
      // Act
      const source = 'title: Macron in [東京]{lang=ja}\nlang: en\ndate: 2022-02-28\n';
      const result = await narrow.render({ name: 'tokyo.yaml', bytes: Buffer.from(source), modifiedAt: new Date(0) });

      // Assert
      expect(result.warnings).toEqual([]);
      const drawn = await textWithFonts(result.pdf);
      expect(drawn.filter((piece) => /[東京]/.test(piece.text))).toEqual([{ text: '東', font: 'NotoSansJP-Bold' }, { text: '京', font: 'NotoSansJP-Bold' }]);
    });
  });

  describe('with a fonts folder holding only Noto Sans and Noto Sans SC', () => {
    let fontsDir: string;
    let narrow: Renderer;
    beforeAll(async () => {
      fontsDir = await mkdtemp(join(tmpdir(), 'fonts-sc-only-'));
      for (const file of await readdir(DEFAULT_FONTS_DIR)) {
        if (/^NotoSans(SC)?-/.test(file)) await copyFile(join(DEFAULT_FONTS_DIR, file), join(fontsDir, file));
      }
      narrow = await createRenderer({ fontsDir, sourceDateEpoch: 1646006400 });
    });
    afterAll(async () => {
      await rm(fontsDir, { recursive: true, force: true });
    });
    const render = async (path: string) => narrow.render({ name: path, bytes: await readFile(path), modifiedAt: new Date(0) });

    it('renders a Chinese document without runs in other languages reading no other CJK font, and reads them for one with such runs', async () => {
      // Act: a missing font file fails the render, so each reads only what is there.
      const chinese = await render(SAMPLES['zh-Hans']);

      // Assert
      expect(chinese.warnings).toEqual([]);
      await expect(render(SAMPLES['zh-lang-runs'])).rejects.toThrow(/NotoSans(JP|TC|KR)-(Regular|Bold)\.ttf cannot be read/);
    });
  });

  it('draws a character outside the Japanese subset from another CJK font, and one outside every subset as U+FFFD named in a warning', async () => {
    // Prepare: 们 is Simplified Chinese, outside JIS X 0208 and in GB 2312; 𠮷 outside every subset.
    const source = 'title: 彼们の𠮷野家\nlang: ja\ndate: 2022-02-28\nsummary: テスト\n';

    // Act
    const result = await renderer.render({ name: 'missing.yaml', bytes: Buffer.from(source), modifiedAt: new Date(0) });
    const pdf = join(dir, 'missing.pdf');
    await writeFile(pdf, result.pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    const drawn = await textWithFonts(result.pdf);

    // Assert
    const missing = result.warnings.map((warning) => warning.message).filter((message) => message.includes('U+'));
    expect(missing).toEqual([expect.stringMatching(/"𠮷" \(U\+20BB7\)/)]);
    expect(missing[0]).not.toContain('们');
    expect(text).toContain('彼们の\uFFFD野家');
    expect(drawn).toContainEqual({ text: '们', font: 'NotoSansSC-Bold' });
    expect(drawn.filter((piece) => piece.text.includes('彼')).map((piece) => piece.font)).toEqual(['NotoSansJP-Bold']);
  });

  it('draws Han in a [text]{lang=…} run in the font of the run’s language, the document’s own Han in its language’s, and gives the text back exactly', async () => {
    // Prepare: a Simplified Chinese document with Japanese, Traditional Chinese and Korean runs.
    const sample = samples.get('zh-lang-runs') as Sample;
    const unmarked = (text: string) => text.replace(/\[([^\]]+)\]\{lang=[^}]+\}/g, '$1');
    const runs = (point: string) => [...point.matchAll(/\[([^\]]+)\]\{lang=([^}]+)\}/g)].map((match) => [match[1] as string, match[2] as string] as const);

    // Act: the font of every character drawn on the page, in reading order.
    const drawn = (await textWithFonts(await readFile(sample.pdf))).flatMap((piece) => [...piece.text].map((char) => ({ char, font: piece.font })));
    const page = drawn.map((piece) => piece.char).join('');
    let from = 0;
    /** The fonts of the characters of `text`, found on the page after the text last looked for. */
    const fontsOf = (text: string): string[] => {
      const at = page.indexOf(text, from);
      expect(at, text).toBeGreaterThanOrEqual(0);
      from = at + text.length;
      return drawn.slice(at, at + text.length).map((piece) => piece.font);
    };

    // Assert
    for (const point of sample.document.key_points) expect(lines(sample)).toContain(unmarked(point));
    const fontOf = new Map([['ja', 'NotoSansJP-Regular'], ['zh-Hant', 'NotoSansTC-Regular'], ['ko', 'NotoSansKR-Regular']]);
    const marked = sample.document.key_points.flatMap(runs);
    expect(marked.map(([, lang]) => lang)).toEqual(['ja', 'zh-Hant', 'ko', 'ja']);
    for (const [text, lang] of marked) {
      // 们 is not in JIS X 0208: the Japanese run draws it from the Simplified Chinese font.
      const expected = [...text].map((char) => (char === '们' ? 'NotoSansSC-Regular' : fontOf.get(lang)));
      expect(fontsOf(text), text).toEqual(expected);
    }
    // The same ideographs outside the runs keep the document's forms.
    const own = sample.document.key_points.at(-1) as string;
    expect(fontsOf(own)).toEqual([...own].map(() => 'NotoSansSC-Regular'));
  });
});

describe('shaping and line order', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
    await fonts.prepare('ب ש');
    await loadBidi();
  });

  it.each([
    ['ar', 'بوتين', 0x628],
    ['ar', 'شَدَّة', 0x634],
    ['ar', '(2022)', 0x628],
    ['he', 'שָׁלוֹם', 0x5e9],
  ])('%s %s: glyphs and positions equal HarfBuzz’s on the same font', async (lang, word, letter) => {
    // Prepare: HarfBuzz itself on the font file, right to left as the script is.
    const hb = await import('harfbuzzjs');
    const font = fonts.scriptFont(letter, 'regular');
    const file = lang === 'ar' ? 'NotoSansArabic-Regular.ttf' : 'NotoSansHebrew-Regular.ttf';
    const reference = new hb.Font(new hb.Face(new hb.Blob(await readFile(join(DEFAULT_FONTS_DIR, file)))));
    const buffer = new hb.Buffer();
    buffer.addText(word);
    buffer.guessSegmentProperties();
    buffer.setDirection(hb.Direction.RTL);
    hb.shape(reference, buffer);
    const expected = buffer.getGlyphInfosAndPositions().map((glyph) => [glyph.codepoint, glyph.xAdvance, glyph.xOffset, glyph.yOffset]);

    // Act: a lone bracket word is handed over with an RLM, as the layout does at an odd level.
    const scriptFont = font as NonNullable<typeof font>;
    const run = scriptFont.shape(/^[\p{L}\p{M}]/u.test(word) ? word : `\u200F${word}`);

    // Assert: ids of (glyph, text) pairs resolve to HarfBuzz's glyphs, at HarfBuzz's positions.
    expect(run.glyphs.map((glyph, index) => [scriptFont.outlineOf(glyph.id), run.positions[index]?.xAdvance, run.positions[index]?.xOffset, run.positions[index]?.yOffset])).toEqual(expected);
  });

  it('finds the stretches of a right-to-left line poppler reads left to right, neutrals after them left out', () => {
    // Prepare: digits, a comma (a "number" to poppler), Latin, brackets and spaces.
    const text = 'يوم الاثنين، 28 فبراير (Macron Putin 1:30) اتصل';

    // Act
    const stretches = leftToRightStretches(text).map(([start, end]) => text.slice(start, end));

    // Assert
    expect(stretches).toEqual(['، 28', 'Macron Putin 1:30']);
  });

  it('orders a mixed line (Arabic, digits, Latin, nested brackets) as the UAX #9 reference does', () => {
    // Prepare
    const text = 'قال ماكرون (في باريس [2022]) إن Macron Putin 1:30 اتصل';
    const setter = new TextSetter(fonts, 'rtl');
    const reference = bidiFactory();
    const levels = reference.getEmbeddingLevels(text, 'rtl');
    const visual = [...text];
    for (const [start, end] of reference.getReorderSegments(text, levels) as [number, number][]) {
      visual.splice(start, end - start + 1, ...visual.slice(start, end + 1).reverse());
    }
    const mirrored = visual.map((char, index) => {
      const logical = reference.getReorderedIndices(text, levels)[index] as number;
      return (levels.levels[logical] as number) % 2 === 1 ? (reference.getMirroredCharacter(char) ?? char) : char;
    });

    // Act
    const [line] = setter.setLines([{ kind: 'text', text, bold: false, italic: false, href: null }], { size: 10, lineHeight: 12, color: '#000', bold: false, italic: false, linkColor: '#000' }, 1000, () => 1);

    // Assert: the runs from left to right, each as it shows, spell the reference's visual string.
    const shown = [...(line?.runs ?? [])]
      .sort((a, b) => a.x - b.x)
      .map((run) => {
        const chars = [...run.text.replace(/[\u200E\u200F]/g, '')];
        // A script font's right-to-left run is given in logical order and shown reversed.
        return run.face !== undefined && /[\u0600-\u06FF]/.test(run.text) || run.text.startsWith('\u200F') ? chars.reverse().map((char) => reference.getMirroredCharacter(char) ?? char).join('') : chars.join('');
      })
      .join('');
    expect(shown.replace(/ /g, '')).toBe(mirrored.join('').replace(/ /g, ''));
  });
});

describe.each(['Noto Sans', 'Lato'] as const)('the header date of a right-to-left sheet, body font %s', (font) => {
  const dates: Renderer[] = [];
  beforeAll(async () => {
    dates.push(await createRenderer(font === 'Lato' ? { templatesDir: templatesWithFont(LATO), sourceDateEpoch: 1646006400 } : { sourceDateEpoch: 1646006400 }));
  });
  /** Every invisible mark and embedding control pdftotext gives back, left-to-right marks too. */
  const MARKS = /[\u202A-\u202E\u200E\u200F]/g;
  const fixture = async (path: string): Promise<string> => (await readFile(path, 'utf8')).replace(/^date: .*$/m, 'date: 2024-01-01');
  // A one-word sheet, which poppler reads left to right (the English labels outnumber its
  // letters), and a whole one, read right to left; Persian's "ژانویهٔ" ends in U+0654.
  it.each([
    { lang: 'fa', sheet: 'one word', source: () => Promise.resolve('title: سلام\ndate: 2024-01-01\nlang: fa\nsummary: خوب\n') },
    { lang: 'fa', sheet: 'whole', source: () => fixture(join(WORLD, 'fa.yaml')) },
    { lang: 'ar', sheet: 'one word', source: () => Promise.resolve('title: سلام\ndate: 2024-01-01\nlang: ar\nsummary: خبر\n') },
    { lang: 'ar', sheet: 'whole', source: () => fixture(SAMPLES.ar) },
  ])('$lang, $sheet: pdftotext gives it back exactly as Intl formats it', async ({ lang, source }) => {
    const result = await (dates[0] as Renderer).render({ name: `${lang}.yaml`, bytes: new TextEncoder().encode(await source()), modifiedAt: new Date(0) });
    const lines = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: result.pdf }).toString('utf8').split('\n');
    const date = new Intl.DateTimeFormat(`${lang}-u-ca-gregory`, { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' }).format(new Date('2024-01-01T00:00:00Z'));

    expect(lines.map((line) => line.replace(MARKS, ''))).toContain(date);
  });
});
