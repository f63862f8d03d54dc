/**
 * What does not mirror on a right-to-left sheet, read back from the PDF: an SVG's labels keep the
 * SVG's own direction and place (pdftotext -bbox), the header band mirrors as a whole with its
 * logo, and the address beside the QR code reads left to right as one unit (pdf.js for where its
 * glyphs are drawn, pdftotext for the text it gives back, jsQR for the code).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { createRenderer } from '../lambdas/render';

const repository = new URL('..', import.meta.url).pathname;
/** Embedding controls pdftotext writes and the marks the PDF carries for extraction. */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200E\u200F]/g;
const RIGHT_TO_LEFT = /[\u0590-\u08FF]/;
const MARGIN = { left: 56, right: 595.28 - 56 };
const BAND_BOTTOM = 44;

interface Word {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly text: string;
}

function words(pdf: Buffer): Word[] {
  const html = execFileSync('pdftotext', ['-bbox', '-f', '1', '-l', '1', '-', '-'], { input: pdf }).toString('utf8');
  return [...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)<\/word>/g)].map((match) => ({
    xMin: Number(match[1]),
    yMin: Number(match[2]),
    xMax: Number(match[3]),
    text: (match[4] as string).replace(DIRECTION_CONTROLS, ''),
  }));
}

/** The words on the line of `anchor` (an Arabic word's box rises higher than a Latin one's), left to right. */
function lineOf(all: readonly Word[], anchor: Word): Word[] {
  return all.filter((word) => Math.abs(word.yMin - anchor.yMin) < 12).sort((a, b) => a.xMin - b.xMin);
}

const folder = (): string => mkdtempSync(join(tmpdir(), 'rtl-pictures-'));

