import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { createRenderer, type Renderer } from '../lambdas/render';
import type { SourceFile } from '../lambdas/render/types';
import { readPdf } from './helpers/pdf';

const imagesDir = new URL('./fixtures/images/', import.meta.url).pathname;
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');

function source(name: string, yaml: string): SourceFile {
  return { name, bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT };
}

/** qpdf's JSON view: each page's image XObjects by object. */
function pageImages(pdf: Buffer): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'brand-json-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  const json = JSON.parse(execFileSync('qpdf', ['--json', '--json-key=pages', join(dir, 'in.pdf')]).toString('utf8')) as { pages: { images: { object: string }[] }[] };
  return json.pages.map((page) => page.images.map((image) => image.object));
}

describe('template and layout: pictures in the one-page brief', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
  });
  const brief = (keyPoints: number): string =>
    `title: Digest\ndate: 2022-02-28\ntemplate: brief\nsummary: A short summary.\nkey_points:\n${Array.from({ length: keyPoints }, (_, index) => `  - Point ${index + 1} of the digest, one line long.`).join('\n')}\nimages:\n  - src: photo.jpg\n    alt: Green hills under a blue sky\n    caption: The hills south of the city.\n`;

  it('draws a picture that fits on its page, with its caption', async () => {
    const file = join(imagesDir, 'brief.yaml');

    const result = await renderer.render(source(file, brief(3)), { images: folderImages(imagesDir, file) });

    expect(result.pages).toBe(1);
    expect(result.warnings).toEqual([]);
    expect(pageImages(result.pdf)).toEqual([[expect.any(String)]]);
    expect(execFileSync('pdftotext', ['-', '-'], { input: result.pdf }).toString('utf8')).toContain('The hills south of the city.');
  });

  it('leaves out a picture that does not fit, and names it in the warning', async () => {
    const file = join(imagesDir, 'brief.yaml');

    const result = await renderer.render(source(file, brief(34)), { images: folderImages(imagesDir, file) });

    expect(result.pages).toBe(1);
    expect(pageImages(result.pdf)).toEqual([[]]);
    expect(result.warnings).toEqual([
      { message: expect.stringMatching(/^cut to fit the template's 1 page\(s\): the whole text needs 2, what follows "…" was left out, with the picture\(s\) "photo\.jpg"$/) as string },
    ]);
  });
});

