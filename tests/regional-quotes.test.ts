/**
 * A region that writes its language's quotation marks otherwise (CLDR): Portugal, and every
 * Portuguese-speaking country but Brazil, quotes «…»; Swiss German «…». Read back from the
 * PDF with poppler (pdftotext), as a reader copies them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';

let dir: string;
let renderer: Renderer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'regional-quotes-'));
  renderer = await createRenderer({ sourceDateEpoch: 1646006400 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('quotation marks of a regional tag', () => {
  it.each([
    ['pt-PT', '«Vamos continuar»'],
    ['pt-AO', '«Vamos continuar»'],
    ['pt-BR', '“Vamos continuar”'],
    ['pt', '“Vamos continuar”'],
    ['de-CH', '«Vamos continuar»'],
    ['de-AT', '„Vamos continuar“'],
    ['de', '„Vamos continuar“'],
  ])('a %s fact sheet quotes %s', async (lang, quoted) => {
    // Prepare: one quote, no marks typed (the template adds the language's own).
    const source = JSON.stringify({ title: 'Citação', date: '2022-02-28', lang, quotes: [{ text: 'Vamos continuar', speaker: 'Presidente' }] });

    // Act
    const result = await renderer.render({ name: `${lang}.json`, bytes: Buffer.from(source), modifiedAt: new Date(0) });
    const pdf = join(dir, `${lang}.pdf`);
    await writeFile(pdf, result.pdf);
    const lines = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim());

    // Assert
    expect(lines, lines.join('\n')).toContain(quoted);
    expect(result.warnings).toEqual([]);
  });
});
