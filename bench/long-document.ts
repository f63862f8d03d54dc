/**
 * Generated event documents for stress tests and the benchmark: many sections, key points and
 * timeline entries, every sentence unique and numbered so that a reader of the PDF can check
 * that each appears exactly once.
 */
import { stringify } from 'yaml';

export interface LongDocumentShape {
  readonly sections: number;
  readonly paragraphsPerSection: number;
  readonly sentencesPerParagraph: number;
  readonly bulletsPerSection: number;
  readonly keyPoints: number;
  readonly timeline: number;
}

export const STRESS_SHAPE: LongDocumentShape = {
  sections: 30,
  paragraphsPerSection: 4,
  sentencesPerParagraph: 6,
  bulletsPerSection: 3,
  keyPoints: 60,
  timeline: 40,
};

/** About 100 A4 pages with the briefing template. */
export const HUNDRED_PAGE_SHAPE: LongDocumentShape = {
  sections: 180,
  paragraphsPerSection: 5,
  sentencesPerParagraph: 7,
  bulletsPerSection: 4,
  keyPoints: 40,
  timeline: 60,
};

/** A unique, recognisable sentence; `id` keeps it unique across the document. */
function sentence(id: string): string {
  return `Statement ${id} records that the delegations met again and agreed to keep the humanitarian corridors open.`;
}

export function longDocument(shape: LongDocumentShape): { yaml: string; sentences: string[]; headings: string[] } {
  const sentences: string[] = [];
  const headings: string[] = [];
  const take = (id: string): string => {
    const text = sentence(id);
    sentences.push(text);
    return text;
  };
  // Sizes vary from section to section (up to the shape's numbers), so that page breaks fall
  // in every kind of place: before headings, inside paragraphs, between list items.
  const upTo = (limit: number, seed: number): number => 1 + (seed % limit);
  const sections = Array.from({ length: shape.sections }, (_, s) => {
    const heading = `Section ${s + 1}: negotiations, day ${s + 1}`;
    headings.push(heading);
    return {
      heading,
      body: Array.from({ length: upTo(shape.paragraphsPerSection, s * 7) }, (_, p) =>
        Array.from({ length: upTo(shape.sentencesPerParagraph, s * 5 + p * 3) }, (_, n) => take(`S${s + 1}.P${p + 1}.N${n + 1}`)).join(' '),
      ),
      bullets: Array.from({ length: upTo(shape.bulletsPerSection + 1, s * 3) - 1 }, (_, b) => take(`S${s + 1}.B${b + 1}`)),
    };
  });
  const document = {
    title: 'Long briefing: every sentence appears exactly once',
    date: '2022-02-28',
    lang: 'en',
    summary: take('SUMMARY'),
    key_points: Array.from({ length: shape.keyPoints }, (_, k) => take(`K${k + 1}`)),
    sections,
    timeline: Array.from({ length: shape.timeline }, (_, t) => ({
      date: `2022-03-${String((t % 28) + 1).padStart(2, '0')}`,
      event: take(`T${t + 1}`),
    })),
    sources: [{ name: 'Generated' }],
  };
  return { yaml: stringify(document), sentences, headings };
}
