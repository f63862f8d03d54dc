import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { ValidationError } from '../lambdas/render/errors';
import { readPdf } from './helpers/pdf';

const file = new URL('./fixtures/images/online.yaml', import.meta.url).pathname;
const URL_OF_SAMPLE = 'https://factsheets.example.org/world/2022/macron-putin-call?lang=en';
const MODIFIED_AT = new Date('2022-03-01T09:15:00Z');

describe('layout and draw: the QR code of the online version', () => {
  let renderer: Renderer;
  let pdf: Buffer;
  beforeAll(async () => {
    renderer = await createRenderer();
    pdf = (await renderer.render({ name: file, bytes: readFileSync(file), modifiedAt: MODIFIED_AT })).pdf;
  });

  it('prints a QR code that a reader decodes back to the url', () => {
    // Act: the page as a phone's camera would see it, then the decoder.
    const page = PNG.sync.read(execFileSync('pdftoppm', ['-r', '150', '-png', '-f', '1', '-l', '1', '-'], { input: pdf }));
    const decoded = jsQR(new Uint8ClampedArray(page.data), page.width, page.height);

    // Assert
    expect(decoded?.data).toBe(URL_OF_SAMPLE);
  });

  it('draws it as vectors, and gives the address as a clickable, tagged link', async () => {
    const reading = await readPdf(pdf);

    expect(pdf.toString('latin1')).not.toMatch(/\/Subtype \/Image/);
    expect(reading.links).toEqual([URL_OF_SAMPLE]);
    expect(reading.structureRoles).toContain('Link');
    expect(reading.structureRoles).toContain('Figure');
    expect(reading.text).toContain(URL_OF_SAMPLE);
  });

  it('refuses a url that is not https', async () => {
    const yaml = 'title: T\ndate: 2022\nurl: http://factsheets.example.org/x\n';

    const error = await renderer.render({ name: 'doc.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe('doc.yaml:3:1: url: "http://factsheets.example.org/x" is not an https address (expected the https:// address of the online version)');
  });
});
