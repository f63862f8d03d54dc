import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { folderImages } from '../client/image-files';
import { createRenderer, type Renderer } from '../lambdas/render';
import type { SourceFile } from '../lambdas/render/types';

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
