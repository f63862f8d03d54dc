/**
 * The CJK fonts shipped in lambdas/fonts/ are what build/subset-fonts.sh makes: each keeps every
 * character of its national standard that the full font draws, the standards read from
 * Python's codecs by build/charset.py.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FONTS_DIR } from '../lambdas/render/fonts';

const ROOT = join(import.meta.dirname, '..');
const WEIGHTS = [
  ['400Regular', 'Regular'],
  ['700Bold', 'Bold'],
] as const;

const charactersOf = (...encodings: string[]): string[] => [
  ...execFileSync('/usr/bin/python3', [join(ROOT, 'build/charset.py'), ...encodings], { encoding: 'utf8' }),
];
const codePointsOf = (path: string): Set<number> => new Set((fontkit.create(readFileSync(path)) as { characterSet: number[] }).characterSet);

describe('build: CJK font subsets', () => {
  it.each([
    // family, the standard, the encoding the build reads (a superset of it)
    ['SC', 'gb2312', ['gb2312']],
    ['JP', 'euc_jp', ['euc_jp', 'cp932']],
    ['KR', 'euc_kr', ['cp949']],
    ['TC', 'big5', ['big5', 'cp950']],
  ])('Noto Sans %s keeps every character of %s that the full font has, in both weights', (family, standard, encodings) => {
    // Prepare: the standard itself, and what the build asked for.
    const required = charactersOf(standard);
    const asked = new Set(charactersOf(...encodings));

    for (const [source, weight] of WEIGHTS) {
      // Act
      const full = codePointsOf(join(ROOT, `node_modules/@expo-google-fonts/noto-sans-${family.toLowerCase()}/${source}/NotoSans${family}_${source}.ttf`));
      const subset = codePointsOf(join(DEFAULT_FONTS_DIR, `NotoSans${family}-${weight}.ttf`));
      const missing = required.filter((char) => full.has(char.codePointAt(0) as number) && !subset.has(char.codePointAt(0) as number));
      const notAsked = [...asked].filter((char) => full.has(char.codePointAt(0) as number) && !subset.has(char.codePointAt(0) as number));

      // Assert
      expect(required.every((char) => asked.has(char)), `${standard} ⊆ ${encodings.join(' + ')}`).toBe(true);
      expect(missing.join(''), `${family} ${weight}`).toBe('');
      expect(notAsked.join(''), `${family} ${weight}`).toBe('');
      expect(subset.size).toBeLessThan(full.size);
    }
  });

  it('keeps all 11 172 Hangul syllables in Noto Sans KR, and each CJK file within the asset budget (6 MB)', () => {
    const syllables = Array.from({ length: 11_172 }, (_, index) => 0xac00 + index);

    for (const [, weight] of WEIGHTS) {
      const subset = codePointsOf(join(DEFAULT_FONTS_DIR, `NotoSansKR-${weight}.ttf`));
      expect(syllables.filter((codePoint) => !subset.has(codePoint))).toEqual([]);
      for (const family of ['SC', 'JP', 'KR', 'TC']) {
        expect(statSync(join(DEFAULT_FONTS_DIR, `NotoSans${family}-${weight}.ttf`)).size, `${family} ${weight}`).toBeLessThan(6_000_000);
      }
    }
  });
});
