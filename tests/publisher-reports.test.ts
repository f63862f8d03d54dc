/**
 * Every publish says how it went: reports/<path>.json through the local S3 server, with the
 * warnings the uploader must see, cleared by a clean upload; strict mode rejects instead.
 */
import { readFileSync } from 'node:fs';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPdf } from './helpers/pdf';
import { type Harness, startHarness } from './publisher-harness';

const SOMMET = readFileSync(join('tests/fixtures/events/uploads/sommet.yaml'), 'utf8');

interface Report {
  readonly status: string;
  readonly file: string;
  readonly factsheet: string | null;
  readonly warnings?: readonly Record<string, unknown>[];
  readonly problems?: readonly Record<string, unknown>[];
  readonly publisherVersion: string;
}

const lineOf = (text: string, start: string) => text.split('\n').findIndex((line) => line.startsWith(start)) + 1;

describe('publisher: reports', () => {
  let harness: Harness;
  const report = async (path: string) => JSON.parse((await harness.bytes(`reports/${path}.json`)).toString('utf8')) as Report;

  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('an unknown field: published with warnings, with its field path and line:column; a clean re-upload clears it', async () => {
    // Prepare
    const typo = `${SOMMET}sumary: a typo\n`;

    // Act
    await harness.put('content/typo.yaml', typo);

    // Assert
    const withWarning = await report('typo');
    expect(withWarning).toMatchObject({ status: 'published with warnings', file: 'content/typo.yaml', factsheet: 'factsheets/typo.pdf' });
    expect(withWarning.warnings).toEqual([
      {
        path: 'sumary',
        line: lineOf(typo, 'sumary:'),
        column: 1,
        message: 'unknown field, ignored (did you mean "summary"?)',
        expected: expect.stringMatching(/^one of title, date, lang, /) as string,
      },
    ]);
    expect((await readPdf(await harness.bytes('factsheets/typo.pdf'))).info.Custom).toMatchObject({ Warnings: '1' });

    // Act: the typo fixed
    await harness.put('content/typo.yaml', SOMMET);

    // Assert
    const clean = await report('typo');
    expect(clean).toMatchObject({ status: 'published', warnings: [] });
    expect((await readPdf(await harness.bytes('factsheets/typo.pdf'))).info.Custom).toMatchObject({ Warnings: '0' });
  });

  it('a fallback language: the lang field, where it is', async () => {
    const text = SOMMET.replace('lang: fr', 'lang: sw');

    await harness.put('content/swahili.yaml', text);

    const { warnings } = await report('swahili');
    expect(warnings).toHaveLength(1);
    expect(warnings?.[0]).toMatchObject({ path: 'lang', line: lineOf(text, 'lang:'), column: 1 });
    expect(warnings?.[0]?.message).toMatch(/^lang "sw" is not supported; using English labels \(supported: en, fr, /);
  });

  it('a missing glyph: which characters show as \uFFFD', async () => {
    await harness.put('content/glyph.yaml', SOMMET.replace('Bruxelles"', 'Bruxelles 🦄"'));

    const { status, warnings } = await report('glyph');

    expect(status).toBe('published with warnings');
    expect(warnings).toEqual([{ message: expect.stringMatching(/^1 character\(s\) have no glyph in the embedded fonts and show as \uFFFD: .*U\+1F984/) as string }]);
  });

  it('a brief cut to its one page', async () => {
    const points = Array.from({ length: 20 }, (_, index) => `  - Mesure ${index + 1}, les ministres ont débattu de chaque détail toute la nuit, avec les experts et les délégations de chaque pays membre.`).join('\n');
    const long = SOMMET.replace('title:', 'template: brief\ntitle:').replace('key_points:\n', `key_points:\n${points}\n`);

    await harness.put('content/cut.yaml', long);

    const { warnings } = await report('cut');
    expect(warnings).toEqual([{ message: expect.stringMatching(/^cut to fit the template's 1 page\(s\): the whole text needs \d+, what follows "…" was left out$/) as string }]);
    expect((await readPdf(await harness.bytes('factsheets/cut.pdf'))).pages).toBe(1);
  });

  it('a rejected upload: the report says so and names the fact sheet still published', async () => {
    await harness.put('content/refused.yaml', SOMMET);
    await harness.put('content/refused.yaml', 'title: [unclosed\n');

    const refused = await report('refused');

    expect(refused).toMatchObject({ status: 'rejected', factsheet: 'factsheets/refused.pdf', errorReport: 'errors/refused.json', error: 'DocumentSyntaxError' });
    expect(refused.problems?.[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('a removed source takes its report with it', async () => {
    await harness.put('content/gone.yaml', SOMMET);
    expect(await harness.head('reports/gone.json')).not.toBeNull();

    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/gone.yaml' }));
    await harness.settled();

    expect(await harness.head('reports/gone.json')).toBeNull();
    expect(await harness.head('factsheets/gone.pdf')).toBeNull();
  });

  it('a removed source leaves the outputs of its path that record no source: they are not the publisher’s', async () => {
    // Prepare: published, then the fact sheet, error report and report replaced by hand, without metadata.
    await harness.put('content/by-hand.yaml', SOMMET);
    const byHand = ['factsheets/by-hand.pdf', 'errors/by-hand.json', 'reports/by-hand.json'];
    for (const key of byHand) await harness.localS3.client.send(new PutObjectCommand({ Bucket: harness.bucket.name, Key: key, Body: 'made by hand' }));

    // Act
    await harness.localS3.client.send(new DeleteObjectCommand({ Bucket: harness.bucket.name, Key: 'content/by-hand.yaml' }));
    await harness.settled();

    // Assert
    const left = await Promise.all(byHand.map(async (key) => ((await harness.head(key)) === null ? `${key} deleted` : (await harness.bytes(key)).toString('utf8'))));
    expect(left).toEqual(byHand.map(() => 'made by hand'));
  });
});

describe('publisher: strict mode (STRICT_WARNINGS=true)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ environment: { STRICT_WARNINGS: 'true' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('rejects a document with warnings and keeps the last good fact sheet', async () => {
    // Prepare
    await harness.put('content/strict.yaml', SOMMET);
    const good = await harness.bytes('factsheets/strict.pdf');

    // Act
    await harness.put('content/strict.yaml', `${SOMMET}sumary: a typo\n`);

    // Assert
    const report = JSON.parse((await harness.bytes('reports/strict.json')).toString('utf8')) as Report;
    expect(report).toMatchObject({ status: 'rejected', error: 'StrictWarningsError', factsheet: 'factsheets/strict.pdf', errorReport: 'errors/strict.json' });
    expect(report.problems).toEqual([expect.objectContaining({ path: 'sumary', message: 'unknown field, ignored (did you mean "summary"?)' })]);
    expect(await harness.bytes('factsheets/strict.pdf')).toEqual(good);
    expect(await harness.head('errors/strict.json')).not.toBeNull();
  });
});
