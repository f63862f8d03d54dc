import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { createRenderer, type Renderer } from '../lambdas/render';
import { ContentError } from '../lambdas/render/errors';
import { readSvg, SVG_LIMITS } from '../lambdas/render/images/svg';
import type { SourceFile } from '../lambdas/render/types';
import { readPdf } from './helpers/pdf';

const repository = new URL('..', import.meta.url).pathname;
const picturesDir = join(repository, 'content/pictures');
const MAP_FILE = 'carte-paris-moscou.svg';
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');
const A4_HEIGHT = 841.89;
/** The briefing's column on A4 (layout/styles.ts). */
const COLUMN = { left: 56, width: 595.28 - 2 * 56 };

function source(name: string, yaml: string): SourceFile {
  return { name, bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT };
}

const withPicture = (src: string, extra = ''): string => `title: Carte\ndate: 2022-02-28\nlang: fr\nimages:\n  - src: ${src}\n    alt: Carte de l’Europe de Paris à Moscou\n${extra}`;

/** The uncompressed, one-object-per-line form of a PDF (qpdf's QDF), to read content streams. */
function qdf(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'svg-qdf-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
  return readFileSync(join(dir, 'out.pdf'), 'latin1');
}

/** qpdf's JSON view: each page's image XObjects by object. */
function pageImages(pdf: Buffer): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'svg-json-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  const json = JSON.parse(execFileSync('qpdf', ['--json', '--json-key=pages', join(dir, 'in.pdf')]).toString('utf8')) as { pages: { images: { object: string }[] }[] };
  return json.pages.map((page) => page.images.map((image) => image.object));
}

function pdftotext(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ');
}

async function figureAlts(pdf: Buffer): Promise<string[]> {
  interface Node {
    readonly role?: string;
    readonly alt?: string;
    readonly children?: readonly Node[];
  }
  const collect = (node: Node): string[] => [...(node.role === 'Figure' && node.alt ? [node.alt] : []), ...(node.children ?? []).flatMap(collect)];
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    return collect((await (await doc.getPage(1)).getStructTree()) as Node);
  } finally {
    await doc.destroy();
  }
}

async function refusalOf(renderer: Renderer, dir: string, svg: string): Promise<string> {
  writeFileSync(join(dir, 'hostile.svg'), svg);
  const file = join(dir, 'doc.yaml');
  const error = await renderer.render(source(file, withPicture('hostile.svg')), { images: folderImages(dir, file) }).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ContentError);
  return (error as ContentError).message;
}

const SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 50">';

