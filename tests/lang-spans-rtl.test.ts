/**
 * Right-to-left words and phrases inside an English document read back with poppler's
 * `pdftotext`, the reference for extraction here (docs/rendering.md, "What poppler gives back"):
 * a corpus of sentences with Arabic and Hebrew at the start, middle and end of lines, with
 * commas, digits and brackets inside, in the summary, key points, a section's body, fact cards,
 * the cells of the parties' and the timeline's tables and a quote (tests/fixtures/world/en-rtl-inline.yaml); and the order the layout gives a
 * right-to-left stretch against a model of how poppler reorders a left-to-right line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRenderer } from '../lambdas/render';
import { loadBidi } from '../lambdas/render/layout/bidi';
import { extractionClass, leftToRightPageOrder, LRM, markAfter } from '../lambdas/render/layout/extraction';

const FIXTURE = join(import.meta.dirname, 'fixtures/world/en-rtl-inline.yaml');
/** Embedding controls pdftotext writes itself and the marks the PDF carries: invisible, all that is taken out. */
const DIRECTION_CONTROLS = /[\u202A-\u202E\u200E\u200F]/g;
const RIGHT_TO_LEFT_LETTER = /[\u05D0-\u05EA\u0621-\u064A]/;

interface Corpus {
  readonly title: string;
  readonly summary: string;
  readonly facts: readonly { label: string; value: string }[];
  readonly parties: readonly { name: string; role: string; country: string }[];
  readonly timeline: readonly { event: string }[];
  readonly key_points: readonly string[];
  readonly sections: readonly { body: string }[];
  readonly quotes: readonly { text: string }[];
}

let dir: string;
let corpus: Corpus;
let lines: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lang-spans-rtl-'));
  const renderer = await createRenderer({ sourceDateEpoch: 1715242500 });
  const bytes = await readFile(FIXTURE);
  const pdf = join(dir, 'en-rtl-inline.pdf');
  await writeFile(pdf, (await renderer.render({ name: FIXTURE, bytes, modifiedAt: new Date(0) })).pdf);
  corpus = parse(bytes.toString('utf8')) as Corpus;
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(DIRECTION_CONTROLS, '');
  lines = text.split('\n').map((line) => line.trim().replace(/^• /, ''));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `[text]{lang=…}` as the page shows it. */
const unmarked = (text: string) => text.replace(/\[([^\]]+)\]\{lang=[^}]+\}/g, '$1');
/** The consecutive lines that, joined by a space (a line break is the page's, not the author's), are exactly `expected`; none if no such lines. */
function linesOf(expected: string, unquote = false): string[] {
  for (let first = 0; first < lines.length; first++) {
    for (let count = 1; count <= 5; count++) {
      const candidate = lines.slice(first, first + count);
      const joined = candidate.join(' ');
      if ((unquote ? joined.slice(1, -1) : joined) === expected) return candidate;
    }
  }
  return [];
}

describe('right-to-left words in an English fact sheet read back with poppler', () => {
  it('gives back every sentence of the corpus exactly, spaces, commas, digits and brackets in place, in logical order', () => {
    // Prepare
    const sentences = [
      corpus.title,
      corpus.summary,
      ...corpus.key_points,
      ...corpus.sections.map((section) => section.body), ...corpus.facts.flatMap((fact) => [fact.label, fact.value]),
      ...corpus.parties.flatMap((party) => [party.name, party.role, party.country]),
      ...corpus.timeline.map((entry) => entry.event),
    ].map(unmarked);

    // Act
    const missing = sentences.filter((sentence) => linesOf(sentence).length === 0);
    const quote = linesOf(unmarked(corpus.quotes[0]?.text ?? ''), true);

    // Assert
    expect(sentences.length).toBeGreaterThanOrEqual(12);
    expect(missing, `in:\n${lines.join('\n')}`).toEqual([]);
    expect(quote).not.toEqual([]);
  });

  it('has right-to-left text at the start and at the end of lines inside a paragraph, not only in the middle', () => {
    // Prepare
    const paragraphs = [corpus.summary, ...corpus.sections.map((section) => section.body)].map((text) => linesOf(text));

    // Act: the lines that another line of the same paragraph follows or precedes.
    const starts = paragraphs.flatMap((paragraph) => paragraph.slice(1)).filter((line) => RIGHT_TO_LEFT_LETTER.test(line[0] ?? ''));
    const ends = paragraphs.flatMap((paragraph) => paragraph.slice(0, -1)).filter((line) => RIGHT_TO_LEFT_LETTER.test(line.replace(/[,.;]$/, '').at(-1) ?? ''));

    // Assert
    expect(starts).not.toEqual([]);
    expect(ends).not.toEqual([]);
  });
});

/**
 * poppler's reading of a left-to-right line (TextOutputDev, reorderText): characters as they come
 * up to a right-to-left letter, then from it up to the next left-to-right or number character
 * reversed; its character classes are extractionClass's.
 */
function popplerReads(line: string): string {
  const chars = [...line];
  let read = '';
  for (let index = 0; index < chars.length; ) {
    let end = index;
    while (end < chars.length && extractionClass(chars[end] as string) !== 'rtl') end++;
    read += chars.slice(index, end).join('');
    index = end;
    while (end < chars.length && !['ltr', 'number'].includes(extractionClass(chars[end] as string))) end++;
    read += chars.slice(index, end).reverse().join('');
    index = end;
  }
  return read;
}

/** Right-to-left stretches as UAX #9 makes them in English: letters, marks, digits, separators, brackets, spaces between. */
const stretch = fc
  .array(fc.constantFrom(...'שלוםעבאמרحبايصديقً،,.:1234567890()«»!"- '), { minLength: 1, maxLength: 16 })
  .map((chars) => `ש${chars.join('').replace(/ {2,}/g, ' ')}`.trimEnd());
const context = fc.constantFrom(['in ', ' today.'], ['(', ') here'], ['', ''], ['said «', '» after'], ['', ' is'], ['at ', '']);

describe('leftToRightPageOrder', () => {
  beforeAll(loadBidi);

  it('gives poppler a right-to-left stretch in the order it reads back as typed, whatever comes before and after it', () => {
    fc.assert(
      fc.property(stretch, context, (text, [before, after]) => {
        const { order, open } = leftToRightPageOrder(text);
        const closing = open && after !== '' && extractionClass(after[0] as string) === 'neutral' ? LRM : '';
        expect(popplerReads(`${before}${order}${closing}${after}`).replace(DIRECTION_CONTROLS, '')).toBe(`${before}${text}${after}`);
      }),
      { numRuns: 500 },
    );
  });

  it('finds for every place in a stretch a mark that leaves poppler’s reading of it as it is', () => {
    fc.assert(
      fc.property(stretch, fc.nat(), (text, at) => {
        const { order } = leftToRightPageOrder(text);
        const chars = [...order];
        const cut = at % (chars.length + 1);
        const before = chars.slice(0, cut).join('');
        const marked = `in ${before}${markAfter(before)}${chars.slice(cut).join('')}${LRM} today`;
        expect(popplerReads(marked).replace(DIRECTION_CONTROLS, '')).toBe(`in ${text} today`);
      }),
      { numRuns: 500 },
    );
  });

  it('reverses "שלום, עולם" in two halves around its comma, which poppler reads as typed', () => {
    expect(leftToRightPageOrder('שלום, עולם')).toEqual({ order: 'םולש, םלוע', open: true });
    expect(leftToRightPageOrder('ש 1,234')).toEqual({ order: '\u200F ש1,234', open: false });
  });
});
