import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import type { SourceFile } from '../lambdas/render/types';
import { LATO, templatesWithFont } from './helpers/theme';

/** Lato (SIL OFL 1.1, tests/fixtures/fonts/Lato-OFL.txt): Latin only, no Cyrillic, no Arabic. */
const fixtureFonts = new URL('./fixtures/fonts/', import.meta.url).pathname;

function source(yaml: string): SourceFile {
  return { name: 'brand-font.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: new Date('2022-03-01T09:15:00Z') };
}


/** pdffonts' rows: name (without the subset tag), embedded and subset. */
function fonts(pdf: Buffer): { name: string; embedded: boolean; subset: boolean }[] {
  const lines = execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8').split('\n').slice(2).filter((line) => line.trim() !== '');
  return lines.map((line) => {
    const [name = '', ...rest] = line.split(/\s+/);
    const flags = rest.slice(-5, -2);
    return { name: name.replace(/^[A-Z]{6}\+/, ''), embedded: flags[0] === 'yes', subset: flags[1] === 'yes' };
  });
}

const text = (pdf: Buffer): string => execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8');

describe('fonts: the theme names the organisation font', () => {
  let renderer: Renderer;
  let pdf: Buffer;
  beforeAll(async () => {
    renderer = await createRenderer({ templatesDir: templatesWithFont(LATO), sourceDateEpoch: 1_700_000_000 });
    pdf = (
      await renderer.render(
        source('title: Réunion à Genève\ndate: 2022-02-28\nlang: fr\nsummary: Le ministre a déclaré « مرحبا بالعالم » puis Москва.\n'),
      )
    ).pdf;
  });

  it('sets body and headings in it, embedded and subset, and the text comes back exactly', () => {
    const found = fonts(pdf);

    expect(found.filter((font) => font.name.startsWith('Lato'))).toEqual([
      expect.objectContaining({ embedded: true, subset: true }),
      expect.objectContaining({ embedded: true, subset: true }),
    ]);
    expect(new Set(found.filter((font) => font.name.startsWith('Lato')).map((font) => font.name))).toEqual(new Set(['Lato-Regular', 'Lato-Bold']));
    expect(text(pdf)).toContain('Réunion à Genève');
    expect(text(pdf)).toContain('Le ministre a déclaré');
  });

  it('sets Arabic and Cyrillic, which it lacks, in Noto, Arabic shaped', () => {
    const found = fonts(pdf);

    expect(found.map((font) => font.name)).toEqual(expect.arrayContaining(['NotoSansArabic-Regular', 'NotoSans-Regular']));
    expect(found.every((font) => font.embedded && font.subset)).toBe(true);
    expect(text(pdf)).toContain('Москва');
    expect(text(pdf)).toContain('مرحبا بالعالم');
  });
});

describe('template: a bad font in the theme', () => {
  const failure = async (font: string): Promise<string> => {
    const error = await createRenderer({ templatesDir: templatesWithFont(font) }).then(
      () => null,
      (caught: unknown) => caught as Error,
    );
    return error?.message ?? 'no error';
  };

  it('names the field and position of a missing file', async () => {
    expect(await failure('font:\n  regular: fonts/Nope.ttf\n  bold: fonts/Lato_700Bold.ttf')).toMatch(/theme\.yaml:13:12: font\.regular: cannot read "fonts\/Nope\.ttf": ENOENT/);
  });

  it('names the field of a file that is not a font', async () => {
    expect(await failure('font:\n  regular: fonts/Lato_400Regular.ttf\n  bold: fonts/Lato-OFL.txt')).toMatch(/theme\.yaml:14:9: font\.bold: "fonts\/Lato-OFL\.txt" is not a TrueType or OpenType font file/);
  });

  it('refuses an OpenType font with PostScript outlines and says what to use', async () => {
    const dir = templatesWithFont('font:\n  regular: fonts/Brand.otf\n  bold: fonts/Lato_700Bold.ttf');
    writeFileSync(join(dir, 'fonts/Brand.otf'), Buffer.concat([Buffer.from('OTTO'), Buffer.alloc(64)]));

    const error = await createRenderer({ templatesDir: dir }).then(() => null, (caught: unknown) => caught as Error);

    expect(error?.message).toMatch(/theme\.yaml:13:12: font\.regular: "fonts\/Brand\.otf" is an OpenType font with PostScript \(CFF\) outlines; .*use the TTF version/);
  });

  it('names a missing face', async () => {
    expect(await failure('font:\n  regular: fonts/Lato_400Regular.ttf')).toMatch(/theme\.yaml:12:1: font\.bold: is missing/);
  });
});

describe('fonts: the default theme names none', () => {
  it('sets everything in Noto Sans', async () => {
    const renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });

    const { pdf } = await renderer.render(source('title: Réunion à Genève\ndate: 2022-02-28\nlang: fr\nsummary: Le ministre a parlé.\n'));

    expect(fonts(pdf).map((font) => font.name).sort()).toEqual(['NotoSans-Bold', 'NotoSans-Regular']);
  });
});

// Last in the file: the engine's modules are loaded afresh here, with fontkit recording its parses.
describe('fonts: the organisation font at start-up', () => {
  it('is parsed once per face, by the theme’s check, and that parse sets the text', async () => {
    // Prepare: a fresh engine whose fontkit writes down the bytes of every font it parses.
    const parsed: Uint8Array[] = [];
    vi.resetModules();
    vi.doMock('fontkit', async (importOriginal) => {
      const fontkit = await importOriginal<typeof import('fontkit')>();
      return {
        ...fontkit,
        create: (bytes: Uint8Array, postscriptName?: string) => {
          parsed.push(bytes);
          return fontkit.create(bytes, postscriptName);
        },
      };
    });
    try {
      const fresh = await import('../lambdas/render');
      const faces = ['Lato_400Regular.ttf', 'Lato_700Bold.ttf'].map((name) => readFileSync(join(fixtureFonts, name)));

      // Act
      const renderer = await fresh.createRenderer({ templatesDir: templatesWithFont(LATO), sourceDateEpoch: 1_700_000_000 });
      const { pdf } = await renderer.render(source('title: Réunion à Genève\ndate: 2022-02-28\nlang: fr\nsummary: Le ministre a parlé.\n'));

      // Assert
      expect(faces.map((face) => parsed.filter((bytes) => Buffer.compare(Buffer.from(bytes), face) === 0).length)).toEqual([1, 1]);
      expect(new Set(fonts(pdf).map((font) => font.name))).toEqual(new Set(['Lato-Regular', 'Lato-Bold']));
    } finally {
      vi.doUnmock('fontkit');
    }
  });
});