describe('draw: PDF/A-2b', () => {
  const repository = new URL('..', import.meta.url).pathname;
  const french = readFileSync(join(repository, 'content/macron-poutine-2022-02-28.yaml'), 'utf8');
  const withArchive = (archive: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'brand-pdfa-'));
    cpSync(join(repository, 'templates'), dir, { recursive: true, filter: (path) => !path.endsWith('compiled-templates.json') });
    writeFileSync(join(dir, 'theme.yaml'), readFileSync(join(repository, 'templates/theme.yaml'), 'utf8').replace('paper: A4', `paper: A4\narchive: ${archive}`));
    return dir;
  };
  const render = async (templatesDir: string, yaml: string): Promise<Buffer> => {
    const renderer = await createRenderer({ templatesDir, sourceDateEpoch: 1_700_000_000 });
    return (await renderer.render(source('content/macron.yaml', yaml))).pdf;
  };
  const file = (pdf: Buffer): string => {
    const path = join(mkdtempSync(join(tmpdir(), 'brand-pdfa-file-')), 'in.pdf');
    writeFileSync(path, pdf);
    return path;
  };
  /** The XMP packet as its XML elements' text, by qualified name; throws when it is not well-formed XML. */
  const xmp = (pdf: Buffer): Map<string, string[]> => {
    const packet = /<x:xmpmeta[\s\S]*<\/x:xmpmeta>/.exec(pdf.toString('utf8'))?.[0] ?? '';
    const parser = new SaxesParser();
    const values = new Map<string, string[]>();
    const open: string[] = [];
    parser.on('opentag', (tag) => open.push(tag.name));
    parser.on('closetag', () => open.pop());
    parser.on('text', (text) => {
      const name = open.filter((element) => !element.startsWith('rdf:')).at(-1);
      if (name !== undefined && text.trim() !== '') values.set(name, [...(values.get(name) ?? []), text.trim()]);
    });
    parser.on('error', (error) => {
      throw error;
    });
    parser.write(packet).close();
    return values;
  };
  let archived: Buffer;
  beforeAll(async () => {
    archived = await render(withArchive('PDF/A-2b'), french.replace(/^title: .*$/m, 'title: Macron & Poutine <entretien> du 28 février'));
  });

  it('passes qpdf --check', () => {
    expect(execFileSync('qpdf', ['--check', file(archived)]).toString('utf8')).toMatch(/No syntax or stream encoding errors found/);
  });

  it('has an sRGB output intent with its ICC profile embedded', () => {
    const json = JSON.parse(execFileSync('qpdf', ['--json', '--json-key=qpdf', file(archived)]).toString('utf8')) as {
      qpdf: [unknown, Record<string, { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown> } }>];
    };
    const objects = json.qpdf[1];
    const catalog = Object.values(objects).find((object) => object.value?.['/Type'] === '/Catalog')?.value ?? {};
    const [intentRef] = catalog['/OutputIntents'] as string[];
    const intent = objects[`obj:${intentRef as string}`]?.value ?? {};
    const profile = objects[`obj:${intent['/DestOutputProfile'] as string}`]?.stream?.dict ?? {};

    expect(intent['/S']).toBe('/GTS_PDFA1');
    expect(intent['/OutputConditionIdentifier']).toBe('u:sRGB IEC61966-2.1');
    expect(profile['/N']).toBe(3);
    const profileObject = (intent['/DestOutputProfile'] as string).split(' ')[0] as string;
    const bytes = execFileSync('qpdf', [`--show-object=${profileObject}`, '--filtered-stream-data', file(archived)]);
    expect(bytes.equals(readFileSync(join(repository, 'lambdas/fonts/sRGB-IEC61966-2.1.icc')))).toBe(true);
    expect(bytes.subarray(36, 40).toString('latin1')).toBe('acsp');
  });

  it("describes in an extension schema each XMP property outside PDF/A-2's predefined schemas (pdfuaid:part)", () => {
    // Prepare: ISO 19005-2 6.6.2.3.1's predefined schemas, and the extension schema's own.
    const predefined = new Set(['x', 'rdf', 'dc', 'xmp', 'xmpMM', 'xmpRights', 'pdf', 'photoshop', 'pdfaid', 'pdfaExtension', 'pdfaSchema', 'pdfaProperty']);
    const packet = /<x:xmpmeta[\s\S]*<\/x:xmpmeta>/.exec(archived.toString('utf8'))?.[0] ?? '';
    const used = new Set([...packet.matchAll(/<([A-Za-z]+):[A-Za-z]+[\s>]/g)].map((match) => match[1] as string));

    // Act
    const values = xmp(archived);
    const described = values.get('pdfaSchema:prefix') ?? [];

    // Assert
    expect([...used].filter((prefix) => !predefined.has(prefix) && !described.includes(prefix))).toEqual([]);
    expect(used.has('pdfuaid')).toBe(true);
    expect(values.get('pdfaSchema:namespaceURI')).toEqual(['http://www.aiim.org/pdfua/ns/id/']);
    expect(values.get('pdfaProperty:name')).toEqual(['part']);
    expect(values.get('pdfaProperty:valueType')).toEqual(['Integer']);
  });

  it('identifies itself in XMP as PDF/A-2b and PDF/UA-1, with the same title, dates and producer as its information', async () => {
    const values = xmp(archived);
    const info = (await readPdf(archived)).info;

    expect(values.get('pdfaid:part')).toEqual(['2']);
    expect(values.get('pdfaid:conformance')).toEqual(['B']);
    expect(values.get('pdfuaid:part')).toEqual(['1']);
    expect(values.get('dc:title')).toEqual([info.Title]);
    expect(info.Title).toBe('Macron & Poutine <entretien> du 28 février');
    expect(values.get('pdf:Producer')).toEqual([info.Producer]);
    expect(values.get('xmp:CreateDate')).toEqual(['2023-11-14T22:13:20Z']);
    expect(values.get('xmp:ModifyDate')).toEqual(['2023-11-14T22:13:20Z']);
    expect(info.ModDate).toBe('D:20231114221320Z');
  });

  it('embeds every font it uses', () => {
    const lines = execFileSync('pdffonts', [file(archived)]).toString('utf8').trim().split('\n').slice(2);

    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/\s+yes\s+yes\s+yes\s+\d+\s+\d+$/);
  });

  it('is off by default: no output intent, no pdfaid, but well-formed XMP', async () => {
    const plain = await render(join(repository, 'templates'), french.replace(/^title: .*$/m, 'title: A & B'));

    expect(plain.toString('latin1')).not.toMatch(/\/OutputIntents/);
    expect(xmp(plain).get('pdfaid:part')).toBeUndefined();
    expect(xmp(plain).get('dc:title')).toEqual(['A & B']);
  });

  it('names the theme field when the archive format is unknown', async () => {
    const error = await createRenderer({ templatesDir: withArchive('PDF/A-1a') }).then(
      () => null,
      (caught: unknown) => caught as Error,
    );

    expect(error?.message).toMatch(/theme\.yaml:\d+:10: archive: "PDF\/A-1a" is not an archive format the publisher writes \(expected none or PDF\/A-2b\)/);
  });
});