describe('images: SVG read into vectors', () => {
  it('reads shapes, transforms, styles and labels of a map', () => {
    // Prepare
    const svg = `${SVG_OPEN}<g transform="translate(10 5) scale(2)" style="fill:#a34400;stroke:none"><rect x="1" y="2" width="3" height="4"/><circle cx="5" cy="5" r="1" fill-opacity="0.5"/></g><polyline points="0,0 10,10 20,0" stroke="navy" stroke-dasharray="4 2"/><text x="50" y="40" font-size="12" font-weight="bold" text-anchor="middle">Kiev</text></svg>`;

    // Act
    const reading = readSvg(new TextEncoder().encode(svg));

    // Assert
    expect(reading.kind).toBe('ok');
    const drawing = reading.kind === 'ok' ? reading.drawing : null;
    expect(drawing?.viewBox).toEqual([0, 0, 100, 50]);
    expect(drawing?.items.map((item) => item.kind)).toEqual(['path', 'path', 'path', 'text']);
    expect(drawing?.items[0]).toMatchObject({ d: 'M1 2H4V6H1Z', matrix: [2, 0, 0, 2, 10, 5], fill: { colour: '#a34400', opacity: 1 }, stroke: null });
    expect(drawing?.items[1]).toMatchObject({ fill: { colour: '#a34400', opacity: 0.5 } });
    expect(drawing?.items[2]).toMatchObject({ d: 'M0 0L10 10L20 0', fill: null, stroke: { colour: '#000080' }, dash: [4, 2] });
    expect(drawing?.items[3]).toMatchObject({ text: 'Kiev', x: 50, y: 40, size: 12, bold: true, anchor: 'middle' });
  });

  it.each([
    ['an outside reference', `${SVG_OPEN}<use xlink:href="http://example.org/evil.svg#a"/></svg>`, 'refers to another resource (xlink:href="http://example.org/evil.svg#a" on <use>); the publisher fetches nothing'],
    ['a link', `${SVG_OPEN}<a href="https://example.org"><rect width="1" height="1"/></a></svg>`, 'refers to another resource (href="https://example.org" on <a>)'],
    ['entity expansion', `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${SVG_OPEN}<text>&b;</text></svg>`, 'has a DOCTYPE: entity declarations are refused'],
    ['a script', `${SVG_OPEN}<script>alert(1)</script></svg>`, 'holds a script'],
    ['an event handler', `${SVG_OPEN}<rect width="1" height="1" onclick="alert(1)"/></svg>`, 'holds a script (the onclick attribute of <rect>)'],
    ['an embedded picture', `${SVG_OPEN}<image href="data:image/png;base64,AAAA"/></svg>`, 'holds an <image>'],
    ['a paint from outside', `${SVG_OPEN}<rect width="1" height="1" fill="url(http://example.org/p.svg#g)"/></svg>`, 'refers to a gradient, pattern or other resource'],
    ['HTML inside', `${SVG_OPEN}<foreignObject><div/></foreignObject></svg>`, 'holds a foreignObject'],
    ['broken XML', `${SVG_OPEN}<rect width="1"></svg>`, 'is not well-formed XML'],
    ['another document', '<html><body/></html>', 'starts with <html>, not <svg>'],
    ['no size', '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', 'gives no size'],
    ['too many elements', `${SVG_OPEN}${'<rect width="1" height="1"/>'.repeat(SVG_LIMITS.maxElements)}</svg>`, `has more than ${SVG_LIMITS.maxElements} elements`],
    ['deep nesting', `${SVG_OPEN}${'<g>'.repeat(SVG_LIMITS.maxDepth)}${'</g>'.repeat(SVG_LIMITS.maxDepth)}</svg>`, `nests elements more than ${SVG_LIMITS.maxDepth} deep`],
    ['an unknown element', `${SVG_OPEN}<linearGradient id="g"/></svg>`, 'uses <linearGradient>, which the publisher does not draw'],
  ])('refuses %s, naming the picture and why', async (_name, svg, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'svg-hostile-'));
    const renderer = await createRenderer();

    const message = await refusalOf(renderer, dir, svg);

    expect(message).toContain('images[0].src');
    expect(message).toContain(`"hostile.svg" ${reason}`);
  });

  it('fetches nothing that an SVG names', async () => {
    // Prepare: a server on this machine that counts what is asked of it.
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'svg-fetch-'));
    const renderer = await createRenderer();

    try {
      // Act
      const messages = [
        await refusalOf(renderer, dir, `${SVG_OPEN}<use xlink:href="${address}/a.svg#x"/></svg>`),
        await refusalOf(renderer, dir, `${SVG_OPEN}<rect width="1" height="1" style="fill:url(${address}/p.svg#g)"/></svg>`),
        await refusalOf(renderer, dir, `<?xml version="1.0"?><!DOCTYPE svg SYSTEM "${address}/svg.dtd">${SVG_OPEN}</svg>`),
      ];

      // Assert
      expect(messages.every((message) => message.includes('hostile.svg'))).toBe(true);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});

