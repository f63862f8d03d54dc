import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { ValidationError } from '../lambdas/render/errors';

const file = new URL('./fixtures/charts/refugees.yaml', import.meta.url).pathname;
const MODIFIED_AT = new Date('2022-03-08T09:00:00Z');
const BARS = { labels: ['Pologne', 'Hongrie', 'Slovaquie', 'Moldavie', 'Roumanie'], values: [1204.4, 191.3, 140.7, 82.8, 85.2] };

/** The rectangles filled inside each Figure's marked content, page by page, from the content streams. */
function figureRectangles(pdf: Buffer): { width: number; height: number }[][] {
  const dir = mkdtempSync(join(tmpdir(), 'charts-qdf-'));
  writeFileSync(join(dir, 'in.pdf'), pdf);
  execFileSync('qpdf', ['--qdf', '--object-streams=disable', join(dir, 'in.pdf'), join(dir, 'out.pdf')]);
  const text = readFileSync(join(dir, 'out.pdf'), 'latin1');
  return [...text.matchAll(/\/Figure <<[^>]*>> BDC([\s\S]*?)EMC/g)].map((figure) =>
    [...(figure[1] as string).matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re/g)].map((match) => ({ width: Number(match[3]), height: Number(match[4]) })),
  );
}

async function figureAlts(pdf: Buffer): Promise<string[]> {
  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  try {
    const alts: string[] = [];
    const walk = (node: { role?: string; alt?: string; children?: unknown[] } | null): void => {
      if (node === null) return;
      if (node.role === 'Figure' && node.alt) alts.push(node.alt);
      for (const child of node.children ?? []) walk(child as typeof node);
    };
    for (let number = 1; number <= doc.numPages; number++) walk(await (await doc.getPage(number)).getStructTree());
    return alts;
  } finally {
    await doc.destroy();
  }
}

describe('layout and draw: charts', () => {
  let renderer: Renderer;
  let pdf: Buffer;
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    pdf = (await renderer.render({ name: file, bytes: readFileSync(file), modifiedAt: MODIFIED_AT })).pdf;
  });

  it('draws bars whose heights are proportional to the data', () => {
    const [bars] = figureRectangles(pdf);

    expect(bars).toHaveLength(BARS.values.length);
    const unit = (bars?.[0]?.height ?? 0) / (BARS.values[0] as number);
    bars?.forEach((bar, index) => expect(bar.height / unit).toBeCloseTo(BARS.values[index] as number, 1));
    expect(new Set(bars?.map((bar) => bar.width)).size).toBe(1);
  });

  it('writes the axis and the table in the document\'s language', () => {
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/[\s\u00A0\u202F]+/g, ' ');

    // French groups thousands with a (narrow no-break) space and writes a decimal comma.
    expect(text).toContain('1 204,4');
    expect(text).toContain('1 500');
    expect(text).toContain('Arrivées cumulées au 7 mars (milliers de personnes)');
    expect(text).not.toContain('1204.4');
  });

  it('states every value in the Figure\'s /Alt', async () => {
    const [bar, line] = await figureAlts(pdf);

    expect(bar?.startsWith('Arrivées cumulées au 7 mars (milliers de personnes).')).toBe(true);
    BARS.labels.forEach((label, index) => expect(bar).toContain(`${label} ${new Intl.NumberFormat('fr').format(BARS.values[index] as number)}`));
    for (const value of ['453', '547', '604', '672', '787', '964', '1\u202F204,4', '116', '191,3']) expect(line).toContain(value);
    expect(line).toContain('Pologne: 1 mars 453');
    expect(line).toContain('Hongrie: 1 mars 116');
  });

  it('gives the data as a table too, tagged as one', async () => {
    const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
    const tree = JSON.stringify(await (await doc.getPage(1)).getStructTree());
    await doc.destroy();

    expect(tree).toMatch(/"role":"Caption".*"role":"Figure".*"role":"Table"/);
  });
});

describe('validate: charts', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('names each wrong part of a chart', async () => {
    // Prepare
    const yaml = [
      'title: T',
      'date: 2022',
      'charts:',
      '  - type: pie',
      '    title: Shares',
      '    unit: "%"',
      '    labels: [a, b]',
      '    series:',
      '      - name: s',
      '        values: [1, "12 %"]',
      '      - name: t',
      '        values: [1, 2, 3]',
    ].join('\n');

    // Act
    const error = await renderer.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT }).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems.map((problem) => `${problem.path}: ${problem.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'charts[0].type: "pie" is not one of the choices',
        'charts[0].series[0].values[1]: must be a number, not the text "12 %"',
        'charts[0].series[1].values: has 3 values for 2 labels',
      ]),
    );
  });
});
