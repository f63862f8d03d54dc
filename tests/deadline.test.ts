/**
 * The render deadline: a render that runs out of time ends as a TooComplexError that says how
 * far it got, in layout and in draw, through the renderer, and as an error report in the bucket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';
import { RenderDeadline } from '../lambdas/render/deadline';
import { drawDocument } from '../lambdas/render/draw';
import { TooComplexError } from '../lambdas/render/errors';
import { loadFonts, type FontSet } from '../lambdas/render/fonts';
import { layoutDocument } from '../lambdas/render/layout';
import { blockStyles, pageGeometry } from '../lambdas/render/layout/styles';
import type { MarkupBlock, MarkupDocument } from '../lambdas/render/types';
import { TEST_THEME, textRun } from './helpers/theme';
import { type Harness, startHarness } from './publisher-harness';

const theme = TEST_THEME;
const run = textRun;
const paragraphs = (count: number): MarkupBlock[] =>
  Array.from({ length: count }, (_, n) => ({ kind: 'paragraph', style: 'body', runs: [run(`Paragraph ${n} says one more thing about the call.`)] }));
const markupOf = (body: MarkupBlock[]): MarkupDocument => ({
  meta: { lang: 'en', title: 'T', author: 'A', subject: 'S', keywords: [], maxPages: null },
  header: null,
  footer: null,
  body,
});

/** A clock that moves one millisecond each time it is read: the deadline expires after a known number of checks. */
function tickingClock(): () => number {
  let now = 0;
  return () => now++;
}

/** Sections of long paragraphs: about 20 pages, half a second or so to render. */
function longYaml(): string {
  const paragraph = 'Le président a rappelé les conditions posées par l’Union européenne pour toute négociation. '.repeat(10);
  const body = Array.from({ length: 20 }, () => `      - "${paragraph}"`).join('\n');
  const sections = Array.from({ length: 5 }, (_, n) => `  - heading: Section ${n + 1}\n    body:\n${body}`).join('\n');
  return `title: Long\ndate: 2022-02-28\nsections:\n${sections}\n`;
}

const source = (name: string, text: string) => ({ name, bytes: Buffer.from(text), modifiedAt: new Date(0) });

describe('layout: render deadline', () => {
  let fonts: FontSet;
  beforeAll(async () => {
    fonts = await loadFonts();
  });

  it('stops laying out when the time is up, saying about how many pages it had laid out', () => {
    // Prepare: 4 000 one-line paragraphs; the clock is read once when the deadline starts, then once per paragraph.
    const deadline = new RenderDeadline('long.yaml', 1_000, tickingClock());

    // Act
    const error = (() => {
      try {
        layoutDocument(markupOf(paragraphs(4_000)), theme, fonts, {}, deadline);
      } catch (caught) {
        return caught;
      }
      return null;
    })();

    // Assert: the clock passes 1 000 at the 1 001st paragraph, of one line each.
    const geometry = pageGeometry(theme);
    const pages = Math.ceil((1_001 * blockStyles(theme).body.lineHeight) / (geometry.contentBottom - geometry.contentTop));
    expect(error).toBeInstanceOf(TooComplexError);
    expect((error as TooComplexError).file).toBe('long.yaml');
    expect((error as TooComplexError).problems).toEqual([
      {
        message: `too long to lay out: about ${pages} pages laid out when the 1 s a render may take ran out`,
        expected: 'a document that renders within 1 s: split it into several, or shorten its longest sections and lists',
      },
    ]);
  });

  it('lays out a document that stays within its time', () => {
    // Act
    const layout = layoutDocument(markupOf(paragraphs(400)), theme, fonts, {}, new RenderDeadline('short.yaml', 1_000, tickingClock()));

    // Assert
    expect(layout.pages.length).toBeGreaterThan(5);
  });
});

describe('draw: render deadline', () => {
  it('stops drawing when the time is up, saying how many pages it had drawn', async () => {
    // Prepare: laid out without a deadline; drawing reads the clock once per page.
    const fonts = await loadFonts();
    const layout = layoutDocument(markupOf(paragraphs(1_000)), theme, fonts);
    const deadline = new RenderDeadline('long.yaml', 10, tickingClock());

    // Act
    const error: unknown = await drawDocument(layout, fonts, { creationDate: new Date(0), producer: 'test', warnings: 0, deadline }).catch(
      (caught: unknown) => caught,
    );

    // Assert
    expect(error).toBeInstanceOf(TooComplexError);
    expect((error as TooComplexError).problems[0]?.message).toBe(`too long to draw: 10 of ${layout.pages.length} pages drawn when the 10 ms a render may take ran out`);
  });
});

describe('renderer: render deadline', () => {
  let quick: Renderer;
  let normal: Renderer;
  beforeAll(async () => {
    [quick, normal] = await Promise.all([createRenderer({ renderDeadlineMs: 50 }), createRenderer()]);
  });

  it('ends a render that outlasts its deadline soon after, as the document’s TooComplexError', async () => {
    // Prepare: the whole render's time, in this process, as the measure of "soon".
    const full = performance.now();
    const rendered = await normal.render(source('long.yaml', longYaml()));
    const fullMs = performance.now() - full;

    // Act
    const started = performance.now();
    const error: unknown = await quick.render(source('long.yaml', longYaml())).catch((caught: unknown) => caught);
    const cutMs = performance.now() - started;

    // Assert
    expect(rendered.pages).toBeGreaterThan(15);
    expect(error).toBeInstanceOf(TooComplexError);
    expect((error as TooComplexError).problems[0]?.message).toMatch(
      /^too long to (lay out: about \d+ pages? laid out|draw: \d+ of \d+ pages drawn) when the 50 ms a render may take ran out$/,
    );
    expect(cutMs).toBeLessThan(fullMs / 2);
  });

  it('refuses a deadline that is not a positive number of milliseconds', async () => {
    await expect(createRenderer({ renderDeadlineMs: 0 })).rejects.toThrow('renderDeadlineMs must be a positive number of milliseconds, not 0');
  });
});

describe('publisher: render deadline', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ renderer: await createRenderer({ renderDeadlineMs: 50 }) });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('writes an error report saying why, publishes nothing and does not fail the invocation (no retries)', async () => {
    // Act
    await harness.put('content/long.yaml', longYaml());

    // Assert
    const report = JSON.parse((await harness.bytes('errors/long.json')).toString('utf8')) as { error: string; problems: { message: string }[] };
    expect(report.error).toBe('TooComplexError');
    expect(report.problems[0]?.message).toMatch(/^too long to (lay out|draw): .* when the 50 ms a render may take ran out$/);
    expect(await harness.head('factsheets/long.pdf')).toBeNull();
    expect(harness.outcomesFor('content/long.yaml').map((outcome) => outcome.status)).toEqual(['rejected']);
    expect(harness.invocations.every((invocation) => 'result' in invocation)).toBe(true);
  });
});
