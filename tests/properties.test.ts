/**
 * Property-based tests (fast-check): random documents, Markdown, dispatches and byte mutations of
 * the samples either render or are refused with a ContentError, never anything else. CI runs
 * PROPERTY_RUNS cases per property (25 by default); `npm run bench:properties` runs 500.
 *
 * "Every string is in the extracted text" is checked where it can honestly hold: generated
 * event documents use the `briefing` template (no page limit, so nothing is cut) and fields it
 * prints as written (title, summary, headings, paragraphs, bullets); each string, without its
 * spaces and in lower case, must appear in the PDF's text read back the same way, since line
 * breaks and the reader's item joins move spaces, not letters.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContentError, createRenderer, type Renderer } from '../lambdas/render';
import { folderImages } from '../client/image-files';
import { readPdf } from './helpers/pdf';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
/** A render and its reading back take well under a second each, even on a loaded machine. */
const TIMEOUT_MS = Math.max(60_000, RUNS * 1_000);
const contentDir = new URL('../content/', import.meta.url).pathname;

/** Letters Noto Sans draws, in the scripts the samples use. */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéèàçôüœÉКиївДжя0123456789'];
const word = fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 12 });
const text = (maxWords: number) => fc.array(word, { minLength: 1, maxLength: maxWords }).map((words) => words.join(' '));
/** Any character at all, control characters, surrogates and markup included. */
const anything = fc.string({ unit: 'binary', maxLength: 400 });

const eventDocument = fc.record({
  title: text(10),
  date: fc.date({ min: new Date('1950-01-01'), max: new Date('2049-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10)),
  lang: fc.constantFrom('fr', 'en', 'uk'),
  summary: text(60),
  sections: fc.array(
    fc.record({ heading: text(6), body: fc.array(text(80), { minLength: 1, maxLength: 3 }), bullets: fc.array(text(12), { minLength: 1, maxLength: 4 }) }),
    { minLength: 1, maxLength: 4 },
  ),
});
type EventDocument = typeof eventDocument extends fc.Arbitrary<infer T> ? T : never;

function printedStrings(document: EventDocument): string[] {
  return [document.title, document.summary, ...document.sections.flatMap((section) => [section.heading, ...section.body, ...section.bullets])];
}

const compact = (value: string): string => value.replace(/\s+/g, '').toLowerCase();
const source = (name: string, bytes: Uint8Array | string) => ({ name, bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes, modifiedAt: new Date(0) });

/** The property every input must have: a PDF, or the document's own error. Pictures are read as beside the samples. */
async function renderOrRefuse(renderer: Renderer, name: string, bytes: Uint8Array | string): Promise<Buffer | null> {
  try {
    return (await renderer.render(source(name, bytes), { images: folderImages(contentDir, join(contentDir, name)) })).pdf;
  } catch (error) {
    if (error instanceof ContentError) return null;
    throw error;
  }
}

describe('properties: render or refuse, never crash', () => {
  let renderer: Renderer;
  beforeAll(async () => {
    renderer = await createRenderer();
  });

  it('renders random event documents within the limits, in YAML and JSON, with every string in the text', async () => {
    await fc.assert(
      fc.asyncProperty(eventDocument, fc.constantFrom('yaml', 'json'), async (document, format) => {
        // Act
        const bytes = format === 'yaml' ? stringify(document) : JSON.stringify(document);
        const pdf = await renderOrRefuse(renderer, `random.${format}`, bytes);

        // Assert: nothing generated breaks a rule, so each must publish.
        expect(pdf).not.toBeNull();
        const extracted = compact((await readPdf(pdf as Buffer)).text);
        for (const printed of printedStrings(document)) expect(extracted).toContain(compact(printed));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('renders or refuses random Markdown and dispatch text', async () => {
    const markdownish = fc.array(fc.oneof(anything, fc.constantFrom('---\n', 'title: T\n', 'date: 2022\n', '## ', '# ', '- ', '> ', '*', '**', '[x](https://a.b/é)', '\n\n', '— Macron', '«', '»')), { maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(markdownish, fc.constantFrom('md', 'txt'), async (pieces, extension) => {
        await renderOrRefuse(renderer, `random.${extension}`, pieces.join(''));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);

  it('renders or refuses the samples with random bytes changed, inserted or removed', async () => {
    // The samples, not their pictures' folder.
    const samples = readdirSync(contentDir, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
      .map(({ name }) => ({ name, bytes: readFileSync(join(contentDir, name)) }));
    const mutation = fc.record({
      sample: fc.nat({ max: samples.length - 1 }),
      edits: fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), kind: fc.constantFrom('set', 'insert', 'delete'), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async ({ sample, edits }) => {
        // Prepare
        const { name, bytes } = samples[sample] as (typeof samples)[number];
        const mutated = [...bytes];
        for (const edit of edits) {
          const at = Math.min(mutated.length - 1, Math.floor(edit.at * mutated.length));
          if (edit.kind === 'set') mutated[at] = edit.byte;
          else if (edit.kind === 'insert') mutated.splice(at, 0, edit.byte);
          else mutated.splice(at, 1);
        }

        // Act and assert
        await renderOrRefuse(renderer, name, Uint8Array.from(mutated));
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT_MS);
});