describe('layout and draw: SVG figures', () => {
  let renderer: Renderer;
  let pdf: Buffer;
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    const file = join(picturesDir, 'doc.yaml');
    pdf = (await renderer.render(source(file, withPicture(MAP_FILE, '    caption: Paris, Moscou et l’Ukraine.\n')), { images: folderImages(picturesDir, file) })).pdf;
  });

  it('draws the map as vector paths, with no image object, in its box at the column width', () => {
    const text = qdf(pdf);
    // The map's own size (650 × 320 px) prints at 487.5 × 240 pt: wider than the column, so it takes the column.
    const height = (COLUMN.width * 320) / 650;
    const clip = /([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re\s+W n/.exec(text);

    expect(pageImages(pdf)).toEqual([[]]);
    expect(text).not.toMatch(/\/Subtype \/Image/);
    const [left, top, width, drawnHeight] = clip?.slice(1).map(Number) ?? [];
    expect(left).toBeCloseTo(COLUMN.left, 2);
    expect(width).toBeCloseTo(COLUMN.width, 2);
    expect(drawnHeight).toBeCloseTo(height, 2);
    expect(top).toBeGreaterThan(72);
    expect((top as number) + height).toBeLessThan(A4_HEIGHT - 62);
    // Ukraine's outline: a filled and stroked path of straight segments; the call: a dashed quadratic curve.
    expect(text).toMatch(/(?:[\d.-]+ [\d.-]+ l\s+){20,}h\s+B\s/);
    expect(text).toMatch(/\[7 5\] 0 d\s+[\d.-]+ [\d.-]+ m\s+(?:[\d.-]+ ){4}v\s+S/);
  });

  it('sets its labels in the embedded fonts, as text a reader can find', async () => {
    const text = pdftotext(pdf);

    expect(text).toContain('Moscou');
    expect(text).toContain('UKRAINE');
    expect(text).toContain('Paris, Moscou et l’Ukraine.');
    expect(await figureAlts(pdf)).toEqual(['Carte de l’Europe de Paris à Moscou']);
  });

  it('gives the same bytes for the same document', async () => {
    const file = join(picturesDir, 'doc.yaml');
    const again = await renderer.render(source(file, withPicture(MAP_FILE, '    caption: Paris, Moscou et l’Ukraine.\n')), { images: folderImages(picturesDir, file) });

    expect(again.pdf.equals(pdf)).toBe(true);
  });
});

