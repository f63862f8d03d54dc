/**
 * Where a page break falls in a list with sub-bullets (measure.ts keepsWithNextItem, paginate.ts),
 * read back with pdftotext page by page: a bullet stays with its first sub-bullet, and the last
 * sub-bullet never starts a page alone. The same document in English and in Japanese, whose
 * second sub-bullet wraps to two lines (kinsoku breaks between characters), is rendered with
 * more and more text before the list, so that the page break passes through every item of it.
 */
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRenderer, type Renderer } from '../lambdas/render';

interface Words {
  readonly filler: string;
  readonly items: readonly [before: string, parent: string, first: string, second: string, last: string, after: string];
}

const WORDS: Record<'en' | 'ja', Words> = {
  en: {
    filler: 'Macron asked Putin to halt strikes on civilians and to keep the roads open.',
    items: [
      'Item before',
      'Three demands',
      'first demand, protect the civilians',
      `second demand, ${'keep the roads south of Kyiv open to the convoys '.repeat(2)}end`,
      'last demand, halt every attack',
      'Item after',
    ],
  },
  ja: {
    filler: 'マクロン氏はプーチン氏と電話で会談し、民間人への攻撃の停止を求めた。',
    items: ['前の項目', '三つの要求', '第一の要求、民間人の保護', `第二の要求、${'キーウ南方の道路を支援物資の車列のために開けておくこと、'.repeat(2)}以上`, '最後の要求、攻撃の停止', '後の項目'],
  },
};

/** Enough paragraphs to take the list from the middle of page 1 to the top of page 2. */
const FILLERS = Array.from({ length: 7 }, (_, index) => 25 + index);

function document(lang: 'en' | 'ja', fillers: number): string {
  const { filler, items } = WORDS[lang];
  const [before, parent, first, second, last, after] = items;
  return [
    `---\ndate: 2022-02-28\nlang: ${lang}\n---\n\n# ${lang}: ${fillers}\n\n## Section\n`,
    ...Array.from({ length: fillers }, () => `${filler}\n`),
    `- ${before}\n- ${parent}\n  - ${first}\n  - ${second}\n  - ${last}\n- ${after}\n`,
  ].join('\n');
}

/** For each item, the page (from 1) that pdftotext finds its first words on. */
function itemPages(pdf: Uint8Array, items: readonly string[]): number[] {
  const pages = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString('utf8').split('\f');
  return items.map((item) => {
    const start = item.slice(0, 8);
    const page = pages.findIndex((text) => text.includes(start));
    if (page === -1) throw new Error(`"${start}" is on no page`);
    return page + 1;
  });
}

describe('page breaks in a list with sub-bullets', () => {
  let renderer: Renderer;
  const placements = new Map<string, number[]>();
  beforeAll(async () => {
    renderer = await createRenderer({ sourceDateEpoch: 1_700_000_000 });
    for (const lang of ['en', 'ja'] as const) {
      for (const fillers of FILLERS) {
        const { pdf } = await renderer.render({ name: `list-${lang}-${fillers}.md`, bytes: new TextEncoder().encode(document(lang, fillers)), modifiedAt: new Date(0) });
        placements.set(`${lang} ${fillers}`, itemPages(pdf, WORDS[lang].items));
      }
    }
  });

  for (const lang of ['en', 'ja'] as const) {
    it(`keeps a bullet with its first sub-bullet and the last sub-bullet with the one before, in ${lang}`, () => {
      const seen = FILLERS.map((fillers) => placements.get(`${lang} ${fillers}`) as number[]);

      for (const [index, [, parent, first, second, last]] of seen.entries()) {
        // Assert: the message names the document that broke the rule.
        const fillers = FILLERS[index];
        expect({ fillers, first }).toEqual({ fillers, first: parent });
        expect({ fillers, last }).toEqual({ fillers, last: second });
      }
      // The break passed through the list: the bullet and its sub-bullets moved on together (where
      // the last or all of them would have left the page of their bullet), and the sub-bullets
      // split with the first beside its bullet and the other two on the next page.
      const moved = seen.filter(([before, parent, , , last]) => before === 1 && parent === 2 && last === 2);
      const split = seen.filter(([, parent, first, second, last]) => parent === 1 && first === 1 && second === 2 && last === 2);
      expect(moved.length).toBeGreaterThanOrEqual(2);
      expect(split.length).toBeGreaterThanOrEqual(1);
    });
  }
});
