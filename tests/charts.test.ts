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

  async function refusal(yaml: readonly string[]): Promise<string> {
    const error = await renderer.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(['title: T', 'date: 2022', 'charts:', ...yaml].join('\n')), modifiedAt: MODIFIED_AT }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }

  it('reports a value that is not a number alone, not as one value fewer than the labels', async () => {
    const message = await refusal(['  - title: Shares', '    unit: "%"', '    labels: [a, b]', '    series:', '      - name: s', '        values: [1, "12 %"]']);

    expect(message).toBe('chart.yaml:9:21: charts[0].series[0].values[1]: must be a number, not the text "12 %" (expected a number such as 12 or 3.5, without its unit)');
  });

  it('counts the values and labels as written, in the singular for one', async () => {
    const message = await refusal(['  - title: Shares', '    unit: "%"', '    labels: [a, true]', '    series:', '      - name: s', '        values: [1, 2]', '      - name: t', '        values: [3]']);

    expect(message).toBe(
      [
        'chart.yaml:6:17: charts[0].labels[1]: must be text, not true (yes/no) (expected text (put it in quotes if it is meant literally))',
        'chart.yaml:11:9: charts[0].series[1].values: has 1 value for 2 labels (expected one value a label)',
      ].join('\n'),
    );
  });

  it('names the chart a count is wrong in when a chart before it was refused', async () => {
    const message = await refusal(['  - unit: "%"', '    labels: [a, b]', '    series: [{ name: s, values: [1, 2] }]', '  - title: Second', '    unit: "%"', '    labels: [a, b]', '    series: [{ name: s, values: [1] }]']);

    expect(message).toBe(
      [
        'chart.yaml:4:5: charts[0].title: is required (expected text)',
        'chart.yaml:10:25: charts[1].series[0].values: has 1 value for 2 labels (expected one value a label)',
      ].join('\n'),
    );
  });

  it('points at values written on the chart instead of in a series', async () => {
    const message = await refusal(['  - title: Shares', '    unit: "%"', '    labels: [a, b]', '    values: [1, 2]']);

    expect(message).toBe('chart.yaml:7:5: charts[0].series: has 0 series (found "values" on the chart itself: did you mean series[].values?) (expected from 1 to 6 series, each with `name:` and `values:`)');
  });

  it('warns of values written on a chart that has its series, with where they belong', async () => {
    const yaml = ['title: T', 'date: 2022', 'charts:', '  - title: Shares', '    unit: "%"', '    labels: [a, b]', '    values: [1, 2]', '    series: [{ name: s, values: [1, 2] }]'].join('\n');

    const result = await renderer.render({ name: 'chart.yaml', bytes: new TextEncoder().encode(yaml), modifiedAt: MODIFIED_AT });

    expect(result.warnings).toContainEqual({
      path: 'charts[0].values',
      line: 7,
      column: 5,
      message: 'unknown field, ignored (did you mean series[].values?)',
      expected: 'one of type, title, unit, labels, series',
    });
  });
});