describe('layout and draw: the theme logo', () => {
  const templates = (theme: string, files: Record<string, Buffer | string>): string => {
    const dir = mkdtempSync(join(tmpdir(), 'svg-theme-'));
    cpSync(join(repository, 'templates'), dir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
    writeFileSync(join(dir, 'theme.yaml'), theme);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    return dir;
  };
  const themeWith = (lines: string): string =>
    `organisation: Agence\n${lines}\ncolours:\n  primary: "#1b2a4a"\n  accent: "#a34400"\n  text: "#1f2328"\n  muted: "#545d6b"\n  highlight: "#eef2f7"\n  onPrimary: "#ffffff"\n`;
  const pngLogo = readFileSync(join(repository, 'tests/fixtures/templates/themes/with-logo/logo.png'));
  const svgLogo = `${SVG_OPEN}<rect width="100" height="50" fill="#ffffff"/><circle cx="25" cy="25" r="20" fill="#a34400"/></svg>`;
  /** Three pages of text. */
  const long = `title: Logo\ndate: 2022-02-28\nsections:\n${Array.from({ length: 12 }, (_, index) => `  - heading: Part ${index}\n    body: ${'Words of a long paragraph that fills the page. '.repeat(25)}\n`).join('')}`;
  const render = async (dir: string): Promise<Buffer> => {
    const renderer = await createRenderer({ templatesDir: dir, sourceDateEpoch: 1_700_000_000 });
    return (await renderer.render(source(join(dir, 'long.yaml'), long))).pdf;
  };
  it('embeds a PNG logo once and shows that one image on every page of the band', async () => {
    const dir = templates(themeWith('logo: logo.png'), { 'logo.png': pngLogo });

    const pdf = await render(dir);

    const pages = pageImages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pages.flat()).size).toBe(1);
    expect(pages.every((images) => images.length === 1)).toBe(true);
    // The PNG has an alpha channel: its image and the soft mask that holds the alpha.
    expect(qdf(pdf).match(/\/Subtype \/Image/g)).toHaveLength(2);
  });

  it('draws an SVG logo as vectors in the band of every page', async () => {
    const dir = templates(themeWith('logo: logo.svg'), { 'logo.svg': svgLogo });

    const pdf = await render(dir);

    const text = qdf(pdf);
    const pages = text.split(/%% Contents for page \d+\n/).slice(1);
    expect(pageImages(pdf).flat()).toEqual([]);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    // The circle: four arcs as Bézier curves, filled in the accent colour, on each page.
    for (const page of pages) expect(page).toMatch(/0\.6392\d* 0\.2666\d* 0 scn\s+(?:[\d.-]+ )+m\s+(?:(?:[\d.-]+ ){6}c\s+){4,}/);
  });

  it('places the logo above the title, on the first page only, when the theme asks', async () => {
    const dir = templates(themeWith('logo: logo.png\nlogoPlacement: title'), { 'logo.png': pngLogo });

    const pdf = await render(dir);

    const pages = pageImages(pdf);
    expect(pages[0]).toHaveLength(1);
    expect(pages.slice(1).flat()).toEqual([]);
    const first = qdf(pdf).split(/%% Contents for page \d+\n/)[1] ?? '';
    const logo = /(-?[\d.]+) 0 0 (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) cm\s*\/I\d+ Do/.exec(first);
    // pdfkit draws the image flipped in its top-down space: the matrix's height is negative, its y the bottom edge.
    const logoBottom = Number(logo?.[4]);
    const logoTop = logoBottom + Number(logo?.[2]);
    // Text positions are PDF's, bottom-up; the highest body line below the band is the title's.
    const baselines = [...first.matchAll(/1 0 0 1 [\d.]+ ([\d.]+) Tm/g)].map((match) => A4_HEIGHT - Number(match[1])).filter((y) => y > 56 && y < A4_HEIGHT - 62);
    expect(logoTop).toBeCloseTo(72, 1);
    expect(logoBottom).toBeLessThan(Math.min(...baselines) - 20);
  });

  it('draws a logo in the Han forms and with the warnings of each document, whatever document drew it before', async () => {
    // Prepare: 骨 and 直 take other forms in Japanese and in Chinese (other fonts); U+E000 is in no font.
    const dir = templates(themeWith('logo: logo.svg'), { 'logo.svg': `${SVG_OPEN}<text x="5" y="40" font-size="20">骨直\uE000</text></svg>` });
    const documentIn = (lang: string, title: string): SourceFile => source(join(dir, `${lang}.yaml`), `title: ${title}\ndate: 2022-02-28\nlang: ${lang}\nsummary: ${title}。\n`);
    const japanese = documentIn('ja', '電話会談');
    const chinese = documentIn('zh-Hans', '通电话');
    const warm = await createRenderer({ templatesDir: dir, sourceDateEpoch: 1_700_000_000 });
    const fresh = await createRenderer({ templatesDir: dir, sourceDateEpoch: 1_700_000_000 });

    // Act: the logo is one drawing for the renderer's life, set for Japanese first, then for Chinese.
    await warm.render(japanese);
    const afterJapanese = await warm.render(chinese);
    const again = await warm.render(chinese);
    const alone = await fresh.render(chinese);

    // Assert: the label in the Simplified Chinese font alone, its missing character named each time.
    const fonts = (await readPdf(afterJapanese.pdf)).fontNames;
    expect(fonts.filter((name) => name.includes('NotoSansJP'))).toEqual([]);
    expect(fonts.some((name) => name.includes('NotoSansSC'))).toBe(true);
    expect(alone.warnings.map((warning) => warning.message)).toEqual([expect.stringContaining('U+E000')]);
    for (const render of [afterJapanese, again]) {
      expect(render.warnings).toEqual(alone.warnings);
      expect(Buffer.from(render.pdf).equals(Buffer.from(alone.pdf))).toBe(true);
    }
  });

  it('names the theme field when the logo is a hostile SVG', async () => {
    const dir = templates(themeWith('logo: logo.svg'), { 'logo.svg': `${SVG_OPEN}<script>alert(1)</script></svg>` });

    const error = await createRenderer({ templatesDir: dir }).then(
      () => null,
      (caught: unknown) => caught as Error,
    );

    expect(error?.message).toMatch(/theme\.yaml:2:7: logo: "logo\.svg" holds a script/);
  });
});