describe('layout: an SVG picture keeps its own direction on every sheet', () => {
  // 400 px wide: 300 pt on the page, 0.75 pt a unit.
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160" viewBox="0 0 400 160">
    <rect width="400" height="160" fill="#eef2f7"/>
    <text x="10" y="30" font-size="16">Population: 2.9 M.</text>
    <text x="10" y="60" font-size="16">Newsroom نيوز</text>
    <text x="10" y="90" font-size="16">Haifa חיפה</text>
    <circle cx="80" cy="115" r="6" fill="#a34400"/><text x="90" y="120" font-size="16">القاهرة</text>
    <g direction="rtl"><text x="390" y="150" font-size="16">Newsroom שלום</text></g>
  </svg>`;
  const page: Record<string, Word[]> = {};
  beforeAll(async () => {
    const dir = folder();
    writeFileSync(join(dir, 'map.svg'), svg);
    const renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    for (const lang of ['en', 'ar', 'he']) {
      const file = join(dir, `${lang}.yaml`);
      const yaml = `title: Map ${lang}\ndate: 2024-01-01\nlang: ${lang}\nimages:\n  - src: map.svg\n    alt: map\n`;
      const { pdf } = await renderer.render({ name: file, bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) }, { images: folderImages(dir, file) });
      page[lang] = words(pdf);
    }
  });
  /** The words of the label on row `index` (30 units apart, 22.5 pt), left to right. */
  const row = (lang: string, index: number): Word[] => {
    const all = page[lang] as Word[];
    const top = (all.find((word) => word.text === 'Population:') as Word).yMin + index * 22.5;
    return all.filter((word) => Math.abs(word.yMin - top) < 6).sort((a, b) => a.xMin - b.xMin);
  };
  /** The picture's left edge: "Population:" starts 10 units into it. */
  const left = (lang: string): number => (row(lang, 0)[0] as Word).xMin - 10 * 0.75;

  it.each(['ar', 'he'])('sets a label in the order the SVG writes it on a %s sheet, as the English one does', (lang) => {
    expect(row(lang, 0).map((word) => word.text)).toEqual(['Population:', '2.9', 'M.']);
    // "Newsroom نيوز", "Haifa חיפה": the Latin word first, on the left, as in the SVG.
    for (const [index, latin] of [[1, 'Newsroom'], [2, 'Haifa']] as const) {
      const [first, second] = row(lang, index);
      expect(first?.text).toBe(latin);
      expect(RIGHT_TO_LEFT.test(second?.text ?? '')).toBe(true);
      expect(first?.xMin).toBeCloseTo((row('en', index)[0] as Word).xMin, 1);
    }
    for (const [index, word] of row(lang, 0).entries()) expect(word.xMin).toBeCloseTo((row('en', 0)[index] as Word).xMin, 1);
  });

  it.each(['en', 'ar', 'he'])('reads text-anchor in the SVG\u2019s direction on a %s sheet', (lang) => {
    // No direction given: an Arabic name starts at its anchor, beside its dot, as an SVG viewer shows it.
    expect(row(lang, 3)[0]?.xMin).toBeCloseTo(left(lang) + 90 * 0.75, 0);
    // direction="rtl" on its group: "Newsroom שלום" set right to left, its start (the right end) at x = 390.
    const [first, second] = row(lang, 4);
    expect(RIGHT_TO_LEFT.test(first?.text ?? '')).toBe(true);
    expect(second?.text).toBe('Newsroom');
    expect(second?.xMax).toBeCloseTo(left(lang) + 390 * 0.75, 0);
  });
});

describe('layout: the header band mirrors whole on a right-to-left page', () => {
  const theme = (placement: string): string =>
    `organisation: Agence\nlogo: logo.svg\nlogoPlacement: ${placement}\ncolours:\n  primary: "#1b2a4a"\n  accent: "#a34400"\n  text: "#1f2328"\n  muted: "#545d6b"\n  highlight: "#eef2f7"\n  onPrimary: "#ffffff"\n`;
  // 200 × 40: 110 × 22 pt in the band (0.55 a unit), 200 × 40 pt above the title.
  const logo = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40"><rect width="40" height="40" fill="#a34400"/><text x="50" y="28" font-size="22" font-weight="bold" fill="#ffffff">Newsroom نيوز</text></svg>';
  const render = async (placement: string, lang: string): Promise<Word[]> => {
    const dir = folder();
    cpSync(join(repository, 'templates'), dir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
    writeFileSync(join(dir, 'theme.yaml'), theme(placement));
    writeFileSync(join(dir, 'logo.svg'), logo);
    const renderer = await createRenderer({ templatesDir: dir, sourceDateEpoch: 1_700_000_000 });
    const yaml = `title: ${lang === 'ar' ? 'اتصال هاتفي' : 'A call'}\ndate: 2022-02-28\nlang: ${lang}\n`;
    return words((await renderer.render({ name: join(dir, `${lang}.yaml`), bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) })).pdf);
  };

  it('draws the band logo at the right edge on an Arabic sheet, the organisation on its left, the date at the left edge', async () => {
    const band = (await render('band', 'ar')).filter((word) => word.yMin < BAND_BOTTOM);
    const logoLeft = MARGIN.right - 110;

    const newsroom = band.find((word) => word.text === 'Newsroom') as Word;
    const arabic = band.find((word) => word.text !== 'Agence' && RIGHT_TO_LEFT.test(word.text) && word.xMin > logoLeft) as Word;
    const organisation = band.find((word) => word.text === 'Agence') as Word;
    expect(newsroom.xMin).toBeCloseTo(logoLeft + 50 * 0.55, 0);
    // The logo's own words in its own order: "Newsroom نيوز".
    expect(arabic.xMin).toBeGreaterThan(newsroom.xMax);
    expect(organisation.xMax).toBeLessThanOrEqual(logoLeft - 8 + 0.5);
    expect(organisation.xMax).toBeGreaterThan(logoLeft - 8 - 1);
    expect(Math.min(...band.map((word) => word.xMin))).toBeCloseTo(MARGIN.left, 0);
  });

  it('keeps it at the left edge on an English sheet', async () => {
    const band = (await render('band', 'en')).filter((word) => word.yMin < BAND_BOTTOM);

    expect(band.find((word) => word.text === 'Newsroom')?.xMin).toBeCloseTo(MARGIN.left + 50 * 0.55, 0);
    expect(band.find((word) => word.text === 'Agence')?.xMin).toBeCloseTo(MARGIN.left + 110 + 8, 0);
  });

  it('puts the logo above the title at the right of the column on an Arabic sheet, its words in its own order', async () => {
    const page = await render('title', 'ar');
    const logoLeft = MARGIN.right - 200;

    const newsroom = page.find((word) => word.text === 'Newsroom') as Word;
    const arabic = lineOf(page, newsroom).find((word) => RIGHT_TO_LEFT.test(word.text)) as Word;
    expect(newsroom.yMin).toBeGreaterThan(BAND_BOTTOM);
    expect(newsroom.xMin).toBeCloseTo(logoLeft + 50, 0);
    expect(arabic.xMin).toBeGreaterThan(newsroom.xMax);
    expect(page.filter((word) => word.yMin < BAND_BOTTOM).map((word) => word.text)).toContain('Agence');
  });
});

describe('layout and draw: the address beside the QR code reads left to right as one unit', () => {
  const address = { ar: 'https://example.org/أخبار/2024?q=نفط', he: 'https://example.org/חדשות/2024?q=נפט' } as const;
  /** Enough Arabic or Hebrew for poppler to read the page right to left. */
  const body = {
    ar: 'title: صادرات النفط تتراجع في الربع الثالث\nsummary: تراجعت صادرات النفط بنسبة كبيرة مقارنة بالربع السابق، وفق بيانات أوبك الصادرة يوم الخميس.\n',
    he: 'title: יצוא הנפט ירד ברבעון השלישי\nsummary: יצוא הנפט ירד בשיעור ניכר לעומת הרבעון הקודם, לפי נתוני אופ״ק שפורסמו ביום חמישי.\n',
    en: 'title: Oil exports fall in the third quarter\n',
    /** A one-word title: more Latin letters than Arabic ones, poppler reads this Arabic page left to right. */
    short: 'title: رابط\n',
  } as const;
  const pdfs: Record<string, Buffer> = {};
  beforeAll(async () => {
    const renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    for (const [lang, script] of [['ar', 'ar'], ['he', 'he'], ['en', 'ar'], ['en', 'he'], ['short', 'ar']] as const) {
      const yaml = `${body[lang]}date: 2024-01-01\nlang: ${lang === 'short' ? 'ar' : lang}\nurl: ${address[script]}\n`;
      pdfs[`${lang}-${script}`] = (await renderer.render({ name: `${lang}-${script}.yaml`, bytes: new TextEncoder().encode(yaml), modifiedAt: new Date(0) })).pdf;
    }
  });

  /**
   * Where the pieces of the address's line are drawn, from pdf.js (which reads the glyphs, not the
   * ActualText): the x of the piece that starts with the scheme, of the year and of the query.
   */
  async function drawnAddress(pdf: Buffer): Promise<{ readonly scheme: number; readonly year: number; readonly query: number; readonly leftmost: number }> {
    const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    try {
      const items = ((await (await doc.getPage(1)).getTextContent()).items as { str: string; transform: number[] }[]).filter((item) => item.str.trim() !== '');
      const scheme = items.find((item) => item.str.startsWith('https://')) as { str: string; transform: number[] };
      const line = items.filter((item) => Math.abs((item.transform[5] as number) - (scheme.transform[5] as number)) < 1);
      const x = (match: RegExp): number => (line.find((item) => match.test(item.str))?.transform[4] as number) - (scheme.transform[4] as number);
      return { scheme: 0, year: x(/^2024$/), query: x(/^q/), leftmost: Math.min(...line.map((item) => item.transform[4] as number)) - (scheme.transform[4] as number) };
    } finally {
      await doc.destroy();
    }
  }

  it.each(['ar', 'he'] as const)('draws it on a %s sheet as on an English one, as Chromium shows <bdi dir=ltr>', async (script) => {
    const shown = await drawnAddress(pdfs[`${script}-${script}`] as Buffer);
    const english = await drawnAddress(pdfs[`en-${script}`] as Buffer);

    // The scheme leftmost; UAX #9 inside a left-to-right isolate: the year after the Arabic or
    // Hebrew word shows before it, the query after both.
    expect(shown.leftmost).toBeCloseTo(0, 1);
    expect(shown.year).toBeGreaterThan(0);
    expect(shown.query).toBeGreaterThan(shown.year);
    expect(shown.year).toBeCloseTo(english.year, 1);
    expect(shown.query).toBeCloseTo(english.query, 1);
  });

  it.each(['ar-ar', 'he-he', 'en-ar', 'en-he', 'short-ar'])('gives it back exactly with pdftotext (%s)', (key) => {
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdfs[key] }).toString('utf8').replace(DIRECTION_CONTROLS, '');

    expect(text.split('\n')).toContain(address[key.slice(-2) as 'ar' | 'he']);
  });

  it.each([
    ['ar-ar', 'right'],
    ['he-he', 'right'],
    ['en-ar', 'left'],
  ] as const)('puts the QR code where a line of the %s sheet starts (the %s edge of the column), the address beside it', (key, edge) => {
    // Prepare: the code's corners from jsQR on the page at 150 dpi, in points.
    const pdf = pdfs[key] as Buffer;
    const png = PNG.sync.read(execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-'], { input: pdf }));
    const toPoints = 72 / 150;

    // Act
    const { location } = jsQR(new Uint8ClampedArray(png.data), png.width, png.height) as NonNullable<ReturnType<typeof jsQR>>;
    const codeLeft = location.topLeftCorner.x * toPoints;
    const codeRight = location.topRightCorner.x * toPoints;
    const address = words(pdf).filter((word) => word.text.includes('example.org'));

    // Assert: the modules sit inside the 72 pt code, whose quiet zone is 4 modules wide.
    expect(address.length).toBe(1);
    const text = address[0] as Word;
    if (edge === 'right') {
      expect(codeRight).toBeGreaterThan(MARGIN.right - 12);
      expect(codeRight).toBeLessThan(MARGIN.right);
      expect(text.xMax).toBeLessThan(codeLeft);
    } else {
      expect(codeLeft).toBeGreaterThan(MARGIN.left);
      expect(codeLeft).toBeLessThan(MARGIN.left + 12);
      expect(text.xMin).toBeGreaterThan(codeRight);
    }
  });

  it('keeps the link and a QR code that decodes to the address on an Arabic sheet', async () => {
    const pdf = pdfs['ar-ar'] as Buffer;
    const png = PNG.sync.read(execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-'], { input: pdf }));

    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(address.ar);
    const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    const links = ((await (await doc.getPage(1)).getAnnotations()) as { url?: string }[]).map((annotation) => annotation.url);
    await doc.destroy();
    expect(links.length).toBeGreaterThan(0);
    expect(new Set(links)).toEqual(new Set([encodeURI(address.ar)]));
  });
});
